/**
 * PackedNar: a NAR written as MessagePack values. Read back (`toNar`, `get`) exactly as msgpackr
 * reads the batch; packed beside NAR objects in one batch, byte for byte what the objects give.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/protocols/errors.js';
import { decodeBatch, encodeBatch } from '../../../src/protocols/nar/batch.js';
import { MsgpackWriter } from '../../../src/protocols/nar/msgpack-writer.js';
import type { AttributeValue, Nar } from '../../../src/protocols/nar/nar.js';
import { PackedNar } from '../../../src/protocols/nar/packed-nar.js';
import { RecordPacker } from '../../../src/protocols/nar/record-packer.js';

/** `nar` packed by the record packer's value writer. */
function pack(nar: Nar, keys: readonly string[] = Object.keys(nar)): PackedNar {
  const w = new MsgpackWriter(16);
  w.pos = 5; // not at the start of its buffer
  const start = w.pos;
  for (const k of keys) {
    const v = nar[k] as AttributeValue;
    if (typeof v === 'string') w.string(v);
    else if (typeof v === 'number') w.number(v);
    else if (typeof v === 'bigint') expect(w.bigint(v)).toBe(true);
    else if (typeof v === 'boolean') w.boolean(v);
    else w.nil();
  }
  return new PackedNar(keys, w.buf.slice(), start, w.pos);
}

const VALUES: Nar = {
  short: 'GW-FRA-01',
  empty: '',
  long: 'x'.repeat(300),
  longer: 'y'.repeat(70_000),
  utf8: 'Zürich ✓',
  small: 5,
  edge: 0x3f,
  u8: 0x41,
  u16: 0x1234,
  u32: 4_000_000_000,
  safe: 2 ** 40 + 3,
  neg: -5,
  neg8: -100,
  neg16: -30_000,
  neg32: -2_000_000_000,
  float: 1.5,
  big: 2n ** 40n + 5n,
  bigNeg: -7n,
  bigU64: 2n ** 64n - 1n,
  yes: true,
  no: false,
  none: null,
};

describe('PackedNar', () => {
  it('ensures every NAR value type reads back as written, as msgpackr reads the batch', () => {
    const p = pack(VALUES);
    expect(p.toNar()).toEqual(VALUES);
    for (const [k, v] of Object.entries(VALUES)) expect(p.get(k)).toEqual(v);
    expect(p.get('absent')).toBeUndefined();
    expect(decodeBatch(encodeBatch('n.0', 1, [p])).records).toEqual([VALUES]);
  });

  it('ensures packed records and NAR objects in one batch give the bytes of the objects alone', () => {
    const a: Nar = { recordType: 'pGWRecord', imsi: '262011000000001', uplinkBytes: 10n };
    const b: Nar = { recordType: 'pGWRecord', imsi: '262011000000002', uplinkBytes: 20n };
    const c: Nar = { recordType: 'sgsnPDPRecord', chargingId: 7 };
    const keys = Object.keys(a);
    const mixed = [pack(a, keys), b, pack(b, keys), c, pack(c), a];
    const plain = [a, b, b, c, c, a];
    expect(Buffer.from(encodeBatch('n.0', 3, mixed))).toEqual(Buffer.from(encodeBatch('n.0', 3, plain)));
    expect(Buffer.from(new RecordPacker().pack(mixed, 0) as Uint8Array)).toEqual(
      Buffer.from(new RecordPacker().pack(plain, 0) as Uint8Array),
    );
  });

  it('ensures a batch the record packer cannot write (a nested value) still carries packed records', () => {
    const a: Nar = { imsi: '1', n: 1 };
    const nested = { deep: { x: 1 } } as unknown as Nar;
    const batch = decodeBatch(encodeBatch('n.0', 1, [pack(a), nested]));
    expect(batch.records).toEqual([a, nested]);
  });

  it('ensures bytes that are not NAR values are refused with a DecodeError', () => {
    const p = new PackedNar(['a'], Uint8Array.of(0x90), 0, 1); // an array
    expect(() => p.toNar()).toThrow(/not a NAR value/);
    const cut = new PackedNar(['a'], Uint8Array.of(0xa5, 0x41), 0, 2); // 5-byte string, 1 byte there
    expect(() => cut.toNar()).toThrow(/runs past the record/);
    const extra = new PackedNar(['a'], Uint8Array.of(1, 2), 0, 2);
    expect(() => extra.toNar()).toThrow(/after the last value/);
    const notUtf8 = new PackedNar(['a'], Uint8Array.of(0xa2, 0xc3, 0x28), 0, 3);
    expect(() => notUtf8.toNar()).toThrow(DecodeError);
    expect(() => notUtf8.toNar()).toThrow(/not UTF-8/);
  });
});
