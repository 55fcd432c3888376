/**
 * Attribute values (RFC 2865 §5, RFC 3162 §2, RFC 8044 §3): wire octets ⇄ typed values, with the
 * size of each type checked before reading.
 *
 *   string      UTF-8 text (invalid sequences become U+FFFD, as Buffer#toString does; the raw
 *               octets stay in the packet)
 *   octets      lowercase hex
 *   ipaddr      4 octets → dotted quad            ipv6addr  16 octets → RFC 5952 text
 *   ipv6prefix  reserved, prefix-length, 0–16 prefix octets → "2001:db8::/64" (bits past the
 *               prefix length are cleared; encoded with all 16 octets, as FreeRADIUS sends it)
 *   integer     4 octets, unsigned                byte      1 octet
 *   integer64   8 octets → bigint
 *   date        4 octets, seconds since 1970 UTC → "2026-12-04T10:15:30Z"
 *   ifid        8 octets → "0011:2233:4455:6677" (RFC 3162 §2.2, FreeRADIUS text form)
 */
import { isoDateTime } from '../iso-time.js';
import { utf8Octets } from '../byte-writer.js';
import { DecodeError, EncodeError } from '../errors.js';
import { formatIpBytes, parseIpBytes } from '../ip.js';
import type { RadiusValue, RadiusValueType } from './types.js';

const FIXED_SIZE: Readonly<Partial<Record<RadiusValueType, number>>> = {
  ipaddr: 4,
  ipv6addr: 16,
  integer: 4,
  byte: 1,
  integer64: 8,
  date: 4,
  ifid: 8,
};

/**
 * A Buffer over the same memory (no copy), so text and hex are read with Buffer#toString ranges
 * instead of a subarray per value; decodePacket makes one per packet.
 */
export function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

function u32(buf: Uint8Array, at: number): number {
  return (
    (buf[at] as number) * 0x1000000 +
    (((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number))
  );
}

/** Seconds since 1970 as ISO 8601 UTC without fractions: "2023-11-14T22:13:20Z". */
export function formatDate(seconds: number): string {
  return `${isoDateTime(seconds)}Z`;
}

function badLength(
  name: string,
  type: RadiusValueType,
  expected: string,
  length: number,
  at: number,
): DecodeError {
  return new DecodeError(
    'radius',
    'bad_attribute_length',
    `${name}: a ${type} value needs ${expected} octets, got ${length}`,
    at,
    { attribute: name, dataType: type, length },
  );
}

function decodePrefix(buf: Uint8Array, at: number, len: number, name: string): string {
  if (len < 2 || len > 18) throw badLength(name, 'ipv6prefix', '2–18', len, at);
  const bits = buf[at + 1] as number;
  const octets = len - 2;
  if (bits > 128 || octets * 8 < bits) {
    throw new DecodeError(
      'radius',
      'bad_attribute_value',
      `${name}: prefix length ${bits} with ${octets} prefix octets (at most 128, and the octets must cover it)`,
      at,
      { attribute: name, prefixLength: bits, prefixOctets: octets },
    );
  }
  const addr = new Uint8Array(16);
  const whole = bits >>> 3;
  addr.set(buf.subarray(at + 2, at + 2 + whole), 0);
  if ((bits & 7) !== 0) addr[whole] = (buf[at + 2 + whole] as number) & (0xff << (8 - (bits & 7)));
  return `${formatIpBytes(addr, 0, 16)}/${bits}`;
}

/**
 * Decodes the `len` value octets at `at` as `type`. `name` and `fixedLength` (for fixed-size octets
 * such as Message-Authenticator) only serve the size check and its message.
 */
export function decodeValue(
  type: RadiusValueType,
  buf: Uint8Array,
  at: number,
  len: number,
  name: string,
  fixedLength?: number,
): RadiusValue {
  const size = FIXED_SIZE[type] ?? fixedLength;
  if (size !== undefined && len !== size) throw badLength(name, type, String(size), len, at);
  switch (type) {
    case 'string':
      return asBuffer(buf).toString('utf8', at, at + len);
    case 'octets':
      return asBuffer(buf).toString('hex', at, at + len);
    case 'ipaddr':
      return formatIpBytes(buf, at, 4);
    case 'ipv6addr':
      return formatIpBytes(buf, at, 16);
    case 'ipv6prefix':
      return decodePrefix(buf, at, len, name);
    case 'integer':
      return u32(buf, at);
    case 'byte':
      return buf[at] as number;
    case 'integer64':
      return (BigInt(u32(buf, at)) << 32n) | BigInt(u32(buf, at + 4));
    case 'date':
      return formatDate(u32(buf, at));
    case 'ifid': {
      const h = asBuffer(buf).toString('hex', at, at + 8);
      return `${h.slice(0, 4)}:${h.slice(4, 8)}:${h.slice(8, 12)}:${h.slice(12, 16)}`;
    }
  }
}

function invalid(name: string, type: RadiusValueType, expected: string, value: unknown): EncodeError {
  return new EncodeError(
    'radius',
    'invalid_value',
    `${name}: a ${type} value must be ${expected}, got ${typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value))}`,
    { attribute: name, dataType: type },
  );
}

function uint(name: string, type: RadiusValueType, value: RadiusValue | Uint8Array, max: number): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max)
    throw invalid(name, type, `an integer 0–${max}`, value);
  return n;
}

function put32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function hexBytes(name: string, type: RadiusValueType, text: string, expected: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw invalid(name, type, expected, text);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function encodePrefix(name: string, value: RadiusValue | Uint8Array): Uint8Array {
  const text = typeof value === 'string' ? value : '';
  const slash = text.indexOf('/');
  const addr = slash < 0 ? undefined : parseIpBytes(text.slice(0, slash));
  const digits = text.slice(slash + 1);
  const bits = /^(0|[1-9][0-9]{0,2})$/.test(digits) ? Number(digits) : -1;
  if (addr === undefined || addr.length !== 16 || bits < 0 || bits > 128)
    throw invalid(name, 'ipv6prefix', 'an IPv6 prefix such as "2001:db8::/64"', value);
  const out = new Uint8Array(18);
  out[1] = bits;
  const whole = bits >>> 3;
  out.set(addr.subarray(0, whole), 2);
  if ((bits & 7) !== 0) out[2 + whole] = (addr[whole] as number) & (0xff << (8 - (bits & 7)));
  return out;
}

/**
 * Encodes a value as `type`. Accepted inputs: the decoded forms above, plus a Uint8Array for
 * octets, a bigint or safe integer for integer64, and a number of seconds for date.
 */
export function encodeValue(
  type: RadiusValueType,
  value: RadiusValue | Uint8Array,
  name: string,
): Uint8Array {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw invalid(name, type, 'text', value);
      return utf8Octets(value);
    case 'octets':
      if (value instanceof Uint8Array) return value;
      if (typeof value !== 'string') throw invalid(name, type, 'hex text or bytes', value);
      return hexBytes(name, type, value, 'hex text or bytes');
    case 'ipaddr':
    case 'ipv6addr': {
      const bytes = typeof value === 'string' ? parseIpBytes(value) : undefined;
      const want = type === 'ipaddr' ? 4 : 16;
      if (bytes === undefined || bytes.length !== want)
        throw invalid(name, type, want === 4 ? 'an IPv4 address' : 'an IPv6 address', value);
      return bytes;
    }
    case 'ipv6prefix':
      return encodePrefix(name, value);
    case 'integer':
    case 'date': {
      let n: number | RadiusValue | Uint8Array = value;
      if (type === 'date' && typeof value === 'string') {
        const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.0+)?Z$/.test(value) ? Date.parse(value) : NaN;
        if (Number.isNaN(ms)) throw invalid(name, type, 'ISO 8601 UTC text or seconds', value);
        n = ms / 1000;
      }
      const out = new Uint8Array(4);
      put32(out, 0, uint(name, type, n, 0xffffffff));
      return out;
    }
    case 'byte':
      return Uint8Array.of(uint(name, type, value, 0xff));
    case 'integer64': {
      const v =
        typeof value === 'bigint'
          ? value
          : typeof value === 'number' && Number.isSafeInteger(value)
            ? BigInt(value)
            : -1n;
      if (v < 0n || v > 0xffffffffffffffffn) throw invalid(name, type, 'an integer 0–2^64−1', value);
      const out = new Uint8Array(8);
      put32(out, 0, Number(v >> 32n));
      put32(out, 4, Number(v & 0xffffffffn));
      return out;
    }
    case 'ifid': {
      const text = typeof value === 'string' ? value : '';
      const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4}):([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/.exec(text);
      if (m === null) throw invalid(name, type, 'an interface id such as "0011:2233:4455:6677"', value);
      return hexBytes(name, type, m.slice(1).join(''), 'an interface id');
    }
  }
}
