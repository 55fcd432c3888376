import { describe, expect, it } from 'vitest';
import { FieldError } from '../../../../src/actors/nodes/ei/errors.js';
import {
  compileTimestamp,
  parseOffset,
  timestampFormatProblem,
  TimestampFormatError,
} from '../../../../src/actors/nodes/ei/timestamp-format.js';

function parse(format: string, raw: string, timezone?: string): string {
  return compileTimestamp('t', format, timezone).parse(raw);
}

function rejects(format: string, raw: string, timezone?: string): void {
  expect(() => parse(format, raw, timezone), `${format} ${JSON.stringify(raw)}`).toThrow(FieldError);
  try {
    parse(format, raw, timezone);
  } catch (err) {
    expect((err as FieldError).code).toBe('bad_timestamp');
    expect((err as FieldError).message).toMatch(/^field t: expected a timestamp as /);
  }
}

describe('timestamp patterns', () => {
  it('ensures each token is read at its place, literals must match, and missing time tokens are 0', () => {
    expect(parse('YYYYMMDDHHmmss', '20261124101500')).toBe('2026-11-24T10:15:00Z');
    expect(parse('DD.MM.YYYY HH:mm', '24.11.2026 10:15', '+02:00')).toBe('2026-11-24T10:15:00+02:00');
    expect(parse('YYYY-MM-DD', '2026-11-24', '-05:30')).toBe('2026-11-24T00:00:00-05:30');
    expect(parse('YYYYMMDDHHmmssSSS', '20261124101500042')).toBe('2026-11-24T10:15:00.042Z');
    expect(parse('MM/DD/YYYY hh', '11/24/2026 hh')).toBe('2026-11-24T00:00:00Z');
    rejects('DD.MM.YYYY HH:mm', '24-11-2026 10:15');
    rejects('YYYYMMDDHHmmss', '2026112410150');
    rejects('YYYYMMDDHHmmss', '202611241015000');
    rejects('YYYYMMDDHHmmss', '2026112410150x');
    rejects('YYYYMMDDHHmmss', '+0261124101500');
  });

  it('ensures impossible dates and times are rejected: Feb 30, Feb 29 outside leap years, month 13, hour 24, second 60', () => {
    for (const raw of [
      '20260230000000',
      '20250229000000',
      '21000229000000',
      '20261301000000',
      '20261100000000',
    ]) {
      rejects('YYYYMMDDHHmmss', raw);
    }
    for (const raw of ['20261124240000', '20261124006000', '20261124000060', '20260431000000']) {
      rejects('YYYYMMDDHHmmss', raw);
    }
    expect(parse('YYYYMMDD', '20240229')).toBe('2024-02-29T00:00:00Z');
    expect(parse('YYYYMMDD', '20000229')).toBe('2000-02-29T00:00:00Z');
    expect(parse('YYYYMMDD', '00010101')).toBe('0001-01-01T00:00:00Z');
  });

  it('ensures a pattern needs YYYY, MM and DD once each and no stray token letters', () => {
    expect(timestampFormatProblem('YYYYMMDDHHmmss')).toBeUndefined();
    expect(timestampFormatProblem('epoch-ms')).toBeUndefined();
    expect(timestampFormatProblem('YYMMDD')).toMatch(/"Y" at position 1 is not part of a token/);
    expect(timestampFormatProblem('YYYY-MM-DD hh:mm')).toBeUndefined(); // h is a literal
    expect(timestampFormatProblem('YYYY-MM-DD HH:mm:ss.SSSS')).toMatch(/"S" at position 24/);
    expect(timestampFormatProblem('YYYYMM')).toMatch(/missing day/);
    expect(timestampFormatProblem('YYYYMMDDMM')).toMatch(/MM appears more than once/);
    expect(() => compileTimestamp('t', 'YYMMDD')).toThrow(TimestampFormatError);
  });
});

describe('timestamp epochs', () => {
  it('ensures epoch-s and epoch-ms are rendered in the rule timezone', () => {
    expect(parse('epoch-s', '1795508100')).toBe('2026-11-24T08:15:00Z');
    expect(parse('epoch-s', '1795508100', '+02:00')).toBe('2026-11-24T10:15:00+02:00');
    expect(parse('epoch-s', '0', '-01:00')).toBe('1969-12-31T23:00:00-01:00');
    expect(parse('epoch-ms', '1795508100042', '+05:45')).toBe('2026-11-24T14:00:00.042+05:45');
    expect(parse('epoch-ms', '253402300799999')).toBe('9999-12-31T23:59:59.999Z');
  });

  it('ensures epoch values that are not plain non-negative integers, or beyond year 9999, are rejected', () => {
    for (const raw of ['-1', '1.5', '1e9', ' 1', 'x', '9999999999999']) rejects('epoch-s', raw);
    rejects('epoch-s', '253402300800'); // 10000-01-01
    rejects('epoch-s', '253402300799', '+00:01');
    rejects('epoch-ms', '1234567890123456');
  });
});

describe('timestamp iso8601', () => {
  it('ensures values with an offset are converted to the rule timezone and values without one are in it', () => {
    expect(parse('iso8601', '2026-11-24T10:15:00Z')).toBe('2026-11-24T10:15:00Z');
    expect(parse('iso8601', '2026-11-24T10:15:00+02:00')).toBe('2026-11-24T08:15:00Z');
    expect(parse('iso8601', '2026-11-24T10:15:00+0200', '+02:00')).toBe('2026-11-24T10:15:00+02:00');
    expect(parse('iso8601', '2026-11-24 10:15:00', '+02:00')).toBe('2026-11-24T10:15:00+02:00');
    expect(parse('iso8601', '2026-12-31T23:30:00-01:00', '+01:00')).toBe('2027-01-01T01:30:00+01:00');
    expect(parse('iso8601', '2024-03-01T00:30:00+01:00')).toBe('2024-02-29T23:30:00Z');
  });

  it('ensures a fraction is kept to the millisecond and shown only when given', () => {
    expect(parse('iso8601', '2026-11-24T10:15:00.5Z')).toBe('2026-11-24T10:15:00.500Z');
    expect(parse('iso8601', '2026-11-24T10:15:00.123456789Z')).toBe('2026-11-24T10:15:00.123Z');
  });

  it('ensures malformed or impossible ISO values are rejected', () => {
    for (const raw of [
      '2026-11-24',
      '2026-11-24T10:15',
      '2026-02-30T10:15:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T10:15:00.Z',
      '2026-11-24T10:15:00.1234567890Z',
      '2026-11-24T10:15:00+2:00',
      '2026-11-24T10:15:00+19:00',
      '2026-11-24T10:15:00ZZ',
      '20261124T101500Z',
      '2026/11/24T10:15:00Z',
    ]) {
      rejects('iso8601', raw);
    }
    rejects('iso8601', '0000-01-01T00:30:00+01:00');
  });
});

describe('timestamp timezones', () => {
  it('ensures ±HH:MM up to 18:00 and Z are accepted and a zero offset is written Z', () => {
    expect(parseOffset('Z')).toBe(0);
    expect(parseOffset('+05:45')).toBe(345);
    expect(parseOffset('-18:00')).toBe(-1080);
    for (const bad of ['+5:00', '0200', '+18:01', '+02:60', 'UTC', 'Europe/Berlin', 'z']) {
      expect(parseOffset(bad), bad).toBeUndefined();
    }
    expect(parse('YYYYMMDD', '20261124', '+00:00')).toBe('2026-11-24T00:00:00Z');
    expect(parse('YYYYMMDD', '20261124', '-00:00')).toBe('2026-11-24T00:00:00Z');
    expect(() => compileTimestamp('t', 'iso8601', 'CET')).toThrow(/timezone: expected ±HH:MM/);
  });
});
