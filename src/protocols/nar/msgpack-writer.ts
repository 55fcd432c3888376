/**
 * MessagePack values written into a growing buffer, the way msgpackr writes them with the batch
 * codec's options (`int64AsType: 'bigint'`, records): the record packer writes NARs with it, and
 * the CDR decoder's packed form (`packCdrNar`) writes a CDR's NAR values with it straight from
 * the BER octets, so both give the bytes msgpackr would.
 */

/** A scratch buffer grown past this is dropped after use rather than kept. */
const KEEP_BYTES = 4 << 20;

const utf8 = new TextEncoder();

export class MsgpackWriter {
  buf: Uint8Array<ArrayBuffer>;
  view: DataView<ArrayBuffer>;
  pos = 0;

  constructor(readonly initialBytes = 64 << 10) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `bytes` more at `pos`. */
  room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
    grown.set(this.buf.subarray(0, this.pos));
    this.#setBuffer(grown);
  }

  /** Drops a buffer grown past 4 MiB (after a large batch), so it is not kept for the next. */
  shrink(): void {
    if (this.buf.length > KEEP_BYTES) this.#setBuffer(new Uint8Array(this.initialBytes));
  }

  #setBuffer(b: Uint8Array<ArrayBuffer>): void {
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  string(s: string): void {
    const n = s.length;
    this.room(n * 3 + 5);
    const b = this.buf;
    const header = headerBytes(n);
    const at = this.pos + header;
    let p = at;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        p = at + utf8.encodeInto(s, b.subarray(at)).written;
        break;
      }
      b[p++] = c;
    }
    this.stringHeader(p - at, header);
  }

  /**
   * Reserves the header of a string of at most `maxLength` bytes and returns where its bytes go;
   * the caller writes them and ends with `stringHeader(written, headerBytes(maxLength))`.
   */
  beginString(maxLength: number): number {
    this.room(maxLength + 5);
    return this.pos + headerBytes(maxLength);
  }

  /** Writes the header of a string of `length` bytes written after `reserved` header bytes. */
  stringHeader(length: number, reserved: number): void {
    const b = this.buf;
    const at = this.pos;
    const header = headerBytes(length);
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
      this.view.setUint32(at + 1, length);
    }
    this.pos = at + header + length;
  }

  number(v: number): void {
    this.room(9);
    const b = this.buf;
    let p = this.pos;
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
        this.view.setUint32(p, v);
        p += 4;
      }
    } else if (v >> 0 === v) {
      if (v >= -0x20) b[p++] = 0x100 + v;
      else if (v >= -0x80) {
        b[p++] = 0xd0;
        b[p++] = v + 0x100;
      } else if (v >= -0x8000) {
        b[p++] = 0xd1;
        this.view.setInt16(p, v);
        p += 2;
      } else {
        b[p++] = 0xd2;
        this.view.setInt32(p, v);
        p += 4;
      }
    } else {
      b[p++] = 0xcb;
      this.view.setFloat64(p, v);
      p += 8;
    }
    this.pos = p;
  }

  /** A bigint of at most 64 bits; false (nothing written) beyond. */
  bigint(v: bigint): boolean {
    this.room(9);
    if (v < 0x8000000000000000n && v >= -0x8000000000000000n) {
      this.buf[this.pos] = 0xd3;
      this.view.setBigInt64(this.pos + 1, v);
    } else if (v < 0x10000000000000000n && v > 0n) {
      this.buf[this.pos] = 0xcf;
      this.view.setBigUint64(this.pos + 1, v);
    } else return false;
    this.pos += 9;
    return true;
  }

  /** A bigint's encoding for a safe integer held as a number (what `bigint(BigInt(v))` writes). */
  safeIntegerAsBigint(v: number): void {
    this.room(9);
    const b = this.buf;
    b[this.pos] = 0xd3;
    const high = Math.floor(v / 0x100000000);
    this.view.setInt32(this.pos + 1, high);
    this.view.setUint32(this.pos + 5, v - high * 0x100000000);
    this.pos += 9;
  }

  boolean(v: boolean): void {
    this.room(1);
    this.buf[this.pos++] = v ? 0xc3 : 0xc2;
  }

  nil(): void {
    this.room(1);
    this.buf[this.pos++] = 0xc0;
  }

  arrayHeader(n: number): void {
    this.room(5);
    const b = this.buf;
    if (n < 0x10) b[this.pos++] = 0x90 | n;
    else if (n < 0x10000) {
      b[this.pos++] = 0xdc;
      b[this.pos++] = n >> 8;
      b[this.pos++] = n & 0xff;
    } else {
      b[this.pos++] = 0xdd;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }

  /** Copies `bytes` as they are (values written before, by this writer or another). */
  raw(bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.room(n);
    const b = this.buf;
    let p = this.pos;
    // Short copies (a record's values: tens to a few hundred bytes) are cheaper by hand than `set`.
    if (n < 64) for (let i = start; i < end; i++) b[p++] = bytes[i] as number;
    else {
      b.set(bytes.subarray(start, end), p);
      p += n;
    }
    this.pos = p;
  }
}

/** Header bytes of a msgpack string of `length` bytes. */
export function headerBytes(length: number): number {
  return length < 0x20 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
}
