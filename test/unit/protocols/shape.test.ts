import { describe, expect, it } from 'vitest';
import { recordFactory, ShapeError } from '../../../src/protocols/nar/shape.js';

describe('fixed-shape records', () => {
  it('ensures a factory builds records with exactly the attributes, in order, from a reused values array', () => {
    const make = recordFactory(['imsi', 'chargingId', 'uplinkBytes']);
    const values: Array<string | number | bigint | null> = ['262010000000001', 7, 12n];
    const a = make(values);
    values[1] = 8;
    const b = make(values);
    expect(a).toEqual({ imsi: '262010000000001', chargingId: 7, uplinkBytes: 12n });
    expect(b.chargingId).toBe(8);
    expect(Object.keys(b)).toEqual(['imsi', 'chargingId', 'uplinkBytes']);
  });

  it('ensures names that are not plain identifiers are refused, so no code can be generated from them', () => {
    expect(() => recordFactory(['a', 'b"]; process.exit(1); //'])).toThrow(ShapeError);
    expect(() => recordFactory(['1abc'])).toThrow(/expected letters, digits, _/);
  });
});
