/** Value forms of CDR fields: TBCD identities, MSISDN, BCD timestamps with offsets, PLMN ids. */
import { describe, expect, it } from 'vitest';
import {
  readMsisdn,
  readPlmn,
  readTbcd,
  readTimestamp,
  writeMsisdn,
  writePlmn,
  writeTbcd,
  writeTimestamp,
} from '../../../../src/protocols/cdr/values.js';
import { codeOf } from './fixtures.js';

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const tbcd = (hex: string): string => readTbcd(bytes(hex), 0, hex.length / 2, 'f');
const ts = (hex: string): string => readTimestamp(bytes(hex), 0, hex.length / 2, 'f');

describe('TBCD', () => {
  it('ensures digits come low nibble first and a 0xF filler ends an odd count', () => {
    expect(tbcd('62021132547698f0')).toBe('262011234567890');
    expect(tbcd('130010325476f8')).toBe('3100012345678');
    expect(tbcd('21f3')).toBe('123');
    expect(codeOf(() => tbcd(''))).toBe('invalid_tbcd');
    expect(codeOf(() => tbcd('111111111111111111'))).toBe('invalid_tbcd');
    expect(Buffer.from(writeTbcd('123', 'f')).toString('hex')).toBe('21f3');
    for (const d of ['0', '12', '310410123456789', '3534560123456780']) {
      expect(tbcd(Buffer.from(writeTbcd(d, 'f')).toString('hex'))).toBe(d);
    }
  });

  it('ensures non-digit nibbles and a filler before the last octet are refused', () => {
    expect(codeOf(() => tbcd('1a'))).toBe('invalid_tbcd');
    expect(codeOf(() => tbcd('a1'))).toBe('invalid_tbcd');
    expect(codeOf(() => tbcd('f121'))).toBe('invalid_tbcd');
    expect(codeOf(() => tbcd('1f'))).toBe('invalid_tbcd');
    for (const bad of ['12a', 'a1', '', '12345678901234567', '1 2', '１2', '1.5'])
      expect(() => writeTbcd(bad, 'f'), bad).toThrow(/expected 1 to 16 digits/);
  });

  it('ensures an ISDN-AddressString skips its nature/plan octet', () => {
    expect(readMsisdn(bytes('919471103254f6'), 0, 7, 'f')).toBe('49170123456');
    expect(Buffer.from(writeMsisdn('49170123456', 'f')).toString('hex')).toBe('919471103254f6');
    expect(codeOf(() => readMsisdn(bytes('91'), 0, 1, 'f'))).toBe('invalid_msisdn');
  });
});

describe('TimeStamp', () => {
  it('ensures YYMMDDhhmmss and the signed offset come out as ISO 8601 with that offset', () => {
    expect(ts('2612041015302b0100')).toBe('2026-12-04T10:15:30+01:00');
    expect(ts('2612042359592d0330')).toBe('2026-12-04T23:59:59-03:30');
    expect(ts('0001010000002b0000')).toBe('2000-01-01T00:00:00+00:00');
    expect(ts('9912312359592b1400')).toBe('2099-12-31T23:59:59+14:00');
    expect(ts('2402291200002d0000')).toBe('2024-02-29T12:00:00-00:00');
    for (const t of ['2026-12-04T10:15:30+01:00', '2030-06-15T00:00:01-11:45']) {
      expect(ts(Buffer.from(writeTimestamp(t, 'f')).toString('hex'))).toBe(t);
    }
  });

  it('ensures invalid BCD, out-of-range parts, impossible dates, a bad sign or length are refused', () => {
    for (const bad of [
      '2612041015302b01', // 8 octets
      '2612041015302b010000', // 10 octets
      '2a12041015302b0100', // non-BCD year
      '2613041015302b0100', // month 13
      '2600041015302b0100', // month 0
      '2612001015302b0100', // day 0
      '2611311015302b0100', // 31 November
      '2502291015302b0100', // 29 February 2025
      '2612042415302b0100', // hour 24
      '2612041060302b0100', // minute 60
      '2612041015602b0100', // second 60
      '261204101530300100', // sign '0'
      '2612041015302b2400', // offset hour 24
      '2612041015302b01f0', // non-BCD offset minutes
    ]) {
      expect(
        codeOf(() => ts(bad)),
        bad,
      ).toBe('invalid_timestamp');
    }
    expect(() => writeTimestamp('2026-12-04T10:15:30Z', 'f')).toThrow(/expected 20YY/);
  });

  it('ensures the writer takes exactly the text of 20YY-MM-DDThh:mm:ss±hh:mm, one character changed or not', () => {
    const form = /^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;
    const good = '2026-12-04T10:15:30+01:00';
    const texts = [good, `${good}0`, good.slice(0, -1), '１026-12-04T10:15:30+01:00'];
    for (let i = 0; i < good.length; i++)
      for (const c of ['0', '9', '-', '+', ':', 'T', 'a', ' ', '/', '٣'])
        texts.push(good.slice(0, i) + c + good.slice(i + 1));
    for (const t of texts) {
      let taken = true;
      try {
        writeTimestamp(t, 'f');
      } catch {
        taken = false;
      }
      expect(taken, t).toBe(form.test(t));
    }
  });
});

describe('PLMN-Id', () => {
  it('ensures MCC and MNC digits come out with a 2- or 3-digit MNC and write back', () => {
    expect(readPlmn(bytes('62f210'), 0, 3, 'f')).toBe('26201');
    expect(readPlmn(bytes('130014'), 0, 3, 'f')).toBe('310410');
    for (const p of ['26201', '310410', '23415']) {
      expect(readPlmn(writePlmn(p, 'f'), 0, 3, 'f')).toBe(p);
    }
    expect(codeOf(() => readPlmn(bytes('62f2'), 0, 2, 'f'))).toBe('invalid_plmn');
    expect(codeOf(() => readPlmn(bytes('6af210'), 0, 3, 'f'))).toBe('invalid_plmn');
  });
});
