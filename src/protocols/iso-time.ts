/**
 * ISO 8601 date and time of day of whole Unix seconds, for the hot paths that format many values:
 * the date part is cached by day (values close in time share it), the time of day is arithmetic,
 * so no Date is made per value.
 */

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

let cachedDay = Number.NaN;
let cachedDate = '';

/** "YYYY-MM-DDTHH:MM:SS" (UTC) of a whole Unix second in years 0000–9999. */
export function isoDateTime(second: number): string {
  const day = Math.floor(second / 86_400);
  if (day !== cachedDay) {
    cachedDate = new Date(day * 86_400_000).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let s = second - day * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${cachedDate}${TWO_DIGITS[h] as string}:${TWO_DIGITS[m] as string}:${TWO_DIGITS[s] as string}`;
}
