/**
 * A batch read without making NAR objects: where each record's values lie in the batch's bytes, for
 * a sink that writes values out as they are (the file OI's CSV rows). The payload must be what the
 * record packer (or msgpackr, for flat records) writes: an array of records, each a shape definition
 * (`d4 72 <id>` and its attribute names; an id may be defined again, as msgpackr does past 64 shapes)
 * or a reference to one, then the values, which must be those of a NAR. Anything else (a nested
 * value, a map, a binary, an extension) gives undefined, and the caller reads the batch with
 * `decodeBatch` as before; a malformed batch does too, so `decodeBatch` reports it in its own words.
 */
import { DecodeError } from '../errors.js';
import { decodeBatchHeader, type BatchHeader } from './batch.js';
import { ValueReader } from './packed-nar.js';

export interface PackedBatch {
  readonly header: BatchHeader;
  readonly bytes: Uint8Array;
  /** Attribute names of each shape (index in this list, not the record id on the wire). */
  readonly shapes: readonly (readonly string[])[];
  /**
   * The shape of each record. 32 bits: past 64 shapes msgpackr defines an id again for almost every
   * record, so a batch can hold as many definitions as records.
   */
  readonly shapeOf: Uint32Array;
  /**
   * Where each record's value offsets begin in `starts`: value j of record i begins at
   * `starts[first[i] + j]`, and `starts[first[i] + n]` is where its last value (of n) ends.
   */
  readonly first: Uint32Array;
  readonly starts: Uint32Array;
}

const FIRST_ID = 0x40;
const LAST_ID = 0x7f;
/** `d4 72`: msgpackr's record definition (fixext 1 of type 0x72 'r'), then the id byte. */
const FIXEXT1 = 0xd4;
const RECORD_EXT = 0x72;

/** The batch's records as offsets into its bytes, or undefined when it is not a flat packed batch. */
export function readPackedBatch(bytes: Uint8Array): PackedBatch | undefined {
  let header: BatchHeader & { readonly payloadOffset: number };
  try {
    header = decodeBatchHeader(bytes);
  } catch (err) {
    if (err instanceof DecodeError) return undefined;
    throw err;
  }
  const count = header.count;
  const r = new ValueReader(bytes, header.payloadOffset, bytes.length);
  if (arrayLength(r) !== count) return undefined;
  const shapes: (readonly string[])[] = [];
  const byId = new Int32Array(LAST_ID - FIRST_ID + 1).fill(-1);
  const shapeOf = new Uint32Array(count);
  const first = new Uint32Array(count);
  let starts = new Uint32Array(count * 16 + 1);
  let at = 0;
  try {
    for (let i = 0; i < count; i++) {
      const b = bytes[r.pos];
      let shape: number;
      if (b === FIXEXT1) {
        if (bytes[r.pos + 1] !== RECORD_EXT) return undefined;
        const id = bytes[r.pos + 2];
        if (id === undefined || id < FIRST_ID || id > LAST_ID) return undefined;
        r.pos += 3;
        const keys = shapeKeys(r);
        if (keys === undefined) return undefined;
        shape = shapes.push(keys) - 1;
        byId[id - FIRST_ID] = shape;
      } else {
        if (b === undefined || b < FIRST_ID || b > LAST_ID) return undefined;
        shape = byId[b - FIRST_ID] as number;
        if (shape < 0) return undefined;
        r.pos++;
      }
      const n = (shapes[shape] as readonly string[]).length;
      if (at + n + 1 > starts.length) {
        const grown = new Uint32Array(Math.max(starts.length * 2, at + n + 1));
        grown.set(starts);
        starts = grown;
      }
      shapeOf[i] = shape;
      first[i] = at;
      for (let j = 0; j < n; j++) {
        starts[at++] = r.pos;
        r.pass();
      }
      starts[at++] = r.pos;
    }
  } catch (err) {
    if (err instanceof DecodeError) return undefined;
    throw err;
  }
  if (r.pos !== bytes.length) return undefined;
  const { payloadOffset: _, ...plain } = header;
  return { header: plain, bytes, shapes, shapeOf, first, starts };
}

/** The length of the array header at the reader's position, or −1 when there is none. */
function arrayLength(r: ValueReader): number {
  const b = r.buf[r.pos];
  if (b === undefined) return -1;
  if ((b & 0xf0) === 0x90) {
    r.pos += 1;
    return b & 0x0f;
  }
  if (b === 0xdc && r.pos + 3 <= r.end) {
    r.pos += 3;
    return ((r.buf[r.pos - 2] as number) << 8) | (r.buf[r.pos - 1] as number);
  }
  if (b === 0xdd && r.pos + 5 <= r.end) {
    const v = new DataView(r.buf.buffer, r.buf.byteOffset + r.pos + 1, 4).getUint32(0);
    r.pos += 5;
    return v;
  }
  return -1;
}

/**
 * A shape definition's attribute names. A name given twice, or `__proto__`, gives undefined: the
 * object path decides what such a record holds.
 */
function shapeKeys(r: ValueReader): readonly string[] | undefined {
  const n = arrayLength(r);
  if (n < 0) return undefined;
  const keys: string[] = [];
  for (let k = 0; k < n; k++) {
    const key = r.read();
    if (typeof key !== 'string' || key === '__proto__' || keys.includes(key)) return undefined;
    keys.push(key);
  }
  return keys;
}
