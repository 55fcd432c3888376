/**
 * What the order enhancer reads from a record: its session key (the same text the `session` router
 * hashes, so both agree on the key group), its record key, its sequence number and its record time.
 * Each is read by position, without regular expressions or Date objects.
 */
import type { AttributeValue } from '../../../protocols/nar/nar.js';
import { attributeText, SESSION_KEY_SEPARATOR } from '../../routing/key-groups.js';
import { daysFromCivil, digitsAt, MAX_OFFSET_MINUTES, MS_PER_DAY, validDateTime } from '../ei/calendar.js';

/** What the order enhancer reads a record through (record-view.ts). */
export interface Attributes {
  get(name: string): AttributeValue | undefined;
}

/** Stands for an absent attribute in a record key, so ("", 5) and (5, absent) differ. */
const ABSENT = '\u0002';

/**
 * The session key of `r` exactly as `sessionKey` in routing/key-groups.ts builds it, or undefined
 * when one of the attributes is absent or null (such a record cannot be placed in a session).
 */
export function sessionKeyOf(r: Attributes, attributes: readonly string[]): string | undefined {
  const n = attributes.length;
  let key = '';
  for (let i = 0; i < n; i++) {
    const v = r.get(attributes[i] as string);
    if (v === undefined || v === null) return undefined;
    if (i > 0) key += SESSION_KEY_SEPARATOR;
    key += attributeText(v);
  }
  return key;
}

/** Index of the first session-key attribute `r` lacks (for the quarantine detail), or -1. */
export function missingAttribute(r: Attributes, attributes: readonly string[]): number {
  return attributes.findIndex((a) => r.get(a) === undefined || r.get(a) === null);
}

/**
 * The record key of `r`: the text of each attribute (see `attributeText`; absent ones are left out,
 * marked so that keys stay unambiguous), joined by U+0001. Two records of one session with equal
 * record keys are duplicates.
 */
export function recordKeyOf(r: Attributes, attributes: readonly string[]): string {
  const n = attributes.length;
  let key = '';
  for (let i = 0; i < n; i++) {
    const v = r.get(attributes[i] as string);
    if (i > 0) key += SESSION_KEY_SEPARATOR;
    key += v === undefined ? ABSENT : attributeText(v);
  }
  return key;
}

/**
 * A record sequence number (1 … 2^53−1, as a number, bigint or decimal text), or 0 when the record
 * has none or it is not a positive integer (TS 32.298: only partial records carry one).
 */
export function sequenceNumberOf(v: AttributeValue | undefined): number {
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) && v > 0 ? v : 0;
    case 'bigint':
      return v > 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : 0;
    case 'string': {
      if (v.length === 0 || v.length > 15) return 0;
      const n = digitsAt(v, 0, v.length);
      return n > 0 ? n : 0;
    }
    default:
      return 0;
  }
}

/**
 * A record time in ms since 1970: a number or bigint is epoch milliseconds; text is ISO 8601
 * `YYYY-MM-DDTHH:mm:ss` (or a space for `T`) with an optional fraction and an optional `Z` or
 * `±HH:MM`/`±HHMM` (without one: UTC). Anything else gives NaN (no usable time).
 */
export function recordTimeOf(v: AttributeValue | undefined): number {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : NaN;
    case 'bigint':
      return Number(v);
    case 'string':
      return isoMs(v);
    default:
      return NaN;
  }
}

function isoMs(s: string): number {
  const n = s.length;
  if (n < 19 || n > 40) return NaN;
  const sep = s.charCodeAt(10);
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 32) ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return NaN;
  }
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  const sec = digitsAt(s, 17, 2);
  if (!validDateTime(y, mo, d, h, mi, sec)) return NaN;
  let i = 19;
  let ms = 0;
  if (i < n && s.charCodeAt(i) === 46) {
    const from = ++i;
    let scale = 100;
    for (; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
    }
    if (i === from) return NaN;
    ms = Math.floor(ms);
  }
  let offsetMinutes = 0;
  if (i < n) {
    const c = s.charCodeAt(i);
    const rest = n - i;
    if ((c === 90 || c === 122) && rest === 1) offsetMinutes = 0;
    else if ((c === 43 || c === 45) && (rest === 6 || rest === 5)) {
      const colon = rest === 6;
      if (colon && s.charCodeAt(i + 3) !== 58) return NaN;
      const oh = digitsAt(s, i + 1, 2);
      const om = digitsAt(s, i + (colon ? 4 : 3), 2);
      if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > MAX_OFFSET_MINUTES) return NaN;
      offsetMinutes = (c === 45 ? -1 : 1) * (oh * 60 + om);
    } else return NaN;
  }
  return (
    daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offsetMinutes * 60_000
  );
}
