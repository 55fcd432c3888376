/**
 * A NAR already written as MessagePack: its attribute names (`keys`, one shared array per shape) and
 * its values, in that order, as the record packer writes them (`bytes[start..end)`). A decoder that
 * writes values straight from its input (the CDR decoder's packed form) hands these to the batch
 * encoder, which copies the bytes instead of walking an object; a router reads the few attributes
 * it needs with `get`. Values are those of a NAR: strings, numbers, bigints, booleans and null.
 */
import { Buffer } from 'node:buffer';
import { DecodeError } from '../errors.js';
import type { AttributeValue, Nar } from './nar.js';

/** A record a node emits: a NAR object, or one written as MessagePack already. */
export type NarRecord = Nar | PackedNar;

/** The record as a NAR object (a packed one read back). */
export function plainNar(r: NarRecord): Nar {
  return r instanceof PackedNar ? r.toNar() : r;
}

export class PackedNar {
  constructor(
    readonly keys: readonly string[],
    readonly bytes: Uint8Array,
    readonly start: number,
    readonly end: number,
  ) {}

  /** The value of attribute `name`, or undefined when the record has none. */
  get(name: string): AttributeValue | undefined {
    const index = this.keys.indexOf(name);
    if (index < 0) return undefined;
    const r = readerOver(this.bytes, this.start, this.end);
    for (let i = 0; i < index; i++) r.pass();
    return r.read();
  }

  /** The record as a plain NAR. */
  toNar(): Nar {
    const n: Nar = {};
    const r = new ValueReader(this.bytes, this.start, this.end);
    for (const k of this.keys) n[k] = r.read();
    if (r.pos !== this.end) throw r.fail(`${this.end - r.pos} bytes after the last value`);
    return n;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The reader `get` uses, made again only for other bytes: records of one batch or slab share their
 * bytes, and a reader (with its DataView) per call was a good part of what routing a record cost.
 */
let shared: ValueReader | undefined;

function readerOver(bytes: Uint8Array, start: number, end: number): ValueReader {
  let r = shared;
  if (r === undefined || r.buf !== bytes) shared = r = new ValueReader(bytes, start, end);
  r.pos = start;
  r.end = end;
  return r;
}

/**
 * Reads the values `MsgpackWriter` writes (strings, integers, floats, booleans, nil), no others: any
 * other type byte (a nested record, map, array, binary or extension) fails with a DecodeError.
 */
export class ValueReader {
  readonly #view: DataView;
  /** The same bytes as a Buffer, made when a first string is read (its latin1 text is the fastest). */
  #text: Buffer | undefined;
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    public end: number,
  ) {
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(message: string): DecodeError {
    return new DecodeError('nar', 'invalid_packed_value', message, this.pos);
  }

  #need(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw this.fail('value runs past the record');
    this.pos = at + n;
    return at;
  }

  /** Length of the string at `pos` (its header consumed), or −1 when the value is not a string. */
  #stringLength(b: number): number {
    if ((b & 0xe0) === 0xa0) return b & 0x1f;
    if (b === 0xd9) return this.buf[this.#need(1)] as number;
    if (b === 0xda) return this.#view.getUint16(this.#need(2));
    if (b === 0xdb) return this.#view.getUint32(this.#need(4));
    return -1;
  }

  #utf8(bytes: Uint8Array): string {
    try {
      return utf8.decode(bytes);
    } catch {
      throw this.fail('string is not UTF-8');
    }
  }

  /** Moves past one value without reading it. */
  pass(): void {
    const b = this.buf[this.#need(1)] as number;
    const n = this.#stringLength(b);
    if (n >= 0) this.#need(n);
    else this.#need(scalarBytes(b, this));
  }

  read(): AttributeValue {
    const b = this.buf[this.#need(1)] as number;
    if (b < 0x40) return b;
    if (b >= 0xe0) return b - 0x100;
    const n = this.#stringLength(b);
    if (n >= 0) {
      const at = this.#need(n);
      const buf = this.buf;
      for (let i = at; i < at + n; i++)
        if ((buf[i] as number) >= 0x80) return this.#utf8(buf.subarray(at, at + n));
      this.#text ??= Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      return this.#text.toString('latin1', at, at + n);
    }
    const v = this.#view;
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xcc:
        return this.buf[this.#need(1)] as number;
      case 0xcd:
        return v.getUint16(this.#need(2));
      case 0xce:
        return v.getUint32(this.#need(4));
      case 0xcf:
        return v.getBigUint64(this.#need(8));
      case 0xd0:
        return v.getInt8(this.#need(1));
      case 0xd1:
        return v.getInt16(this.#need(2));
      case 0xd2:
        return v.getInt32(this.#need(4));
      case 0xd3:
        return v.getBigInt64(this.#need(8));
      case 0xcb:
        return v.getFloat64(this.#need(8));
      default:
        throw this.fail(`type byte 0x${b.toString(16)} is not a NAR value`);
    }
  }
}

/** Octets after the type byte `b` of a non-string value. */
function scalarBytes(b: number, r: ValueReader): number {
  if (b < 0x40 || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) return 0;
  switch (b) {
    case 0xcc:
    case 0xd0:
      return 1;
    case 0xcd:
    case 0xd1:
      return 2;
    case 0xce:
    case 0xd2:
      return 4;
    case 0xcf:
    case 0xd3:
    case 0xcb:
      return 8;
    default:
      throw r.fail(`type byte 0x${b.toString(16)} is not a NAR value`);
  }
}
