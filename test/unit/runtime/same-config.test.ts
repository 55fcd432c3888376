import { describe, expect, it } from 'vitest';
import { sameConfig } from '../../../src/actors/runtime/same-config.js';

describe('sameConfig', () => {
  it('ensures key order does not make two node configs different', () => {
    const a = { id: 'x', settings: { dir: './out', rules: [{ attribute: 'imsi', column: 'IMSI' }] } };
    const b = { settings: { rules: [{ column: 'IMSI', attribute: 'imsi' }], dir: './out' }, id: 'x' };
    expect(sameConfig(a, b)).toBe(true);
  });

  it('ensures a changed value, list order or length, or a missing key makes them different', () => {
    const base = { id: 'x', settings: { n: 1, list: [1, 2], flag: true } };
    expect(sameConfig(base, { id: 'x', settings: { n: 2, list: [1, 2], flag: true } })).toBe(false);
    expect(sameConfig(base, { id: 'x', settings: { n: 1, list: [2, 1], flag: true } })).toBe(false);
    expect(sameConfig(base, { id: 'x', settings: { n: 1, list: [1, 2, 3], flag: true } })).toBe(false);
    expect(sameConfig(base, { id: 'x', settings: { n: 1, list: [1, 2] } })).toBe(false);
    expect(sameConfig(base, { id: 'x', settings: { n: '1', list: [1, 2], flag: true } })).toBe(false);
    expect(sameConfig({ a: null }, { a: {} })).toBe(false);
    expect(sameConfig([{}], { 0: {} })).toBe(false);
  });

  it('ensures a key holding undefined counts as absent, as in JSON', () => {
    expect(sameConfig({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameConfig({ a: 1 }, { a: 1, b: undefined })).toBe(true);
  });
});
