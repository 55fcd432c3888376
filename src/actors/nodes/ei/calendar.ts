/**
 * Proleptic Gregorian calendar arithmetic for timestamp parsing: digits at fixed positions, date
 * validity, days since 1970 and back (H. Hinnant's civil-date algorithms), fixed UTC offsets. No Date
 * objects: they map years 0–99 to 1900–1999 and allocate per value.
 */

export const MS_PER_DAY = 86_400_000;
export const MAX_OFFSET_MINUTES = 18 * 60;

/** A timezone `±HH:MM` or `Z` → minutes east of UTC; undefined when malformed or beyond ±18:00. */
export function parseOffset(text: string): number | undefined {
  if (text === 'Z') return 0;
  if (text.length !== 6 || text.charCodeAt(3) !== 58) return undefined;
  const sign = text.charCodeAt(0) === 43 ? 1 : text.charCodeAt(0) === 45 ? -1 : 0;
  const h = digitsAt(text, 1, 2);
  const m = digitsAt(text, 4, 2);
  if (sign === 0 || h < 0 || m < 0 || m > 59) return undefined;
  const minutes = h * 60 + m;
  return minutes > MAX_OFFSET_MINUTES ? undefined : sign * minutes;
}

/** The decimal number in s[at, at+n), or -1 when any character is not an ASCII digit. */
export function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] as number);
}

export function validDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return (
    y >= 0 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, mo) &&
    h >= 0 &&
    h <= 23 &&
    mi >= 0 &&
    mi <= 59 &&
    s >= 0 &&
    s <= 59
  );
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil, y ≥ 0). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `+HH:MM`, or `Z` for a zero offset. */
export function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z';
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60), 2)}:${pad(a % 60, 2)}`;
}

/**
 * Renders local time (ms since 1970-01-01T00:00 in the target offset) as ISO text; a year outside
 * 0000–9999 cannot be written in four digits and is rejected. (Inverse of daysFromCivil.)
 */
export function render(localMs: number, withMs: boolean, zone: string): string | undefined {
  const days = Math.floor(localMs / MS_PER_DAY);
  const inDay = localMs - days * MS_PER_DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return undefined;
  const h = Math.floor(inDay / 3_600_000);
  const mi = Math.floor((inDay % 3_600_000) / 60_000);
  const s = Math.floor((inDay % 60_000) / 1000);
  const frac = withMs ? `.${pad(inDay % 1000, 3)}` : '';
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac}${zone}`;
}
