/**
 * Content of primitive BER values (X.690 §8.2–8.9, 8.23): INTEGER/ENUMERATED, BOOLEAN, NULL, OCTET
 * STRING, IA5String, UTF8String. Each reads the content octets of an element already framed by
 * `readTlv`; the tag is the caller's business (IMPLICIT TAGS replace the universal ones).
 */
import { DecodeError } from '../errors.js';
import type { Tlv } from './reader.js';

function fail(code: string, message: string, offset: number): never {
  throw new DecodeError('ber', code, message, offset, {});
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Non-negative INTEGER content as a number (up to 2^53 − 1) or, past that, a bigint (up to 64 bits). */
export function readUnsigned(buf: Uint8Array, t: Tlv): number | bigint {
  const { contentStart: s, contentEnd: e } = t;
  if (e === s) fail('empty_integer', 'INTEGER with no content octets', t.start);
  if (((buf[s] as number) & 0x80) !== 0) fail('negative_integer', 'expected a non-negative INTEGER', t.start);
  if (e - s <= 6) {
    let v = 0;
    for (let i = s; i < e; i++) v = v * 256 + (buf[i] as number);
    return v;
  }
  if (e - s > 9) fail('integer_too_large', 'INTEGER of more than 64 bits', t.start);
  let v = 0n;
  for (let i = s; i < e; i++) v = (v << 8n) | BigInt(buf[i] as number);
  return v <= MAX_SAFE ? Number(v) : v;
}

/** A non-negative INTEGER or ENUMERATED that must fit a number (counters, identifiers, enumerations). */
export function readNumber(buf: Uint8Array, t: Tlv): number {
  const v = readUnsigned(buf, t);
  if (typeof v !== 'number') fail('integer_too_large', 'INTEGER too large for this field', t.start);
  return v;
}

/** A non-negative INTEGER as a bigint (data volumes). */
export function readBigint(buf: Uint8Array, t: Tlv): bigint {
  const v = readUnsigned(buf, t);
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** A signed INTEGER (two's complement, up to 64 bits): a number within ±(2^53 − 1), else a bigint. */
export function readInteger(buf: Uint8Array, t: Tlv): number | bigint {
  const { contentStart: s, contentEnd: e } = t;
  if (e === s) fail('empty_integer', 'INTEGER with no content octets', t.start);
  if (e - s > 8) fail('integer_too_large', 'INTEGER of more than 64 bits', t.start);
  const negative = ((buf[s] as number) & 0x80) !== 0;
  if (e - s <= 6) {
    let v = 0;
    for (let i = s; i < e; i++) v = v * 256 + (buf[i] as number);
    return negative ? v - 2 ** (8 * (e - s)) : v;
  }
  let v = 0n;
  for (let i = s; i < e; i++) v = (v << 8n) | BigInt(buf[i] as number);
  if (negative) v -= 1n << BigInt(8 * (e - s));
  return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v;
}

/** ENUMERATED: encoded as an INTEGER; CDR enumerations are non-negative and small. */
export const readEnumerated = readNumber;

/** BOOLEAN: one octet, 0x00 false, anything else true (BER; DER would require 0xFF). */
export function readBoolean(buf: Uint8Array, t: Tlv): boolean {
  if (t.contentEnd - t.contentStart !== 1)
    fail('invalid_boolean', 'BOOLEAN of other than one octet', t.start);
  return buf[t.contentStart] !== 0;
}

/** NULL: no content octets. */
export function readNull(t: Tlv): null {
  if (t.contentEnd !== t.contentStart) fail('invalid_null', 'NULL with content octets', t.start);
  return null;
}

/** OCTET STRING (primitive form): a view of the content, not a copy. */
export function readOctets(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.contentStart, t.contentEnd);
}

/** IA5String (ASCII); octets above 0x7F are refused. */
export function readIa5(buf: Uint8Array, t: Tlv): string {
  let s = '';
  for (let i = t.contentStart; i < t.contentEnd; i++) {
    const c = buf[i] as number;
    if (c > 0x7f) badIa5(c, i);
    s += String.fromCharCode(c);
  }
  return s;
}

/** The check of `readIa5` without the string: its octets can then be copied as they are. */
export function checkIa5(buf: Uint8Array, t: Tlv): void {
  for (let i = t.contentStart; i < t.contentEnd; i++)
    if ((buf[i] as number) > 0x7f) badIa5(buf[i] as number, i);
}

function badIa5(c: number, at: number): never {
  return fail('invalid_ia5', `octet 0x${c.toString(16)} in an IA5String`, at);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** UTF8String; malformed UTF-8 is refused. */
export function readUtf8(buf: Uint8Array, t: Tlv): string {
  try {
    return UTF8.decode(buf.subarray(t.contentStart, t.contentEnd));
  } catch {
    return fail('invalid_utf8', 'malformed UTF-8 in a UTF8String', t.contentStart);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Content octets as lowercase hex. */
export function readHex(buf: Uint8Array, t: Tlv): string {
  let s = '';
  for (let i = t.contentStart; i < t.contentEnd; i++) s += HEX[buf[i] as number];
  return s;
}
