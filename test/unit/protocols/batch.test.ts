import { describe, expect, it } from 'vitest';
import {
  decodeBatch,
  decodeBatchHeader,
  encodeBatch,
  MAX_BATCH_RECORDS,
} from '../../../src/protocols/nar/batch.js';
import { DecodeError, EncodeError } from '../../../src/protocols/errors.js';
import type { Nar } from '../../../src/protocols/nar/nar.js';

const records: Nar[] = [
  {
    imsi: '262011234567890',
    chargingId: 42,
    uplinkBytes: 12345678901234567890n,
    ok: true,
    apn: null,
    ratio: 0.5,
  },
  { imsi: '262011234567891', chargingId: 43, uplinkBytes: 7n, ok: false, apn: 'internet', ratio: -1.25 },
];

describe('batch codec', () => {
  it('ensures a batch round-trips records of every attribute type with its (producer, sequence) header', () => {
    const bytes = encodeBatch('ep-1.0', 9007199254740991, records);
    const { header, records: out } = decodeBatch(bytes);
    expect(header).toEqual({ producer: 'ep-1.0', sequence: 9007199254740991, count: 2 });
    expect(out).toEqual(records);
    expect(typeof out[0]?.uplinkBytes).toBe('bigint');
    expect(typeof out[0]?.chargingId).toBe('number');
  });

  it('ensures the encoded bytes own their whole ArrayBuffer, so they can be transferred', () => {
    const bytes = encodeBatch('a.0', 1, records);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    const copy = structuredClone(bytes, { transfer: [bytes.buffer as ArrayBuffer] });
    expect(bytes.byteLength).toBe(0);
    expect(decodeBatch(copy).records).toEqual(records);
  });

  it('ensures every batch is self-describing: a fresh decoder reads batches out of order', () => {
    const a = encodeBatch('p.0', 1, records);
    const b = encodeBatch('p.0', 2, [{ other: 'shape', n: 1 }]);
    expect(decodeBatch(b).records).toEqual([{ other: 'shape', n: 1 }]);
    expect(decodeBatch(a).records).toEqual(records);
  });

  it('ensures the header can be read without decoding the records', () => {
    const bytes = encodeBatch('oi-x.3', 77, records);
    const h = decodeBatchHeader(bytes);
    expect(h).toMatchObject({ producer: 'oi-x.3', sequence: 77, count: 2 });
    expect(h.payloadOffset).toBe(16 + 'oi-x.3'.length);
  });

  it('ensures malformed batches are DecodeErrors with bounded codes', () => {
    const good = encodeBatch('p.0', 1, records);
    const cases: Array<[Uint8Array, string]> = [
      [good.subarray(0, 5), 'truncated'],
      [Uint8Array.from([0, 0, ...good.subarray(2)]), 'bad_magic'],
      [Uint8Array.from([0x4e, 0x42, 9, ...good.subarray(3)]), 'unsupported_version'],
      [good.subarray(0, good.length - 3), 'bad_payload'],
    ];
    for (const [bytes, code] of cases) {
      try {
        decodeBatch(bytes);
        expect.fail(`expected ${code}`);
      } catch (err) {
        expect(err).toBeInstanceOf(DecodeError);
        expect((err as DecodeError).code).toBe(code);
      }
    }
    const lying = good.slice();
    new DataView(lying.buffer).setUint32(12 + 3, MAX_BATCH_RECORDS + 1);
    expect(() => decodeBatch(lying)).toThrow(/too_many_records/);
    const miscount = good.slice();
    new DataView(miscount.buffer).setUint32(12 + 3, 3);
    expect(() => decodeBatch(miscount)).toThrow(/count_mismatch/);
  });

  it('ensures bad producer ids and sequences are refused at encode time', () => {
    expect(() => encodeBatch('', 1, [])).toThrow(EncodeError);
    expect(() => encodeBatch('x'.repeat(256), 1, [])).toThrow(/producer_id_length/);
    expect(() => encodeBatch('p', -1, [])).toThrow(/sequence_range/);
    expect(() => encodeBatch('p', 1.5, [])).toThrow(/sequence_range/);
  });
});
