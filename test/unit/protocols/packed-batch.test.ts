/**
 * `readPackedBatch` finds every record's values in a batch's bytes, for flat batches of any shapes
 * (objects and packed CDR NARs alike), and declines (undefined) what is not a flat packed batch:
 * nested values, msgpackr's own encodings, malformed or truncated bytes.
 */
import { describe, expect, it } from 'vitest';
import { encodeCdr } from '../../../src/protocols/cdr/encode.js';
import { packCdrNar } from '../../../src/protocols/cdr/packed.js';
import { sampleCdr } from '../../../src/protocols/cdr/samples.js';
import { decodeBatch, encodeBatch } from '../../../src/protocols/nar/batch.js';
import { MsgpackWriter } from '../../../src/protocols/nar/msgpack-writer.js';
import type { Nar } from '../../../src/protocols/nar/nar.js';
import { readPackedBatch, type PackedBatch } from '../../../src/protocols/nar/packed-batch.js';
import { PackedNar, type NarRecord } from '../../../src/protocols/nar/packed-nar.js';

/** The batch's records read back through their offsets. */
function recordsOf(b: PackedBatch): Nar[] {
  return Array.from(b.shapeOf, (shape, i) => {
    const keys = b.shapes[shape] as readonly string[];
    const at = b.first[i] as number;
    return new PackedNar(keys, b.bytes, b.starts[at] as number, b.starts[at + keys.length] as number).toNar();
  });
}

function packedCdr(i: number): PackedNar {
  const w = new MsgpackWriter();
  const keys = packCdrNar(encodeCdr(sampleCdr(i)), w);
  if (!Array.isArray(keys)) throw new Error('sample CDR did not pack');
  return new PackedNar(keys as readonly string[], w.buf.slice(0, w.pos), 0, w.pos);
}

describe('readPackedBatch', () => {
  it('ensures every record of a batch of several shapes, objects and packed CDR NARs, is found with its values', () => {
    const records: NarRecord[] = [
      { imsi: '262011234567890', chargingId: 1, up: 10n },
      packedCdr(0),
      { imsi: '262011234567891', chargingId: 2 },
      packedCdr(1),
      packedCdr(2),
      { chargingId: 3, imsi: 'é', ok: true, none: null, ratio: 0.5, neg: -70000 },
      { imsi: '262011234567890', chargingId: 1, up: 2n ** 64n - 1n },
    ];
    const bytes = encodeBatch('gtpp.0', 42, records);
    const b = readPackedBatch(bytes);
    expect(b).toBeDefined();
    const batch = b as PackedBatch;
    expect(batch.header).toEqual({ producer: 'gtpp.0', sequence: 42, count: records.length });
    expect(recordsOf(batch)).toEqual(decodeBatch(bytes).records);
    // Objects of one shape share its definition; packed CDRs of one type share theirs.
    expect(batch.shapes.length).toBeLessThan(records.length);
  });

  it('ensures empty batches, empty records and batches at array-header boundaries are read', () => {
    for (const n of [0, 15, 16, 65535, 65536]) {
      const records = Array.from({ length: n }, (_, i): Nar => (i % 3 === 0 ? {} : { i }));
      const b = readPackedBatch(encodeBatch('p', 1, records));
      expect(b?.header.count).toBe(n);
      expect(recordsOf(b as PackedBatch)).toEqual(records);
    }
  });

  it('ensures more than 64 shapes (msgpackr then defines record ids again) are read as msgpackr reads them', () => {
    const shapes = Array.from({ length: 70 }, (_, i) => ({ [`k${i}`]: i }));
    const many = encodeBatch('p', 1, [...shapes, ...shapes]);
    const b = readPackedBatch(many);
    expect(b?.shapes.length).toBe(140);
    expect(recordsOf(b as PackedBatch)).toEqual(decodeBatch(many).records);
  });

  it('ensures a batch with more than 65,535 shape definitions (70 shapes taking turns) keeps every record on its own shape', () => {
    const records = Array.from({ length: 70_000 }, (_, i): Nar => ({ [`k${i % 70}`]: i, v: i }));
    const bytes = encodeBatch('p', 1, records);
    const b = readPackedBatch(bytes) as PackedBatch;
    expect(b.shapes.length).toBeGreaterThan(65_536);
    expect(recordsOf(b)).toEqual(decodeBatch(bytes).records);
  });

  it('ensures what is not a flat packed batch is declined: nested values, not a batch at all', () => {
    const nested = [{ a: 1 }, { b: { c: 1 } }] as unknown as Nar[];
    const array = [{ a: [1, 2] }] as unknown as Nar[];
    for (const records of [nested, array])
      expect(readPackedBatch(encodeBatch('p', 1, records))).toBeUndefined();
    expect(readPackedBatch(new Uint8Array(0))).toBeUndefined();
    expect(readPackedBatch(Buffer.from('not a batch at all'))).toBeUndefined();
  });

  it('ensures a truncated batch, a batch with bytes after its records and a wrong record count are declined', () => {
    const bytes = encodeBatch('p', 1, [{ a: 'x', b: 1 }, packedCdr(3)]);
    for (let n = 0; n < bytes.length; n++)
      expect(readPackedBatch(bytes.subarray(0, n)), `${n} bytes`).toBeUndefined();
    expect(readPackedBatch(Buffer.concat([bytes, Buffer.from([0xc0])]))).toBeUndefined();
    const miscounted = Uint8Array.from(bytes);
    miscounted[miscounted.indexOf(0x92, 18)] = 0x93; // the array header: 3 records where 2 are
    expect(readPackedBatch(miscounted)).toBeUndefined();
  });

  it('ensures a shape naming an attribute twice, or __proto__, is declined (the object path decides what such a record holds)', () => {
    const twice = Buffer.from(encodeBatch('p', 1, [{ ab: 1, cd: 2 }]));
    twice.set(Buffer.from('ab'), twice.indexOf('cd'));
    expect(readPackedBatch(twice)).toBeUndefined();
    const proto = encodeBatch('p', 1, [JSON.parse('{"__proto__": 1}') as Nar]);
    expect(readPackedBatch(proto)).toBeUndefined();
  });

  it('ensures an attribute name that is not UTF-8 is declined, not thrown (msgpackr reads it its own way)', () => {
    const bytes = Buffer.from(encodeBatch('p', 1, [{ ab: 1 }]));
    bytes[bytes.indexOf('ab')] = 0xc3;
    expect(readPackedBatch(bytes)).toBeUndefined();
  });
});
