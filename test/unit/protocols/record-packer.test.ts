/**
 * The batch codec's fast path writes exactly the bytes the batch Packr writes for flat NARs, and
 * declines (undefined) what it does not write, so `encodeBatch` falls back to msgpackr for it.
 */
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, packRecords, unpackValue } from '../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../src/protocols/nar/nar.js';
import { PackedNar } from '../../../src/protocols/nar/packed-nar.js';
import { RecordPacker } from '../../../src/protocols/nar/record-packer.js';
import { prng } from '../../helpers/narflow-process.js';
import { BOUNDARY_INTEGERS, randomNarBatch } from '../../helpers/random-nars.js';

/** The options of the batch codec's Packr (src/protocols/nar/batch.ts). */
const packr = new Packr({ useRecords: true, int64AsType: 'bigint', moreTypes: false });

function expectSameBytes(records: readonly Nar[]): void {
  const packed = new RecordPacker().pack(records, 0);
  expect(packed, 'the fast path declined flat records').toBeDefined();
  expect(Buffer.from(packed as Uint8Array).toString('hex')).toBe(
    Buffer.from(packr.pack(records)).toString('hex'),
  );
}

describe('record packer', () => {
  it('ensures integers at every msgpack size boundary are written as msgpackr writes them (0x40..0x7f never as fixints, which would read as record ids)', () => {
    expectSameBytes(BOUNDARY_INTEGERS.map((n) => ({ n })));
    expect(new RecordPacker().pack([{ n: 0x41 }], 0)?.at(-2)).toBe(0xcc);
  });

  it('ensures non-integers, -0, NaN and infinities are written as doubles, as msgpackr writes them', () => {
    expectSameBytes([{ a: 0.5, b: -1.25, c: -0, d: Number.NaN, e: Infinity, f: -Infinity, g: 1e300 }]);
  });

  it('ensures bigints are int64, or uint64 above 2^63 - 1, as msgpackr writes them', () => {
    const values = [0n, 5n, -3n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 2n ** 64n - 1n];
    expectSameBytes(values.map((v) => ({ v })));
    const out = decodeBatch(
      encodeBatch(
        'p.0',
        1,
        values.map((v) => ({ v })),
      ),
    ).records;
    expect(out.map((r) => r['v'])).toEqual(values);
  });

  it('ensures strings at every header boundary, in ASCII and multi-byte UTF-8, are written as msgpackr writes them', () => {
    const lengths = [0, 1, 31, 32, 63, 64, 255, 256, 65535, 65536];
    const strings = lengths.flatMap((n) => [
      'a'.repeat(n),
      n === 0 ? '' : `${'a'.repeat(n - 1)}é`, // one more byte than characters: may need the next header
      '€'.repeat(Math.ceil(n / 3)),
    ]);
    strings.push('😀 emoji', 'lone \ud800 surrogate', '\udfff', `${'x'.repeat(40)}\ud83d`);
    expectSameBytes(strings.map((s) => ({ s })));
  });

  it('ensures booleans, null, an empty record and batches at array-header boundaries are written as msgpackr writes them', () => {
    expectSameBytes([{ t: true, f: false, n: null }, {}, { t: false, f: true, n: null }]);
    for (const n of [0, 15, 16, 65535, 65536]) {
      expectSameBytes(Array.from({ length: n }, (_, i) => ({ i })));
    }
  });

  it('ensures a batch alternating between shapes defines each shape once and refers to it after', () => {
    const a: Nar = { imsi: '262011234567890', chargingId: 1, up: 10n };
    const b: Nar = { imsi: '262011234567891', chargingId: 2 };
    const c: Nar = { chargingId: 3, imsi: '262011234567892' }; // same names, another order: another shape
    const batch = [a, b, a, c, b, c, a];
    expectSameBytes(batch);
    expect(decodeBatch(encodeBatch('p.0', 1, batch)).records).toEqual(batch);
  });

  it('ensures records made by a shape factory (a class, not Object) are written as msgpackr writes plain objects', () => {
    class Row {
      constructor(
        readonly imsi: string,
        readonly n: number,
      ) {}
    }
    const rows = [new Row('1', 1), new Row('2', 2)] as unknown as Nar[];
    expectSameBytes(rows);
  });

  it('ensures records it cannot write are declined, and encodeBatch still encodes (or refuses) them as msgpackr does', () => {
    const nested = [{ a: 1 }, { b: { c: 1 } }] as unknown as Nar[];
    const undef = [{ a: undefined }] as unknown as Nar[];
    const packer = new RecordPacker();
    for (const batch of [nested, undef]) {
      expect(packer.pack(batch, 0)).toBeUndefined();
      expect(decodeBatch(encodeBatch('p.0', 1, batch)).records).toEqual(batch);
    }
    const huge = [{ v: 2n ** 64n }];
    expect(packer.pack(huge, 0)).toBeUndefined();
    expect(() => encodeBatch('p.0', 1, huge)).toThrow(/too large/);
    // The packer is usable again after declining.
    expectSameBytes([{ a: 1 }]);
  });

  it('ensures past 64 shapes in a batch ids are defined again, and msgpackr reads every record back, in shapes seen again too', () => {
    const shapes = Array.from({ length: 150 }, (_, i) => ({ [`k${i}`]: i, v: `s${i}` }));
    expectSameBytes(shapes.slice(0, 64));
    const rand = prng(11);
    const batch: Nar[] = [];
    for (let i = 0; i < 2000; i++) batch.push({ ...(shapes[Math.floor(rand() * shapes.length)] as Nar) });
    const packed = new RecordPacker().pack(batch, 0);
    expect(packed).toBeDefined();
    expect(packr.unpack(packed as Uint8Array)).toEqual(batch);
    expect(decodeBatch(encodeBatch('p.0', 1, batch)).records).toEqual(batch);
  });

  it('ensures the bytes leave room for the header and own their whole ArrayBuffer', () => {
    const out = new RecordPacker().pack([{ a: 'x' }], 7) as Uint8Array;
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(out.byteLength);
    expect(Buffer.from(out.subarray(7))).toEqual(Buffer.from(packr.pack([{ a: 'x' }])));
  });

  it('ensures random flat records in random shapes are written exactly as msgpackr writes them (seeded)', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const packer = new RecordPacker();
    for (let round = 0; round < 300; round++) {
      const batch = randomNarBatch(random, 300);
      const packed = packer.pack(batch, 0);
      expect(packed, `seed ${seed} round ${round}`).toBeDefined();
      expect(
        Buffer.from(packed as Uint8Array).equals(Buffer.from(packr.pack(batch))),
        `seed ${seed} round ${round}`,
      ).toBe(true);
    }
  });

  it('ensures records packed as one value for state (packRecords) read back as they were, packed and plain, flat or not', () => {
    const plain: Nar[] = [
      { a: 1, b: 'x' },
      { a: 2n ** 63n - 1n, b: 'ä' },
      { c: null, d: true },
    ];
    // A packed record holds its values only: the array header msgpackr writes before them is skipped.
    const values = packr.pack([5, 'y']);
    const packed = new PackedNar(['a', 'b'], values, 1, values.length);
    const flat = packRecords([...plain, packed]);
    expect(unpackValue(flat)).toEqual([...plain, { a: 5, b: 'y' }]);
    expect(Buffer.from(packRecords(plain)).toString('hex')).toBe(
      Buffer.from(packr.pack(plain)).toString('hex'),
    );
    const nested = [...plain, { n: { deep: 1 } } as unknown as Nar, packed];
    expect(unpackValue(packRecords(nested))).toEqual([...plain, { n: { deep: 1 } }, { a: 5, b: 'y' }]);
  });
});
