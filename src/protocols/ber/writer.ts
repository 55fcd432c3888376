/**
 * ASN.1 BER writing with definite, minimal lengths (the DER length rules).
 *
 * `BerWriter` writes a whole structure into one growing buffer: `begin` writes an element's
 * identifier and reserves a one-octet length, the content is written in place (nested elements
 * included), and `end` fills the length in, moving the content up when it needs the long form.
 * Only elements of 128 content octets or more move, once each; nothing is allocated per element.
 * The functions below it make one element or one content on its own (tests, one-off values).
 */
import { ByteWriter, utf8Octets } from '../byte-writer.js';
import { EncodeError } from '../errors.js';

const HEX_DIGIT = /^(?:[0-9a-fA-F]{2})*$/;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** Octets a non-negative integer needs (at least one). */
function octetsOf(n: number): number {
  let k = 1;
  for (let v = n; v >= 0x100; v = Math.floor(v / 256)) k++;
  return k;
}

export class BerWriter extends ByteWriter {
  /** Writes the identifier and a length to fill in; returns the mark `end` takes. */
  begin(cls: number, constructed: boolean, tag: number): number {
    this.identifier(cls, constructed, tag);
    this.room(1);
    this.buf[this.pos++] = 0;
    return this.pos;
  }

  /** Fills in the length of the element `begin` returned `mark` for: everything written since. */
  end(mark: number): void {
    const n = this.pos - mark;
    if (n < 0x80) {
      this.buf[mark - 1] = n;
      return;
    }
    const k = octetsOf(n);
    this.room(k);
    this.buf.copyWithin(mark + k, mark, this.pos);
    this.buf[mark - 1] = 0x80 | k;
    this.#bigEndian(mark, n, k);
    this.pos += k;
  }

  /** A primitive element whose content is `content`. */
  element(cls: number, tag: number, content: Uint8Array): void {
    const mark = this.begin(cls, false, tag);
    this.octets(content);
    this.end(mark);
  }

  identifier(cls: number, constructed: boolean, tag: number): void {
    const first = (cls << 6) | (constructed ? 0x20 : 0);
    if (tag < 31) {
      this.octet(first | tag);
      return;
    }
    let groups = 1;
    for (let t = Math.floor(tag / 128); t > 0; t = Math.floor(t / 128)) groups++;
    this.room(1 + groups);
    this.buf[this.pos] = first | 0x1f;
    for (let i = groups, t = tag; i >= 1; i--, t = Math.floor(t / 128))
      this.buf[this.pos + i] = (t & 0x7f) | (i === groups ? 0 : 0x80);
    this.pos += 1 + groups;
  }

  /** A definite length on its own (`begin`/`end` write it for elements). */
  definiteLength(n: number): void {
    if (n < 0x80) {
      this.octet(n);
      return;
    }
    const k = octetsOf(n);
    this.room(1 + k);
    this.buf[this.pos] = 0x80 | k;
    this.#bigEndian(this.pos + 1, n, k);
    this.pos += 1 + k;
  }

  /** Content octets of a non-negative INTEGER (two's complement, minimal). */
  unsigned(v: number | bigint, field: string): void {
    const x = typeof v === 'bigint' && v >= 0n && v <= SAFE_MAX ? Number(v) : v;
    if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) {
      // The fewest octets whose top bit stays clear (a sign bit): those that hold twice the value.
      const bytes = octetsOf(x * 2);
      this.room(bytes);
      this.#bigEndian(this.pos, x, bytes);
      this.pos += bytes;
      return;
    }
    let b = BigInt(v);
    if (b < 0n || (typeof v === 'number' && !Number.isSafeInteger(v))) {
      throw new EncodeError(
        'ber',
        'invalid_value',
        `${field}: expected a non-negative integer, got ${String(v)}`,
        { field },
      );
    }
    const out: number[] = [];
    do {
      out.unshift(Number(b & 0xffn));
      b >>= 8n;
    } while (b > 0n);
    if (((out[0] as number) & 0x80) !== 0) out.unshift(0);
    this.#numbers(out);
  }

  /** Content octets of a signed INTEGER (two's complement, minimal), up to 64 bits. */
  integer(v: number | bigint, field: string): void {
    if (typeof v === 'number' && !Number.isSafeInteger(v)) {
      throw new EncodeError('ber', 'invalid_value', `${field}: expected an integer, got ${v}`, { field });
    }
    let b = BigInt(v);
    if (b < -(2n ** 63n) || b >= 2n ** 63n) {
      throw new EncodeError('ber', 'invalid_value', `${field}: ${b} does not fit 64 bits`, { field });
    }
    const out: number[] = [];
    // Emit octets until the rest is pure sign extension of the last octet emitted.
    for (;;) {
      const octet = Number(b & 0xffn);
      out.unshift(octet);
      b >>= 8n;
      if ((b === 0n && (octet & 0x80) === 0) || (b === -1n && (octet & 0x80) !== 0)) break;
    }
    this.#numbers(out);
  }

  ia5(s: string, field: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) throw new EncodeError('ber', 'invalid_value', `${field}: expected ASCII text`, { field });
      this.buf[this.pos + i] = c;
    }
    this.pos += s.length;
  }

  hex(s: string, field: string): void {
    if (!HEX_DIGIT.test(s)) {
      throw new EncodeError(
        'ber',
        'invalid_value',
        `${field}: expected hex octets, got ${JSON.stringify(s)}`,
        {
          field,
        },
      );
    }
    const n = s.length >> 1;
    this.room(n);
    for (let i = 0; i < n; i++)
      this.buf[this.pos + i] = (nibble(s.charCodeAt(2 * i)) << 4) | nibble(s.charCodeAt(2 * i + 1));
    this.pos += n;
  }

  /** `v` (a safe non-negative integer) in `k` octets at `at`, most significant first. */
  #bigEndian(at: number, v: number, k: number): void {
    for (let i = k - 1; i >= 0; i--, v = Math.floor(v / 256)) this.buf[at + i] = v % 256;
  }

  #numbers(octets: readonly number[]): void {
    this.room(octets.length);
    this.buf.set(octets, this.pos);
    this.pos += octets.length;
  }
}

/** What `write` puts in a fresh writer. */
export function written(write: (w: BerWriter) => void, initialBytes = 64): Uint8Array {
  const w = new BerWriter(initialBytes);
  write(w);
  return w.take();
}

export function identifier(cls: number, constructed: boolean, tag: number): number[] {
  return [...written((w) => w.identifier(cls, constructed, tag))];
}

export function lengthOctets(n: number): number[] {
  return [...written((w) => w.definiteLength(n))];
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function tlv(cls: number, constructed: boolean, tag: number, content: Uint8Array): Uint8Array {
  return written((w) => {
    const mark = w.begin(cls, constructed, tag);
    w.octets(content);
    w.end(mark);
  }, content.length + 8);
}

/** Content octets of a non-negative INTEGER (two's complement, minimal). */
export function unsignedContent(v: number | bigint, field: string): Uint8Array {
  return written((w) => w.unsigned(v, field), 16);
}

export function ia5Content(s: string, field: string): Uint8Array {
  return written((w) => w.ia5(s, field), s.length);
}

export function hexContent(s: string, field: string): Uint8Array {
  return written((w) => w.hex(s, field), s.length);
}

/** Content octets of a signed INTEGER (two's complement, minimal), up to 64 bits. */
export function integerContent(v: number | bigint, field: string): Uint8Array {
  return written((w) => w.integer(v, field), 16);
}

export function utf8Content(s: string): Uint8Array {
  return utf8Octets(s);
}
