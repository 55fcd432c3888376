/**
 * The batch payload's fast path: an array of NARs written as MessagePack with msgpackr's record
 * structure extension (its README, "Record Structure Extension Definition"), byte for byte what the
 * batch codec's Packr writes for the same records, so msgpackr reads it back unchanged.
 *
 *   first record of a shape:  d4 72 <id 0x40..0x7f> <array of attribute names> <values>
 *   later records:            <id> <values>
 *
 * Faster than the general encoder because a NAR is flat: the attribute names are compared with the
 * shape the previous record had (records of one source mostly share one), and values are only
 * strings, numbers, bigints, booleans and null. Anything else (a nested value, a bigint beyond 64
 * bits, more than 64 shapes in one batch) returns undefined, and the caller packs with msgpackr.
 * Records are plain data objects: inherited enumerable properties are not expected.
 */
import type { Nar } from './nar.js';

/** One byte per record id: msgpackr numbers a message's own structures 0x40..0x7f. */
const FIRST_ID = 0x40;
const MAX_SHAPES = 64;
/** A scratch buffer grown past this is dropped after use rather than kept for the next batch. */
const KEEP_BYTES = 4 << 20;

interface Shape {
  readonly id: number;
  readonly keys: readonly string[];
}

/** How writing a record's values against a shape went. */
const MATCHED = 0;
/** The record's attribute names differ from the shape's (its values are to be written again). */
const OTHER_SHAPE = 1;
/** A value the packer does not write: the batch goes to msgpackr. */
const NOT_FLAT = 2;

export class RecordPacker {
  #buf = new Uint8Array(64 << 10);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  readonly #shapes: Shape[] = [];

  /**
   * `prefix` bytes left free at the start (the caller's header), then the records. Returns a buffer
   * of its own ArrayBuffer, exactly as long as written, or undefined when a record is not flat.
   */
  pack(records: readonly Nar[], prefix: number): Uint8Array | undefined {
    this.#pos = prefix;
    this.#shapes.length = 0;
    this.#room(prefix + 5);
    this.#arrayHeader(records.length);
    let last: Shape | undefined;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as Nar;
      const start = this.#pos;
      if (last !== undefined) {
        this.#buf[this.#pos++] = last.id;
        const written = this.#values(r, last.keys);
        if (written === MATCHED) continue;
        if (written === NOT_FLAT) return this.#done(undefined);
        this.#pos = start;
      }
      last = this.#shapeOf(r);
      if (last === undefined || this.#values(r, last.keys) !== MATCHED) return this.#done(undefined);
    }
    return this.#done(this.#buf.slice(0, this.#pos));
  }

  #done(out: Uint8Array | undefined): Uint8Array | undefined {
    if (this.#buf.length > KEEP_BYTES) this.#setBuffer(new Uint8Array(64 << 10));
    return out;
  }

  /** The record's shape, defined in the output (and remembered) when it is new in this batch. */
  #shapeOf(r: Nar): Shape | undefined {
    const keys = Object.keys(r);
    for (const s of this.#shapes)
      if (sameKeys(s.keys, keys)) {
        this.#room(1);
        this.#buf[this.#pos++] = s.id;
        return s;
      }
    if (this.#shapes.length === MAX_SHAPES) return undefined;
    const shape: Shape = { id: FIRST_ID + this.#shapes.length, keys };
    this.#shapes.push(shape);
    this.#room(8);
    this.#buf[this.#pos++] = 0xd4;
    this.#buf[this.#pos++] = 0x72;
    this.#buf[this.#pos++] = shape.id;
    this.#arrayHeader(keys.length);
    for (const k of keys) this.#string(k);
    return shape;
  }

  /** Writes the record's values while its attribute names match `keys`, in order. */
  #values(r: Nar, keys: readonly string[]): typeof MATCHED | typeof OTHER_SHAPE | typeof NOT_FLAT {
    let i = 0;
    for (const k in r) {
      if (k !== keys[i]) return OTHER_SHAPE;
      if (!this.#value(r[k])) return NOT_FLAT;
      i++;
    }
    return i === keys.length ? MATCHED : OTHER_SHAPE;
  }

  #value(v: unknown): boolean {
    switch (typeof v) {
      case 'string':
        this.#string(v);
        return true;
      case 'number':
        this.#number(v);
        return true;
      case 'bigint':
        return this.#bigint(v);
      case 'boolean':
        this.#room(1);
        this.#buf[this.#pos++] = v ? 0xc3 : 0xc2;
        return true;
      case 'object':
        if (v !== null) return false;
        this.#room(1);
        this.#buf[this.#pos++] = 0xc0;
        return true;
      default:
        return false;
    }
  }

  #string(s: string): void {
    const n = s.length;
    this.#room(n * 3 + 5);
    const b = this.#buf;
    const header = n < 0x20 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
    const at = this.#pos + header;
    let p = at;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        p = at + utf8.encodeInto(s, b.subarray(at)).written;
        break;
      }
      b[p++] = c;
    }
    this.#stringHeader(p - at, header);
  }

  /** Writes the header of a string of `length` bytes written after `reserved` header bytes. */
  #stringHeader(length: number, reserved: number): void {
    const b = this.#buf;
    const at = this.#pos;
    const header = length < 0x20 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
    if (header !== reserved) b.copyWithin(at + header, at + reserved, at + reserved + length);
    if (header === 1) b[at] = 0xa0 | length;
    else if (header === 2) {
      b[at] = 0xd9;
      b[at + 1] = length;
    } else if (header === 3) {
      b[at] = 0xda;
      b[at + 1] = length >> 8;
      b[at + 2] = length & 0xff;
    } else {
      b[at] = 0xdb;
      this.#view.setUint32(at + 1, length);
    }
    this.#pos = at + header + length;
  }

  #number(v: number): void {
    this.#room(9);
    const b = this.#buf;
    let p = this.#pos;
    if (v >>> 0 === v) {
      // 0x40..0x7f would read as record ids: msgpackr writes them as uint8.
      if (v < 0x40) b[p++] = v;
      else if (v < 0x100) {
        b[p++] = 0xcc;
        b[p++] = v;
      } else if (v < 0x10000) {
        b[p++] = 0xcd;
        b[p++] = v >> 8;
        b[p++] = v & 0xff;
      } else {
        b[p++] = 0xce;
        this.#view.setUint32(p, v);
        p += 4;
      }
    } else if (v >> 0 === v) {
      if (v >= -0x20) b[p++] = 0x100 + v;
      else if (v >= -0x80) {
        b[p++] = 0xd0;
        b[p++] = v + 0x100;
      } else if (v >= -0x8000) {
        b[p++] = 0xd1;
        this.#view.setInt16(p, v);
        p += 2;
      } else {
        b[p++] = 0xd2;
        this.#view.setInt32(p, v);
        p += 4;
      }
    } else {
      b[p++] = 0xcb;
      this.#view.setFloat64(p, v);
      p += 8;
    }
    this.#pos = p;
  }

  #bigint(v: bigint): boolean {
    this.#room(9);
    if (v < 0x8000000000000000n && v >= -0x8000000000000000n) {
      this.#buf[this.#pos] = 0xd3;
      this.#view.setBigInt64(this.#pos + 1, v);
    } else if (v < 0x10000000000000000n && v > 0n) {
      this.#buf[this.#pos] = 0xcf;
      this.#view.setBigUint64(this.#pos + 1, v);
    } else return false;
    this.#pos += 9;
    return true;
  }

  #arrayHeader(n: number): void {
    const b = this.#buf;
    if (n < 0x10) b[this.#pos++] = 0x90 | n;
    else if (n < 0x10000) {
      b[this.#pos++] = 0xdc;
      b[this.#pos++] = n >> 8;
      b[this.#pos++] = n & 0xff;
    } else {
      b[this.#pos++] = 0xdd;
      this.#view.setUint32(this.#pos, n);
      this.#pos += 4;
    }
  }

  #room(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + bytes));
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#setBuffer(grown);
  }

  #setBuffer(b: Uint8Array<ArrayBuffer>): void {
    this.#buf = b;
    this.#view = new DataView(b.buffer);
  }
}

const utf8 = new TextEncoder();

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
