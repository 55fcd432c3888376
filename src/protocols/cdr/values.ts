/**
 * Value forms of TS 32.298 / TS 29.002 fields: TBCD digit strings (IMSI, IMEI, MSISDN), the 9-octet
 * BCD TimeStamp with its UTC offset, IP addresses in binary or text form, PLMN identities.
 */
import { DecodeError, EncodeError } from '../errors.js';

function fail(code: string, message: string, offset: number, field: string): never {
  throw new DecodeError('cdr', code, message, offset, { field });
}

/** Two TBCD digits per octet value (undefined when a nibble is not a digit). */
const TBCD_PAIRS: readonly (string | undefined)[] = Array.from({ length: 256 }, (_, b) =>
  (b & 15) <= 9 && b >> 4 <= 9 ? String.fromCharCode(48 + (b & 15), 48 + (b >> 4)) : undefined,
);

/** Most TBCD octets of an identity: IMSI 3..8, IMEI(SV) 8, ISDN-AddressString digits up to 8. */
const MAX_TBCD_OCTETS = 8;

/** TBCD: two digits an octet, the first in the low nibble; 0xF fills the last high nibble. */
export function readTbcd(buf: Uint8Array, s: number, e: number, field: string): string {
  if (e <= s || e - s > MAX_TBCD_OCTETS)
    fail('invalid_tbcd', `${field}: ${e - s} octets (expected 1 to ${MAX_TBCD_OCTETS})`, s, field);
  let out = '';
  for (let i = s; i < e; i++) {
    const b = buf[i] as number;
    const pair = TBCD_PAIRS[b];
    if (pair !== undefined) {
      out += pair;
      continue;
    }
    const lo = b & 0x0f;
    const hi = b >> 4;
    if (lo > 9) fail('invalid_tbcd', `${field}: nibble 0x${lo.toString(16)} is not a digit`, i, field);
    out += String.fromCharCode(48 + lo);
    if (hi === 0x0f) {
      if (i !== e - 1) fail('invalid_tbcd', `${field}: filler before the last octet`, i, field);
      break;
    }
    if (hi > 9) fail('invalid_tbcd', `${field}: nibble 0x${hi.toString(16)} is not a digit`, i, field);
    out += String.fromCharCode(48 + hi);
  }
  return out;
}

export function writeTbcd(digits: string, field: string): Uint8Array {
  if (!/^\d{1,16}$/.test(digits))
    throw new EncodeError(
      'cdr',
      'invalid_value',
      `${field}: expected 1 to 16 digits, got ${JSON.stringify(digits)}`,
      { field },
    );
  const out = new Uint8Array(Math.ceil(digits.length / 2));
  for (let i = 0; i < digits.length; i += 2) {
    const lo = digits.charCodeAt(i) - 48;
    const hi = i + 1 < digits.length ? digits.charCodeAt(i + 1) - 48 : 0x0f;
    out[i >> 1] = (hi << 4) | lo;
  }
  return out;
}

/** ISDN-AddressString: octet 1 nature of address / numbering plan, then TBCD digits. */
export function readMsisdn(buf: Uint8Array, s: number, e: number, field: string): string {
  if (e - s < 2) fail('invalid_msisdn', `${field}: expected the address octet and digits`, s, field);
  return readTbcd(buf, s + 1, e, field);
}

export function writeMsisdn(digits: string, field: string): Uint8Array {
  const d = writeTbcd(digits, field);
  const out = new Uint8Array(d.length + 1);
  out[0] = 0x91; // international number, ISDN/telephony numbering plan (E.164)
  out.set(d, 1);
  return out;
}

/** Value of an octet holding two BCD digits, or −1. */
const BCD_VALUE: readonly number[] = Array.from({ length: 256 }, (_, b) =>
  b >> 4 <= 9 && (b & 15) <= 9 ? (b >> 4) * 10 + (b & 15) : -1,
);

function bcd2(buf: Uint8Array, i: number, field: string, max: number): number {
  const b = buf[i] as number;
  const v = BCD_VALUE[b] as number;
  if (v < 0) fail('invalid_timestamp', `${field}: octet 0x${b.toString(16)} is not two BCD digits`, i, field);
  if (v > max) fail('invalid_timestamp', `${field}: ${v} out of range (max ${max})`, i, field);
  return v;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * TimeStamp: YYMMDDhhmmss (BCD) + sign (ASCII '+'/'-') + hh mm (BCD) → "20YY-MM-DDThh:mm:ss+hh:mm".
 * Years are taken as 2000–2099; the offset is kept as written.
 */
export function readTimestamp(buf: Uint8Array, s: number, e: number, field: string): string {
  checkTimestamp(buf, s, e, field);
  const hi = (i: number): number => 48 + ((buf[s + i] as number) >> 4);
  const lo = (i: number): number => 48 + ((buf[s + i] as number) & 15);
  // One flat string in one call (cheaper than concatenating sixteen pieces).
  return String.fromCharCode(
    50,
    48,
    hi(0),
    lo(0),
    45,
    hi(1),
    lo(1),
    45,
    hi(2),
    lo(2),
    84, // 20YY-MM-DDT
    hi(3),
    lo(3),
    58,
    hi(4),
    lo(4),
    58,
    hi(5),
    lo(5), // hh:mm:ss
    buf[s + 6] as number,
    hi(7),
    lo(7),
    58,
    hi(8),
    lo(8), // ±hh:mm
  );
}

/** The checks of `readTimestamp` without making the string (a field decoded but not kept). */
export function checkTimestamp(buf: Uint8Array, s: number, e: number, field: string): void {
  if (e - s !== 9) fail('invalid_timestamp', `${field}: expected 9 octets, got ${e - s}`, s, field);
  const yy = bcd2(buf, s, field, 99);
  const mo = bcd2(buf, s + 1, field, 12);
  const dd = bcd2(buf, s + 2, field, 31);
  bcd2(buf, s + 3, field, 23);
  bcd2(buf, s + 4, field, 59);
  bcd2(buf, s + 5, field, 59);
  const sign = buf[s + 6];
  if (sign !== 0x2b && sign !== 0x2d)
    fail('invalid_timestamp', `${field}: offset sign must be '+' or '-'`, s + 6, field);
  bcd2(buf, s + 7, field, 23);
  bcd2(buf, s + 8, field, 59);
  const year = 2000 + yy;
  const maxDay =
    mo === 2 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 28 : (DAYS[mo - 1] ?? 0);
  if (mo === 0 || dd === 0 || dd > maxDay)
    fail('invalid_timestamp', `${field}: no such date ${year}-${p2(mo)}-${p2(dd)}`, s, field);
}

const TS = /^20(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([+-])(\d\d):(\d\d)$/;

export function writeTimestamp(text: string, field: string): Uint8Array {
  const m = TS.exec(text);
  if (m === null) {
    throw new EncodeError(
      'cdr',
      'invalid_value',
      `${field}: expected 20YY-MM-DDThh:mm:ss±hh:mm, got ${JSON.stringify(text)}`,
      { field },
    );
  }
  const g = m.slice(1) as string[];
  const b = (d: string): number => ((d.charCodeAt(0) - 48) << 4) | (d.charCodeAt(1) - 48);
  return Uint8Array.from([
    b(g[0] as string),
    b(g[1] as string),
    b(g[2] as string),
    b(g[3] as string),
    b(g[4] as string),
    b(g[5] as string),
    g[6] === '+' ? 0x2b : 0x2d,
    b(g[7] as string),
    b(g[8] as string),
  ]);
}

/** PLMN-Id (3 octets, TS 24.008 order) → MCC and MNC digits, e.g. "26201" or "310410". */
export function readPlmn(buf: Uint8Array, s: number, e: number, field: string): string {
  if (e - s !== 3) fail('invalid_plmn', `${field}: expected 3 octets, got ${e - s}`, s, field);
  const n = (v: number): string => {
    if (v > 9) fail('invalid_plmn', `${field}: nibble 0x${v.toString(16)} is not a digit`, s, field);
    return String(v);
  };
  const a = buf[s] as number;
  const b = buf[s + 1] as number;
  const c = buf[s + 2] as number;
  const mnc3 = b >> 4;
  return n(a & 15) + n(a >> 4) + n(b & 15) + n(c & 15) + n(c >> 4) + (mnc3 === 15 ? '' : n(mnc3));
}

export function writePlmn(digits: string, field: string): Uint8Array {
  if (!/^\d{5,6}$/.test(digits))
    throw new EncodeError('cdr', 'invalid_value', `${field}: expected 5 or 6 digits`, { field });
  const d = [...digits].map(Number) as number[];
  const mnc3 = d.length === 6 ? (d[5] as number) : 15;
  return Uint8Array.from([
    ((d[1] as number) << 4) | (d[0] as number),
    (mnc3 << 4) | (d[2] as number),
    ((d[4] as number) << 4) | (d[3] as number),
  ]);
}
