/**
 * Timestamps in input files → ISO 8601 text with an offset (`2026-11-24T10:15:00+02:00`, `Z` for
 * UTC). A rule's format is compiled once; parsing a value reads fixed positions (no regex, no Date).
 *
 * Formats:
 *  - a pattern of the tokens YYYY MM DD HH mm ss SSS and literal characters (`YYYYMMDDHHmmss`,
 *    `DD.MM.YYYY HH:mm`): every token has a fixed width, so a value has exactly the pattern's length.
 *    YYYY, MM and DD are required; a missing HH, mm or ss is 0. The value is wall-clock time in the
 *    rule's timezone. Milliseconds appear in the output when the pattern has SSS.
 *  - `epoch-s`, `epoch-ms`: non-negative decimal seconds or milliseconds since 1970-01-01T00:00:00Z,
 *    rendered in the rule's timezone (milliseconds appear with `epoch-ms`).
 *  - `iso8601`: `YYYY-MM-DDTHH:mm:ss` (or a space for `T`), an optional fraction of 1–9 digits (kept to
 *    the millisecond, shown when present), an optional `Z` or `±HH:MM` / `±HHMM`. A value without an
 *    offset is in the rule's timezone; one with an offset is converted to the rule's timezone.
 * The timezone is a fixed offset `±HH:MM` (at most 18:00) or `Z`; there is no tz database. Impossible
 * dates (February 30, hour 24, second 60) and years outside 0000–9999 are FieldError `bad_timestamp`.
 */
import {
  daysFromCivil,
  digitsAt,
  MAX_OFFSET_MINUTES,
  MS_PER_DAY,
  offsetText,
  parseOffset,
  render,
  validDateTime,
} from './calendar.js';
import { FieldError } from './errors.js';

export { parseOffset } from './calendar.js';

export class TimestampFormatError extends Error {
  override readonly name = 'TimestampFormatError';
  constructor(
    readonly code: 'bad_timestamp_format' | 'bad_timezone',
    message: string,
  ) {
    super(message);
  }
}

export interface TimestampParser {
  /** The value as ISO 8601 text with the rule's offset; throws FieldError `bad_timestamp`. */
  parse(raw: string): string;
}

export const EPOCH_FORMATS = ['epoch-s', 'epoch-ms', 'iso8601'] as const;
const MAX_FORMAT_LENGTH = 64;

type TokenName = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'ms';
const TOKENS: ReadonlyArray<{ text: string; name: TokenName }> = [
  { text: 'YYYY', name: 'year' },
  { text: 'SSS', name: 'ms' },
  { text: 'MM', name: 'month' },
  { text: 'DD', name: 'day' },
  { text: 'HH', name: 'hour' },
  { text: 'mm', name: 'minute' },
  { text: 'ss', name: 'second' },
];
const TOKEN_LETTERS = 'YMDHmsS';

interface Pattern {
  /** Offset of each token in a value, -1 when the pattern lacks it. */
  readonly at: Readonly<Record<TokenName, number>>;
  readonly length: number;
  readonly literalAt: readonly number[];
  readonly literalCode: readonly number[];
}

/** Compiles a token pattern, or returns what is wrong with it. */
function compilePattern(format: string): Pattern | string {
  if (format.length > MAX_FORMAT_LENGTH) return `at most ${MAX_FORMAT_LENGTH} characters`;
  const at: Record<TokenName, number> = {
    year: -1,
    month: -1,
    day: -1,
    hour: -1,
    minute: -1,
    second: -1,
    ms: -1,
  };
  const literalAt: number[] = [];
  const literalCode: number[] = [];
  let i = 0;
  while (i < format.length) {
    const token = TOKENS.find((t) => format.startsWith(t.text, i));
    if (token !== undefined) {
      if (at[token.name] !== -1) return `${token.text} appears more than once`;
      at[token.name] = i;
      i += token.text.length;
      continue;
    }
    const ch = format[i] as string;
    if (TOKEN_LETTERS.includes(ch)) {
      return `"${ch}" at position ${i + 1} is not part of a token (YYYY MM DD HH mm ss SSS)`;
    }
    literalAt.push(i);
    literalCode.push(format.charCodeAt(i));
    i++;
  }
  const missing = (['year', 'month', 'day'] as const).filter((t) => at[t] === -1);
  if (missing.length > 0) return `a pattern needs YYYY, MM and DD (missing ${missing.join(', ')})`;
  return { at, length: format.length, literalAt, literalCode };
}

/** What is wrong with a rule's `format`, or undefined when it compiles. */
export function timestampFormatProblem(format: string): string | undefined {
  if ((EPOCH_FORMATS as readonly string[]).includes(format)) return undefined;
  const p = compilePattern(format);
  return typeof p === 'string' ? p : undefined;
}

/** The two digits of an optional token at `from`, or "00" when the pattern lacks it. */
function part(raw: string, from: number): string {
  return from < 0 ? '00' : raw.slice(from, from + 2);
}

abstract class Parser implements TimestampParser {
  constructor(
    protected readonly field: string,
    protected readonly expected: string,
    protected readonly offset: number,
    protected readonly zone: string,
  ) {}

  abstract parse(raw: string): string;

  protected fail(raw: string, why = ''): never {
    const cut = raw.length > 64 ? `${raw.slice(0, 64)}…` : raw;
    throw new FieldError(
      'bad_timestamp',
      `field ${this.field}: expected a timestamp as ${this.expected}${why}, got ${JSON.stringify(cut)}`,
    );
  }
}

class PatternParser extends Parser {
  readonly #y: number;
  readonly #mo: number;
  readonly #d: number;
  readonly #h: number;
  readonly #mi: number;
  readonly #s: number;
  readonly #ms: number;

  constructor(
    field: string,
    format: string,
    private readonly p: Pattern,
    offset: number,
    zone: string,
  ) {
    super(field, format, offset, zone);
    this.#y = p.at.year;
    this.#mo = p.at.month;
    this.#d = p.at.day;
    this.#h = p.at.hour;
    this.#mi = p.at.minute;
    this.#s = p.at.second;
    this.#ms = p.at.ms;
  }

  parse(raw: string): string {
    const p = this.p;
    if (raw.length !== p.length) this.fail(raw);
    for (let i = 0; i < p.literalAt.length; i++) {
      if (raw.charCodeAt(p.literalAt[i] as number) !== p.literalCode[i]) this.fail(raw);
    }
    const y = digitsAt(raw, this.#y, 4);
    const mo = digitsAt(raw, this.#mo, 2);
    const d = digitsAt(raw, this.#d, 2);
    const h = this.#h < 0 ? 0 : digitsAt(raw, this.#h, 2);
    const mi = this.#mi < 0 ? 0 : digitsAt(raw, this.#mi, 2);
    const s = this.#s < 0 ? 0 : digitsAt(raw, this.#s, 2);
    const ms = this.#ms < 0 ? 0 : digitsAt(raw, this.#ms, 3);
    if (ms < 0 || !validDateTime(y, mo, d, h, mi, s)) this.fail(raw, ' (a real date and time)');
    // Every token was checked to be digits: the output reuses the input's characters.
    const frac = this.#ms < 0 ? '' : `.${raw.slice(this.#ms, this.#ms + 3)}`;
    return `${raw.slice(this.#y, this.#y + 4)}-${raw.slice(this.#mo, this.#mo + 2)}-${raw.slice(this.#d, this.#d + 2)}T${part(raw, this.#h)}:${part(raw, this.#mi)}:${part(raw, this.#s)}${frac}${this.zone}`;
  }
}

class EpochParser extends Parser {
  constructor(
    field: string,
    private readonly millis: boolean,
    offset: number,
    zone: string,
  ) {
    super(
      field,
      millis ? 'epoch-ms (milliseconds since 1970)' : 'epoch-s (seconds since 1970)',
      offset,
      zone,
    );
  }

  parse(raw: string): string {
    // 9999-12-31T23:59:59.999Z is 253402300799999 ms: 15 digits (12 for seconds).
    if (raw.length === 0 || raw.length > (this.millis ? 15 : 12) || digitsAt(raw, 0, raw.length) < 0) {
      this.fail(raw);
    }
    const ms = Number(raw) * (this.millis ? 1 : 1000);
    return render(ms + this.offset * 60_000, this.millis, this.zone) ?? this.fail(raw, ' (years 0000–9999)');
  }
}

class IsoParser extends Parser {
  constructor(field: string, offset: number, zone: string) {
    super(field, 'ISO 8601 (YYYY-MM-DDTHH:mm:ss[.fff][Z|±HH:MM])', offset, zone);
  }

  parse(raw: string): string {
    const n = raw.length;
    if (n < 19 || n > 40) this.fail(raw);
    const sep = raw.charCodeAt(10);
    if (
      raw.charCodeAt(4) !== 45 ||
      raw.charCodeAt(7) !== 45 ||
      (sep !== 84 && sep !== 32) ||
      raw.charCodeAt(13) !== 58 ||
      raw.charCodeAt(16) !== 58
    ) {
      this.fail(raw);
    }
    const y = digitsAt(raw, 0, 4);
    const mo = digitsAt(raw, 5, 2);
    const d = digitsAt(raw, 8, 2);
    const h = digitsAt(raw, 11, 2);
    const mi = digitsAt(raw, 14, 2);
    const s = digitsAt(raw, 17, 2);
    if (!validDateTime(y, mo, d, h, mi, s)) this.fail(raw, ' (a real date and time)');
    let i = 19;
    let ms = 0;
    let hasFraction = false;
    if (i < n && raw.charCodeAt(i) === 46) {
      const from = ++i;
      while (i < n && raw.charCodeAt(i) >= 48 && raw.charCodeAt(i) <= 57) i++;
      const digits = i - from;
      if (digits === 0 || digits > 9) this.fail(raw);
      ms = digitsAt(raw.slice(from, Math.min(i, from + 3)).padEnd(3, '0'), 0, 3);
      hasFraction = true;
    }
    let given = this.offset;
    if (i < n) {
      const c = raw.charCodeAt(i);
      const rest = n - i;
      if ((c === 90 || c === 122) && rest === 1) given = 0;
      else if ((c === 43 || c === 45) && (rest === 6 || rest === 5)) {
        const oh = digitsAt(raw, i + 1, 2);
        const colon = rest === 6;
        if (colon && raw.charCodeAt(i + 3) !== 58) this.fail(raw);
        const om = digitsAt(raw, i + (colon ? 4 : 3), 2);
        if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > MAX_OFFSET_MINUTES) this.fail(raw);
        given = (c === 45 ? -1 : 1) * (oh * 60 + om);
      } else this.fail(raw);
    }
    const local = daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + ms;
    return (
      render(local - given * 60_000 + this.offset * 60_000, hasFraction, this.zone) ??
      this.fail(raw, ' (years 0000–9999 in the target timezone)')
    );
  }
}

/**
 * The parser for a rule's `format` and `timezone` (default `Z`). Throws TimestampFormatError when
 * either is invalid (settings validation reports that before anything starts).
 */
export function compileTimestamp(field: string, format: string, timezone = 'Z'): TimestampParser {
  const offset = parseOffset(timezone);
  if (offset === undefined) {
    throw new TimestampFormatError(
      'bad_timezone',
      `field ${field}: timezone: expected ±HH:MM (at most 18:00) or Z, got ${JSON.stringify(timezone)}`,
    );
  }
  const zone = offsetText(offset);
  if (format === 'epoch-s' || format === 'epoch-ms') {
    return new EpochParser(field, format === 'epoch-ms', offset, zone);
  }
  if (format === 'iso8601') return new IsoParser(field, offset, zone);
  const p = compilePattern(format);
  if (typeof p === 'string') {
    throw new TimestampFormatError(
      'bad_timestamp_format',
      `field ${field}: format ${JSON.stringify(format)}: expected epoch-s, epoch-ms, iso8601 or a pattern of YYYY MM DD HH mm ss SSS: ${p}`,
    );
  }
  return new PatternParser(field, format, p, offset, zone);
}
