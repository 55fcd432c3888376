import { describe, expect, it } from 'vitest';
import type { Nar } from '../../../src/protocols/nar/nar.js';
import {
  attributeText,
  hashString,
  keyGroupOf,
  RoutingError,
  sessionKey,
} from '../../../src/actors/routing/index.js';
import { histogram, mulberry32, randomImsi, randomInt } from './prng.js';

const KEYS = 100_000;
const GROUPS = 256;
// Each group's count is Binomial(100000, 1/256): mean 390.6, standard deviation 19.7. Five standard
// deviations (±98.6) is exceeded by a uniform hash with probability 5.7e-7 per group (1.5e-4 for
// any of 256), while a hash that favours some groups by 25 % or more fails it.
const MEAN = KEYS / GROUPS;
const SD = Math.sqrt(KEYS * (1 / GROUPS) * (1 - 1 / GROUPS));
// Pearson's chi-square over 256 groups has 255 degrees of freedom: mean 255, sd √510 ≈ 22.6.
const CHI_DF = GROUPS - 1;
const CHI_SD = Math.sqrt(2 * CHI_DF);

function expectUniform(counts: readonly number[]): void {
  for (const [g, c] of counts.entries()) {
    expect(Math.abs(c - MEAN), `key group ${g} holds ${c}`).toBeLessThanOrEqual(5 * SD);
  }
  const chi = counts.reduce((sum, c) => sum + (c - MEAN) ** 2 / MEAN, 0);
  expect(Math.abs(chi - CHI_DF)).toBeLessThanOrEqual(5 * CHI_SD);
}

describe('session keys', () => {
  it('renders strings as they are, numbers and bigints in decimal, booleans, null and missing as empty', () => {
    expect(attributeText('262011234567890')).toBe('262011234567890');
    expect(attributeText(42)).toBe('42');
    expect(attributeText(-7.5)).toBe('-7.5');
    expect(attributeText(12345678901234567890n)).toBe('12345678901234567890');
    expect(attributeText(true)).toBe('true');
    expect(attributeText(false)).toBe('false');
    expect(attributeText(null)).toBe('');
    expect(attributeText(undefined)).toBe('');
  });

  it('joins the attribute texts with U+0001 in the listed order', () => {
    const record: Nar = { imsi: '262011234567890', chargingId: 77, ggsnAddress: '10.0.0.1', flag: null };
    expect(sessionKey(record, ['imsi', 'chargingId'])).toBe('262011234567890\u000177');
    expect(sessionKey(record, ['chargingId', 'imsi'])).toBe('77\u0001262011234567890');
    expect(sessionKey(record, ['imsi', 'flag', 'missing', 'ggsnAddress'])).toBe(
      '262011234567890\u0001\u0001\u000110.0.0.1',
    );
  });

  it('keeps ("a","bc") and ("ab","c") apart', () => {
    const x = sessionKey({ p: 'a', q: 'bc' }, ['p', 'q']);
    const y = sessionKey({ p: 'ab', q: 'c' }, ['p', 'q']);
    expect(x).not.toBe(y);
    expect(hashString(x)).not.toBe(hashString(y));
  });

  it('gives a single attribute its own text and the same key for number and bigint of equal value', () => {
    expect(sessionKey({ acctSessionId: 'S-1' }, ['acctSessionId'])).toBe('S-1');
    expect(sessionKey({ chargingId: 5 }, ['chargingId'])).toBe(
      sessionKey({ chargingId: 5n }, ['chargingId']),
    );
  });
});

describe('key groups', () => {
  it('maps a key to its hash modulo the number of key groups', () => {
    // 0xb3dd93fa is the published MurmurHash3 x86_32 of "abc" with seed 0.
    expect(keyGroupOf('abc', 256)).toBe(0xb3dd93fa % 256);
    expect(keyGroupOf('abc', 1000)).toBe(0xb3dd93fa % 1000);
    expect(keyGroupOf('abc', 1)).toBe(0);
  });

  it('rejects a number of key groups that is not a positive integer', () => {
    for (const bad of [0, -1, 2.5, Number.NaN, 2 ** 21]) {
      expect(() => keyGroupOf('k', bad)).toThrow(RoutingError);
    }
  });

  it('spreads 100,000 random IMSI + charging id keys over 256 key groups within 5 standard deviations', () => {
    const random = mulberry32(0x5eed_0101);
    const groups: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      const record: Nar = { imsi: randomImsi(random), chargingId: randomInt(random, 0x1_0000_0000) };
      groups.push(keyGroupOf(sessionKey(record, ['imsi', 'chargingId']), GROUPS));
    }
    expectUniform(histogram(groups, GROUPS));
  });

  it('spreads 100,000 sequential charging ids of one subscriber within 5 standard deviations', () => {
    const groups: number[] = [];
    for (let id = 1; id <= KEYS; id++) {
      groups.push(
        keyGroupOf(sessionKey({ imsi: '262019999999999', chargingId: id }, ['imsi', 'chargingId']), GROUPS),
      );
    }
    expectUniform(histogram(groups, GROUPS));
  });
});
