/**
 * NAR values → rows of PostgreSQL's COPY text format (tab-separated, one row per line, `\N` for
 * NULL, backslash escapes for backslash, tab, newline and carriage return). Pure: no I/O.
 *
 * Every value is checked against its column type here, before it reaches the server, so that one
 * bad value sends one record to the quarantine instead of failing the whole COPY. The checks are
 * strict subsets of what PostgreSQL accepts: what passes here, the server parses.
 */
import type { AttributeValue, Nar } from '../../../../protocols/nar/nar.js';
import { formatIp, parseIp, parseIpv4 } from '../../../../protocols/ip.js';
import { CopyValueError, type CopyValueCode } from './errors.js';
import {
  decimalExponent,
  hasNonZeroMantissa,
  isIntegerText,
  isIsoTimestamp,
  isSpecialFloat,
  prefixLength,
} from './literals.js';

export const COLUMN_TYPES = [
  'text',
  'integer',
  'bigint',
  'double',
  'numeric',
  'boolean',
  'timestamptz',
  'inet',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** The SQL type `createTable` declares for each column type. */
export const SQL_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  numeric: 'numeric',
  boolean: 'boolean',
  timestamptz: 'timestamp with time zone',
  inet: 'inet',
};

const EXPECTED: Readonly<Record<ColumnType, string>> = {
  text: 'text (a string without NUL characters, or a number, bigint or boolean)',
  integer: 'integer -2147483648..2147483647 (a number, bigint or decimal digits)',
  bigint: 'bigint -9223372036854775808..9223372036854775807 (a number, bigint or decimal digits)',
  double: 'double precision (a number, a decimal literal within ±1.8e308, NaN or ±Infinity)',
  numeric: 'numeric (a number, bigint or decimal literal with an exponent within ±1000, NaN or ±Infinity)',
  boolean: 'boolean (true/false, 1/0, or one of t f true false yes no y n on off 1 0)',
  timestamptz:
    'timestamptz (ISO 8601 text with date, time and UTC offset in years 0001-9999, ' +
    'e.g. 2024-05-01T12:00:00.5+02:00, or epoch milliseconds)',
  inet: 'inet (an IPv4 or IPv6 address, optionally with /prefix)',
};

export interface CopyColumn {
  readonly column: string;
  readonly attribute: string;
  readonly type: ColumnType;
  /** false: a missing or null attribute is a bad value (for NOT NULL columns). */
  readonly nullable: boolean;
}

/** COPY text's NULL marker. */
export const COPY_NULL = '\\N';

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
const TWO_63 = 2 ** 63;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in epoch milliseconds. */
const MIN_EPOCH_MS = -62135596800000;
const MAX_EPOCH_MS = 253402300799999;
/** numeric literals longer than this, or with a larger exponent, are refused before the server sees them. */
const MAX_NUMERIC_TEXT = 1000;
const MAX_NUMERIC_EXPONENT = 1000;

function show(value: AttributeValue | undefined): string {
  if (value === undefined) return 'nothing (attribute missing)';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'string') return String(value);
  const text = JSON.stringify(value.length > 64 ? value.slice(0, 64) : value);
  return value.length > 64 ? `${text}… (${value.length} characters)` : text;
}

function fail(
  code: CopyValueCode,
  type: ColumnType,
  value: AttributeValue | undefined,
  column: string,
): never {
  const where = column === '' ? '' : `column ${column}: `;
  throw new CopyValueError(code, column, `${where}expected ${EXPECTED[type]}, got ${show(value)}`);
}

/**
 * Escapes text for COPY text format. NUL cannot be stored in PostgreSQL text and an unpaired UTF-16
 * surrogate has no UTF-8 form: both are refused rather than altered.
 */
export function escapeCopyText(text: string, column = ''): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x5c) {
      if (c < 0xd800 || c > 0xdfff) continue;
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      fail('unpaired_surrogate', 'text', text, column);
    }
    let escape: string;
    if (c === 0x5c) escape = '\\\\';
    else if (c === 0x09) escape = '\\t';
    else if (c === 0x0a) escape = '\\n';
    else if (c === 0x0d) escape = '\\r';
    else if (c === 0) fail('nul_character', 'text', text, column);
    else continue;
    out += text.slice(from, i) + escape;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

function formatInteger(value: AttributeValue, column: string): string {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT4_MIN && value <= INT4_MAX) return String(value);
    return fail(Number.isInteger(value) ? 'out_of_range' : 'wrong_kind', 'integer', value, column);
  }
  if (typeof value === 'bigint') {
    if (value >= BigInt(INT4_MIN) && value <= BigInt(INT4_MAX)) return String(value);
    return fail('out_of_range', 'integer', value, column);
  }
  if (typeof value === 'string') {
    if (!isIntegerText(value)) return fail('bad_syntax', 'integer', value, column);
    const n = Number(value);
    if (n >= INT4_MIN && n <= INT4_MAX) return value;
    return fail('out_of_range', 'integer', value, column);
  }
  return fail('wrong_kind', 'integer', value, column);
}

function formatBigint(value: AttributeValue, column: string): string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return fail('wrong_kind', 'bigint', value, column);
    if (Number.isSafeInteger(value)) return String(value);
    if (value >= -TWO_63 && value < TWO_63) return BigInt(value).toString();
    return fail('out_of_range', 'bigint', value, column);
  }
  if (typeof value === 'bigint') {
    if (value >= INT8_MIN && value <= INT8_MAX) return String(value);
    return fail('out_of_range', 'bigint', value, column);
  }
  if (typeof value === 'string') {
    if (!isIntegerText(value)) return fail('bad_syntax', 'bigint', value, column);
    if (value.length <= 15) return value;
    const b = BigInt(value);
    if (b >= INT8_MIN && b <= INT8_MAX) return value;
    return fail('out_of_range', 'bigint', value, column);
  }
  return fail('wrong_kind', 'bigint', value, column);
}

function formatDouble(value: AttributeValue, column: string): string {
  if (typeof value === 'number') return floatText(value);
  if (typeof value === 'bigint') return String(Number(value));
  if (typeof value === 'string') {
    if (isSpecialFloat(value)) return value;
    if (Number.isNaN(decimalExponent(value))) return fail('bad_syntax', 'double', value, column);
    const n = Number(value);
    if (!Number.isFinite(n) || (n === 0 && hasNonZeroMantissa(value))) {
      return fail('out_of_range', 'double', value, column);
    }
    return String(n);
  }
  return fail('wrong_kind', 'double', value, column);
}

function formatNumeric(value: AttributeValue, column: string): string {
  if (typeof value === 'number') return floatText(value);
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') {
    if (isSpecialFloat(value)) return value;
    const exponent = decimalExponent(value);
    if (Number.isNaN(exponent)) return fail('bad_syntax', 'numeric', value, column);
    if (value.length > MAX_NUMERIC_TEXT || Math.abs(exponent) > MAX_NUMERIC_EXPONENT) {
      return fail('out_of_range', 'numeric', value, column);
    }
    return value;
  }
  return fail('wrong_kind', 'numeric', value, column);
}

function formatBoolean(value: AttributeValue, column: string): string {
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value === 1 || value === 1n) return 't';
  if (value === 0 || value === 0n) return 'f';
  if (typeof value === 'string' && value.length <= 5) {
    switch (value.toLowerCase()) {
      case 't':
      case 'true':
      case 'y':
      case 'yes':
      case 'on':
      case '1':
        return 't';
      case 'f':
      case 'false':
      case 'n':
      case 'no':
      case 'off':
      case '0':
        return 'f';
    }
  }
  return fail(typeof value === 'string' ? 'bad_syntax' : 'wrong_kind', 'boolean', value, column);
}

function formatTimestamptz(value: AttributeValue, column: string): string {
  if (typeof value === 'string') {
    return isIsoTimestamp(value) ? value : fail('bad_syntax', 'timestamptz', value, column);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const ms = Number(value);
    if (ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS) return new Date(ms).toISOString();
    return fail(Number.isNaN(ms) ? 'wrong_kind' : 'out_of_range', 'timestamptz', value, column);
  }
  return fail('wrong_kind', 'timestamptz', value, column);
}

function formatInet(value: AttributeValue, column: string): string {
  if (typeof value !== 'string') return fail('wrong_kind', 'inet', value, column);
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  if (address.indexOf(':') === -1) {
    // The strict dotted-quad parser accepts only the canonical form: the text goes out as it came.
    if (parseIpv4(address) === undefined || (slash !== -1 && prefixLength(value, slash + 1, 32) < 0)) {
      return fail('bad_syntax', 'inet', value, column);
    }
    return value;
  }
  const ip = parseIp(address);
  if (ip === undefined) return fail('bad_syntax', 'inet', value, column);
  if (slash === -1) return formatIp(ip);
  const prefix = prefixLength(value, slash + 1, 128);
  return prefix < 0 ? fail('bad_syntax', 'inet', value, column) : `${formatIp(ip)}/${prefix}`;
}

function formatText(value: AttributeValue, column: string): string {
  if (typeof value === 'string') return escapeCopyText(value, column);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** One value as COPY text (escaped, or `\N` for null/missing). Throws CopyValueError. */
export function formatCopyValue(type: ColumnType, value: AttributeValue | undefined, column = ''): string {
  if (value === undefined || value === null) return COPY_NULL;
  switch (type) {
    case 'text':
      return formatText(value, column);
    case 'integer':
      return formatInteger(value, column);
    case 'bigint':
      return formatBigint(value, column);
    case 'double':
      return formatDouble(value, column);
    case 'numeric':
      return formatNumeric(value, column);
    case 'boolean':
      return formatBoolean(value, column);
    case 'timestamptz':
      return formatTimestamptz(value, column);
    case 'inet':
      return formatInet(value, column);
  }
}

/** One record as a COPY text line (ending in `\n`). Throws CopyValueError naming the column. */
export function formatCopyRow(columns: readonly CopyColumn[], record: Nar): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as CopyColumn;
    const value = record[c.attribute];
    if (!c.nullable && (value === undefined || value === null)) {
      throw new CopyValueError(
        'null_not_allowed',
        c.column,
        `column ${c.column}: expected a value of attribute ${c.attribute} (the column is not nullable), got ${show(value)}`,
      );
    }
    line += (i === 0 ? '' : '\t') + formatCopyValue(c.type, value, c.column);
  }
  return line + '\n';
}
