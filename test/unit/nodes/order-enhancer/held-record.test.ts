import { describe, expect, it } from 'vitest';
import { HeldRecord, heldNar, RecordHolder } from '../../../../src/actors/nodes/oe/held-record.js';
import { encodeBatch } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { PackedNar } from '../../../../src/protocols/nar/packed-nar.js';
import { prng } from '../../../helpers/narflow-process.js';

/** Records with every kind of value a flat NAR holds, at the encodings' edges. */
function varied(i: number): Nar {
  return {
    recordType: 'pGWRecord',
    imsi: `26201${String(i).padStart(10, '0')}`,
    chargingId: i,
    small: i % 64,
    negative: -1 - (i % 40_000),
    float: i + 0.25,
    big: 2n ** 63n - 1n - BigInt(i),
    bigUnsigned: 2n ** 64n - 1n - BigInt(i),
    bigNegative: -(2n ** 63n) + BigInt(i),
    word: 0x1_0000_0000 + i,
    flag: i % 2 === 0,
    none: null,
    empty: '',
    text: 'ä\u{1F600}ß'.repeat(1 + (i % 5)),
    long: 'x'.repeat(300 + (i % 70_000 === 0 ? 70_000 : 0)),
  };
}

describe('held records', () => {
  it('ensures a held record is emitted as the very bytes the record itself would be batched as, with the same values', () => {
    const holder = new RecordHolder();
    for (let i = 0; i < 200; i++) {
      const r = varied(i);
      const held = holder.hold(r);
      expect(held).toBeInstanceOf(HeldRecord);
      const out = holder.emitted(held);
      expect(out).toBeInstanceOf(PackedNar);
      expect(encodeBatch('oe', i, [out])).toEqual(encodeBatch('oe', i, [r]));
      expect((out as PackedNar).toNar()).toEqual(r);
      expect(heldNar(held)).toEqual(r);
    }
  });

  it('ensures records emitted earlier keep their bytes while later ones fill and roll the slabs', () => {
    const holder = new RecordHolder();
    const rand = prng(7);
    const records: Nar[] = [];
    const emitted = [];
    for (let i = 0; i < 5000; i++) {
      const r: Nar = { chargingId: i, apn: 'internet'.repeat(1 + Math.floor(rand() * 40)), up: rand() * 1e9 };
      records.push(r);
      emitted.push(holder.emitted(holder.hold(r)));
    }
    expect(emitted.map((p) => (p as PackedNar).toNar())).toEqual(records);
    // Past a quarter slab a record gets a buffer of its own.
    const huge: Nar = { note: 'y'.repeat(100_000) };
    const out = holder.emitted(holder.hold(huge)) as PackedNar;
    expect(out.start).toBe(0);
    expect(out.toNar()).toEqual(huge);
  });

  it('ensures records of one attribute list share it, and other orders or names get their own', () => {
    const holder = new RecordHolder();
    const a = holder.hold({ x: 1, y: 'a' }) as HeldRecord;
    const b = holder.hold({ x: 2, y: 'b' }) as HeldRecord;
    const c = holder.hold({ y: 'c', x: 3 }) as HeldRecord;
    const d = holder.hold({ x: 4, y: 'd', z: null }) as HeldRecord;
    const e = holder.hold({ x: 5, y: 'e' }) as HeldRecord;
    expect(b.keys).toBe(a.keys);
    expect(e.keys).toBe(a.keys);
    expect(c.keys).toEqual(['y', 'x']);
    expect(d.keys).toEqual(['x', 'y', 'z']);
    expect([a, b, c, d, e].map(heldNar)).toEqual([
      { x: 1, y: 'a' },
      { x: 2, y: 'b' },
      { y: 'c', x: 3 },
      { x: 4, y: 'd', z: null },
      { x: 5, y: 'e' },
    ]);
  });

  it('ensures a record that cannot be packed, or of a shape past the 1024 kept, is held as the record itself', () => {
    const holder = new RecordHolder();
    const nested = { a: 1, b: { c: 2 } } as unknown as Nar;
    expect(holder.hold(nested)).toBe(nested);
    const huge: Nar = { a: 2n ** 70n };
    expect(holder.hold(huge)).toBe(huge);
    expect(holder.emitted(huge)).toBe(huge);
    expect(heldNar(huge)).toBe(huge);
    for (let i = 0; i < 1024; i++) expect(holder.hold({ [`k${i}`]: i })).toBeInstanceOf(HeldRecord);
    const past: Nar = { other: 1 };
    expect(holder.hold(past)).toBe(past);
    // Shapes already kept still pack.
    expect(holder.hold({ k5: 6 })).toBeInstanceOf(HeldRecord);
  });
});
