/**
 * A growing output buffer the encoders write messages into (network byte order).
 * `take` copies the message out into memory from Node's Buffer pool and empties the writer, so one
 * writer can serve every message of an encoder: a fresh Uint8Array of a few hundred octets or
 * more costs microseconds (it gets its own backing store), pooled memory a fraction of that.
 */
/** Largest message `take` copies into pooled memory (an eighth of the pool's 8 KiB slab). */
const POOLED_MAX = 1024;

/**
 * `n` octets for a short-lived message, as a plain Uint8Array: pooled memory up to `POOLED_MAX`
 * (contents unspecified: write every octet), a zeroed array of its own above.
 */
export function allocOctets(n: number): Uint8Array {
  if (n > POOLED_MAX) return new Uint8Array(n);
  const b = Buffer.allocUnsafe(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

/** The UTF-8 octets of `s` in pooled memory (as `allocOctets`), as a plain Uint8Array. */
export function utf8Octets(s: string): Uint8Array {
  const b = Buffer.from(s, 'utf8');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export class ByteWriter {
  protected buf: Buffer;
  protected pos = 0;

  constructor(initialBytes = 512) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(16, initialBytes));
  }

  /** Octets written since the last `take` or `clear`. */
  get length(): number {
    return this.pos;
  }

  /** Octets it can hold before it grows again. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Forgets what was written (before a message, or after a failed one). */
  clear(): void {
    this.pos = 0;
  }

  /**
   * The octets written, copied out; the writer starts again empty. Up to `POOLED_MAX` octets the
   * copy is a plain Uint8Array over pooled memory (its `buffer` is shared: read it through
   * `byteOffset`); larger ones get their own, so that many kept messages do not pin half-used slabs.
   */
  take(): Uint8Array {
    const n = this.pos;
    this.pos = 0;
    const out = allocOctets(n);
    out.set(this.buf.subarray(0, n));
    return out;
  }

  octet(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Two octets of `v` modulo 2^16 (as DataView's setUint16). */
  u16(v: number): void {
    this.room(2);
    this.patch16(this.pos, v);
    this.pos += 2;
  }

  /** Four octets of `v` modulo 2^32 (as DataView's setUint32). */
  u32(v: number): void {
    this.room(4);
    const x = v >>> 0;
    this.buf[this.pos] = x >>> 24;
    this.buf[this.pos + 1] = (x >>> 16) & 0xff;
    this.buf[this.pos + 2] = (x >>> 8) & 0xff;
    this.buf[this.pos + 3] = x & 0xff;
    this.pos += 4;
  }

  /** An IEEE 754 value of 4 or 8 octets. */
  float(v: number, octets: 4 | 8): void {
    this.room(octets);
    if (octets === 4) this.buf.writeFloatBE(v, this.pos);
    else this.buf.writeDoubleBE(v, this.pos);
    this.pos += octets;
  }

  octets(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  zeros(n: number): void {
    this.room(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Overwrites two octets written earlier (a length known only at the end). */
  patch16(at: number, v: number): void {
    const x = v >>> 0;
    this.buf[at] = (x >>> 8) & 0xff;
    this.buf[at + 1] = x & 0xff;
  }

  protected room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
