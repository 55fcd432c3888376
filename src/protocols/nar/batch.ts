/**
 * Batch wire format: the unit that crosses threads, lands in input logs and (later) Redis Streams.
 *
 *   offset 0  u8[2]  magic "NB"
 *          2  u8     format version (1)
 *          3  u8     producer id length P (1..255 bytes of UTF-8)
 *          4  u8[P]  producer id (the producing actor)
 *        4+P  u64    sequence number (big endian; < 2^53)
 *       12+P  u32    record count
 *       16+P  ...    msgpackr payload: an array of NARs, encoded with records (structures defined
 *                    inline once per batch, so every batch is self-describing on disk and on the wire)
 *
 * The returned bytes own their ArrayBuffer exclusively, so they can be transferred to another thread.
 */
import { Packr } from 'msgpackr';
import { DecodeError, EncodeError } from '../errors.js';
import type { Nar } from './nar.js';
import { plainNar, type NarRecord } from './packed-nar.js';
import { RecordPacker } from './record-packer.js';

export interface BatchHeader {
  readonly producer: string;
  readonly sequence: number;
  readonly count: number;
}

export interface DecodedBatch {
  readonly header: BatchHeader;
  readonly records: Nar[];
}

const MAGIC0 = 0x4e;
const MAGIC1 = 0x42;
const VERSION = 1;
const FIXED = 16; // bytes of header without the producer id
/** Cap on records in one batch, checked before decoding the payload. */
export const MAX_BATCH_RECORDS = 1_000_000;

const packr = new Packr({ useRecords: true, int64AsType: 'bigint', moreTypes: false });
/** Writes flat NARs as `packr` would, faster; records it cannot write go through `packr`. */
const recordPacker = new RecordPacker();
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function encodeBatch(producer: string, sequence: number, records: readonly NarRecord[]): Uint8Array {
  const id = textEncoder.encode(producer);
  if (id.length === 0 || id.length > 255) {
    throw new EncodeError(
      'batch',
      'producer_id_length',
      `producer id must be 1..255 bytes, got ${id.length}`,
    );
  }
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new EncodeError(
      'batch',
      'sequence_range',
      `sequence must be a safe non-negative integer, got ${sequence}`,
    );
  }
  const out = packRecordsAfter(records, FIXED + id.length);
  const view = new DataView(out.buffer);
  out[0] = MAGIC0;
  out[1] = MAGIC1;
  out[2] = VERSION;
  out[3] = id.length;
  out.set(id, 4);
  view.setBigUint64(4 + id.length, BigInt(sequence));
  view.setUint32(12 + id.length, records.length);
  return out;
}

/**
 * Records as one MessagePack value (an array, read back with `unpackValue`), written as a batch's
 * payload is: a packed record's bytes are copied. For state that holds records (checkpoints).
 */
export function packRecords(records: readonly NarRecord[]): Uint8Array {
  return packRecordsAfter(records, 0);
}

/** `prefix` free bytes, then the records as one value; a buffer of its own. */
function packRecordsAfter(records: readonly NarRecord[], prefix: number): Uint8Array {
  const out = recordPacker.pack(records, prefix);
  if (out !== undefined) return out;
  const payload = packr.pack(records.map(plainNar));
  const whole = new Uint8Array(prefix + payload.length);
  whole.set(payload, prefix);
  return whole;
}

/** Reads only the header: cheap, used for high-water-mark checks without decoding records. */
export function decodeBatchHeader(bytes: Uint8Array): BatchHeader & { readonly payloadOffset: number } {
  if (bytes.length < FIXED + 1) {
    throw new DecodeError('batch', 'truncated', `batch of ${bytes.length} bytes is shorter than a header`, 0);
  }
  if (bytes[0] !== MAGIC0 || bytes[1] !== MAGIC1)
    throw new DecodeError('batch', 'bad_magic', 'not a NAR batch', 0);
  if (bytes[2] !== VERSION) {
    throw new DecodeError('batch', 'unsupported_version', `expected version ${VERSION}, got ${bytes[2]}`, 2);
  }
  const idLength = bytes[3] ?? 0;
  if (idLength === 0 || bytes.length < FIXED + idLength) {
    throw new DecodeError('batch', 'truncated', `producer id of ${idLength} bytes does not fit`, 3);
  }
  let producer: string;
  try {
    producer = textDecoder.decode(bytes.subarray(4, 4 + idLength));
  } catch {
    throw new DecodeError('batch', 'bad_producer_id', 'producer id is not UTF-8', 4);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const seq = view.getBigUint64(4 + idLength);
  if (seq > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError('batch', 'sequence_range', `sequence ${seq} exceeds 2^53`, 4 + idLength);
  }
  const count = view.getUint32(12 + idLength);
  if (count > MAX_BATCH_RECORDS) {
    throw new DecodeError(
      'batch',
      'too_many_records',
      `${count} records exceed ${MAX_BATCH_RECORDS}`,
      12 + idLength,
    );
  }
  return { producer, sequence: Number(seq), count, payloadOffset: FIXED + idLength };
}

export function decodeBatch(bytes: Uint8Array): DecodedBatch {
  const { payloadOffset, ...header } = decodeBatchHeader(bytes);
  let records: unknown;
  try {
    records = packr.unpack(bytes.subarray(payloadOffset));
  } catch (err) {
    throw new DecodeError('batch', 'bad_payload', (err as Error).message, payloadOffset);
  }
  if (!Array.isArray(records) || records.length !== header.count) {
    throw new DecodeError('batch', 'count_mismatch', `header says ${header.count} records`, payloadOffset, {
      decoded: Array.isArray(records) ? records.length : typeof records,
    });
  }
  return { header, records: records as Nar[] };
}

/** msgpackr with the batch options, for other state (checkpoints, log entries) that must keep bigints. */
export function packValue(value: unknown): Uint8Array {
  const b = packr.pack(value);
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function unpackValue(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}

/** The values of a sequence written by `packValue` one after the other. */
export function unpackValues(bytes: Uint8Array): unknown[] {
  return packr.unpackMultiple(bytes);
}
