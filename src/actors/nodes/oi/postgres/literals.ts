/**
 * Syntax checks for the text forms copy-text.ts accepts: decimal integers and literals, ISO 8601
 * timestamps with an offset, prefix lengths. Char-code scanners, no regular expressions: they run
 * once per value on the hot path.
 */

export function isIntegerText(s: string): boolean {
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x2b || c0 === 0x2d) i = 1;
  if (i >= s.length) return false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * `[+-](digits[.digits*] | .digits)[(e|E)[+-]digits]`: returns the exponent (0 without one; capped
 * at ±1e9), or NaN when the text is not such a literal.
 */
export function decimalExponent(s: string): number {
  let i = 0;
  const n = s.length;
  let c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
  let digits = 0;
  while (c >= 0x30 && c <= 0x39) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 0x2e) {
    c = s.charCodeAt(++i);
    while (c >= 0x30 && c <= 0x39) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return NaN;
  if (i === n) return 0;
  if (c !== 0x65 && c !== 0x45) return NaN;
  c = s.charCodeAt(++i);
  const negative = c === 0x2d;
  if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
  let exponent = 0;
  let expDigits = 0;
  while (c >= 0x30 && c <= 0x39) {
    if (exponent < 1e9) exponent = exponent * 10 + (c - 0x30);
    expDigits++;
    c = s.charCodeAt(++i);
  }
  if (expDigits === 0 || i !== n) return NaN;
  return negative ? -exponent : exponent;
}

/** Whether the mantissa of a decimal literal has a non-zero digit (to tell underflow from zero). */
export function hasNonZeroMantissa(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x65 || c === 0x45) return false;
    if (c >= 0x31 && c <= 0x39) return true;
  }
  return false;
}

export function isSpecialFloat(s: string): boolean {
  return s === 'NaN' || s === 'Infinity' || s === '-Infinity' || s === '+Infinity';
}

/** `len` decimal digits at `at` as a number, or -1. */
function digitsAt(s: string, at: number, len: number): number {
  if (at + len > s.length) return -1;
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * `YYYY-MM-DD(T| )hh:mm[:ss[.f{1,9}]](Z|±hh[[:]mm])`, with a real calendar date, year 0001-9999,
 * hours 00-23, offsets up to ±15:59.
 */
export function isIsoTimestamp(s: string): boolean {
  if (s.length < 17 || s.length > 40) return false;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  if (year < 1 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  const sep = s.charCodeAt(10);
  if (sep !== 0x54 && sep !== 0x20) return false;
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  if (hour < 0 || hour > 23 || s.charCodeAt(13) !== 0x3a || minute < 0 || minute > 59) return false;
  let i = 16;
  if (s.charCodeAt(i) === 0x3a) {
    const second = digitsAt(s, i + 1, 2);
    if (second < 0 || second > 59) return false;
    i += 3;
    if (s.charCodeAt(i) === 0x2e) {
      const start = ++i;
      while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
      if (i === start || i - start > 9) return false;
    }
  }
  const zone = s.charCodeAt(i);
  if (zone === 0x5a) return i + 1 === s.length;
  if (zone !== 0x2b && zone !== 0x2d) return false;
  const offsetHours = digitsAt(s, i + 1, 2);
  if (offsetHours < 0 || offsetHours > 15) return false;
  i += 3;
  if (i === s.length) return true;
  if (s.charCodeAt(i) === 0x3a) i++;
  const offsetMinutes = digitsAt(s, i, 2);
  return offsetMinutes >= 0 && offsetMinutes <= 59 && i + 2 === s.length;
}

/** `0`..`bits` without sign or leading zeros, or -1. */
export function prefixLength(s: string, from: number, bits: number): number {
  const len = s.length - from;
  if (len < 1 || len > 3 || (len > 1 && s.charCodeAt(from) === 0x30)) return -1;
  const v = digitsAt(s, from, len);
  return v <= bits ? v : -1;
}
