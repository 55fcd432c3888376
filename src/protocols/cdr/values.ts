/**
 * Value forms of TS 32.298 / TS 29.002 fields: TBCD digit strings (IMSI, IMEI, MSISDN), the 9-octet
 * BCD TimeStamp with its UTC offset, IP addresses in binary or text form, PLMN identities.
 */
import { BerWriter, written } from '../ber/writer.js';
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

/**
 * The checks of a TBCD value (two digits an octet, the first in the low nibble; 0xF fills the last
 * high nibble): returns how many digits it holds.
 */
export function checkTbcd(buf: Uint8Array, s: number, e: number, field: string): number {
  return tbcdInto(buf, s, e, field, undefined, 0);
}

/** TBCD digits as text (see `checkTbcd`). */
export function readTbcd(buf: Uint8Array, s: number, e: number, field: string): string {
  const digits = checkTbcd(buf, s, e, field);
  let out = '';
  const pairs = digits >> 1;
  for (let i = 0; i < pairs; i++) out += TBCD_PAIRS[buf[s + i] as number] as string;
  if ((digits & 1) === 1) out += String.fromCharCode(48 + ((buf[e - 1] as number) & 15));
  return out;
}

/**
 * `checkTbcd`, writing the digits as ASCII octets into `out` at `at` as they are read (when `out` is
 * given); returns how many. On a failure, what was written is to be dropped.
 */
export function tbcdInto(
  buf: Uint8Array,
  s: number,
  e: number,
  field: string,
  out: Uint8Array | undefined,
  at: number,
): number {
  if (e <= s || e - s > MAX_TBCD_OCTETS)
    fail('invalid_tbcd', `${field}: ${e - s} octets (expected 1 to ${MAX_TBCD_OCTETS})`, s, field);
  let to = at;
  for (let i = s; i < e; i++) {
    const b = buf[i] as number;
    const lo = b & 0x0f;
    const hi = b >> 4;
    if (lo > 9) fail('invalid_tbcd', `${field}: nibble 0x${lo.toString(16)} is not a digit`, i, field);
    if (out !== undefined) out[to] = 48 + lo;
    to++;
    if (hi <= 9) {
      if (out !== undefined) out[to] = 48 + hi;
      to++;
      continue;
    }
    if (hi !== 0x0f) fail('invalid_tbcd', `${field}: nibble 0x${hi.toString(16)} is not a digit`, i, field);
    if (i !== e - 1) fail('invalid_tbcd', `${field}: filler before the last octet`, i, field);
  }
  return to - at;
}

function badDigits(digits: string, field: string): never {
  throw new EncodeError(
    'cdr',
    'invalid_value',
    `${field}: expected 1 to 16 digits, got ${JSON.stringify(digits)}`,
    {
      field,
    },
  );
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** TBCD content octets of 1 to 16 digits. */
export function putTbcd(w: BerWriter, digits: string, field: string): void {
  const n = digits.length;
  if (n === 0 || n > 16) badDigits(digits, field);
  for (let i = 0; i < n; i += 2) {
    const lo = digits.charCodeAt(i);
    const hi = i + 1 < n ? digits.charCodeAt(i + 1) : 63; // 63 - 48 = 0x0f, the filler
    if (!isDigit(lo) || (i + 1 < n && !isDigit(hi))) badDigits(digits, field);
    w.octet(((hi - 48) << 4) | (lo - 48));
  }
}

export function writeTbcd(digits: string, field: string): Uint8Array {
  return written((w) => putTbcd(w, digits, field), 8);
}

/** ISDN-AddressString: octet 1 nature of address / numbering plan, then TBCD digits. */
export function readMsisdn(buf: Uint8Array, s: number, e: number, field: string): string {
  return readTbcd(buf, msisdnDigits(s, e, field), e, field);
}

/** Where the digits of the ISDN-AddressString content [s, e) start (after the address octet). */
export function msisdnDigits(s: number, e: number, field: string): number {
  if (e - s < 2) fail('invalid_msisdn', `${field}: expected the address octet and digits`, s, field);
  return s + 1;
}

/** ISDN-AddressString content: international number, E.164 numbering plan, then TBCD digits. */
export function putMsisdn(w: BerWriter, digits: string, field: string): void {
  w.octet(0x91);
  putTbcd(w, digits, field);
}

export function writeMsisdn(digits: string, field: string): Uint8Array {
  return written((w) => putMsisdn(w, digits, field), 9);
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

/** Two decimal digits at `i` as one BCD octet, or −1. */
function bcdAt(t: string, i: number): number {
  const hi = t.charCodeAt(i);
  const lo = t.charCodeAt(i + 1);
  return isDigit(hi) && isDigit(lo) ? ((hi - 48) << 4) | (lo - 48) : -1;
}

/** TimeStamp content: "20YY-MM-DDThh:mm:ss±hh:mm" → YYMMDDhhmmss (BCD), the sign, hhmm (BCD). */
export function putTimestamp(w: BerWriter, text: string, field: string): void {
  const t = text;
  const sign = t.charCodeAt(19);
  const octets = [bcdAt(t, 2), bcdAt(t, 5), bcdAt(t, 8), bcdAt(t, 11), bcdAt(t, 14), bcdAt(t, 17)];
  const offsetHours = bcdAt(t, 20);
  const offsetMinutes = bcdAt(t, 23);
  const form =
    t.length === 25 &&
    t.charCodeAt(0) === 50 && // 2
    t.charCodeAt(1) === 48 && // 0
    t.charCodeAt(4) === 45 && // -
    t.charCodeAt(7) === 45 &&
    t.charCodeAt(10) === 84 && // T
    t.charCodeAt(13) === 58 && // :
    t.charCodeAt(16) === 58 &&
    t.charCodeAt(22) === 58 &&
    (sign === 0x2b || sign === 0x2d) &&
    offsetHours >= 0 &&
    offsetMinutes >= 0 &&
    octets.every((o) => o >= 0);
  if (!form) {
    throw new EncodeError(
      'cdr',
      'invalid_value',
      `${field}: expected 20YY-MM-DDThh:mm:ss±hh:mm, got ${JSON.stringify(text)}`,
      { field },
    );
  }
  for (const o of octets) w.octet(o);
  w.octet(sign);
  w.octet(offsetHours);
  w.octet(offsetMinutes);
}

export function writeTimestamp(text: string, field: string): Uint8Array {
  return written((w) => putTimestamp(w, text, field), 9);
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

/** PLMN-Id content (3 octets, TS 24.008 order) of 5 or 6 MCC and MNC digits. */
export function putPlmn(w: BerWriter, digits: string, field: string): void {
  if (!/^\d{5,6}$/.test(digits))
    throw new EncodeError('cdr', 'invalid_value', `${field}: expected 5 or 6 digits`, { field });
  const d = (i: number): number => digits.charCodeAt(i) - 48;
  const mnc3 = digits.length === 6 ? d(5) : 15;
  w.octet((d(1) << 4) | d(0));
  w.octet((mnc3 << 4) | d(2));
  w.octet((d(4) << 4) | d(3));
}

export function writePlmn(digits: string, field: string): Uint8Array {
  return written((w) => putPlmn(w, digits, field), 3);
}
