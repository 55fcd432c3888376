/** ASN.1 BER writing with definite, minimal lengths (the DER length rules). */
import { EncodeError } from '../errors.js';

export function identifier(cls: number, constructed: boolean, tag: number): number[] {
  const first = (cls << 6) | (constructed ? 0x20 : 0);
  if (tag < 31) return [first | tag];
  const rest: number[] = [tag & 0x7f];
  for (let t = Math.floor(tag / 128); t > 0; t = Math.floor(t / 128)) rest.unshift((t & 0x7f) | 0x80);
  return [first | 0x1f, ...rest];
}

export function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
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
  const n = content.length;
  if (tag < 31 && n < 0x80) {
    const out = new Uint8Array(2 + n);
    out[0] = (cls << 6) | (constructed ? 0x20 : 0) | tag;
    out[1] = n;
    out.set(content, 2);
    return out;
  }
  const id = identifier(cls, constructed, tag);
  const len = lengthOctets(n);
  const out = new Uint8Array(id.length + len.length + n);
  out.set(id, 0);
  out.set(len, id.length);
  out.set(content, id.length + len.length);
  return out;
}

/** Content octets of a non-negative INTEGER (two's complement, minimal). */
export function unsignedContent(v: number | bigint, field: string): Uint8Array {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
    const bytes = v < 0x80 ? 1 : v < 0x8000 ? 2 : v < 0x800000 ? 3 : v < 0x80000000 ? 4 : 5;
    const out = new Uint8Array(bytes);
    for (let i = bytes - 1, x = v; i >= 0; i--, x = Math.floor(x / 256)) out[i] = x & 0xff;
    return out;
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
  return Uint8Array.from(out);
}

export function ia5Content(s: string, field: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new EncodeError('ber', 'invalid_value', `${field}: expected ASCII text`, { field });
    out[i] = c;
  }
  return out;
}

export function hexContent(s: string, field: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) {
    throw new EncodeError('ber', 'invalid_value', `${field}: expected hex octets, got ${JSON.stringify(s)}`, {
      field,
    });
  }
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

/** Content octets of a signed INTEGER (two's complement, minimal), up to 64 bits. */
export function integerContent(v: number | bigint, field: string): Uint8Array {
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
  return Uint8Array.from(out);
}

export function utf8Content(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
