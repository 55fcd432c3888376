/**
 * Time values of NetFlow and IPFIX: ISO 8601 UTC text at a given precision, and the NTP timestamp
 * format of dateTimeMicroseconds / dateTimeNanoseconds (RFC 7011 §6.1.9–6.1.10: 32-bit seconds
 * since 1900-01-01 and a 32-bit binary fraction; microsecond values ignore the low 11 fraction bits).
 */
import { isoDateTime } from '../iso-time.js';

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
export const NTP_UNIX_OFFSET = 2_208_988_800;
const TWO_32 = 4_294_967_296;
/** 9999-12-31T23:59:59Z: the last second a four-digit ISO year can show. */
const MAX_ISO_SECONDS = 253_402_300_799;

const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Whether a Unix second can be shown as a four-digit-year ISO time. */
export function isoRepresentable(second: number): boolean {
  return second >= 0 && second <= MAX_ISO_SECONDS;
}

/** ISO 8601 UTC with whole seconds ("…T12:00:00Z"). */
export function isoSeconds(second: number): string {
  return `${isoDateTime(second)}Z`;
}

/** ISO 8601 UTC with milliseconds ("…T12:00:00.123Z"). `ms` must be an integer. */
export function isoMillis(ms: number): string {
  const second = Math.floor(ms / 1000);
  const frac = ms - second * 1000;
  return `${isoDateTime(second)}.${THREE_DIGITS[frac] as string}Z`;
}

/** ISO 8601 UTC with a fraction of `digits` digits (6 or 9). */
export function isoFraction(second: number, fraction: number, digits: number): string {
  return `${isoDateTime(second)}.${String(fraction).padStart(digits, '0')}Z`;
}

/**
 * Unix seconds of an NTP seconds field. NTP era 0 ends in 2036: values with the top bit clear are
 * read as era 1 (2036–2104), the convention of RFC 4330 §3.
 */
export function ntpSecondsToUnix(ntpSeconds: number): number {
  return ntpSeconds >= 0x80000000 ? ntpSeconds - NTP_UNIX_OFFSET : ntpSeconds + TWO_32 - NTP_UNIX_OFFSET;
}

/** Unix seconds → NTP seconds field (inverse of ntpSecondsToUnix for 1968–2104). */
export function unixToNtpSeconds(unixSeconds: number): number {
  return (unixSeconds + NTP_UNIX_OFFSET) % TWO_32;
}

/** Whole microseconds of an NTP fraction: floor(frac × 10^6 / 2^32), exact (15625 × 2^6 = 10^6). */
export function ntpFractionToMicros(fraction: number): number {
  return Math.floor((fraction * 15_625) / 67_108_864);
}

/** Whole nanoseconds of an NTP fraction: floor(frac × 10^9 / 2^32), exact (1953125 × 2^9 = 10^9). */
export function ntpFractionToNanos(fraction: number): number {
  return Math.floor((fraction * 1_953_125) / 8_388_608);
}

/** The NTP fraction of a microsecond value, with the low 11 bits zero, that decodes back to it. */
export function microsToNtpFraction(micros: number): number {
  return Math.ceil((micros * 32_768) / 15_625) * 2048;
}

/** The smallest NTP fraction that decodes back to these nanoseconds. */
export function nanosToNtpFraction(nanos: number): number {
  return Math.ceil((nanos * 8_388_608) / 1_953_125);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** Parses ISO 8601 UTC ("Z" only) into Unix seconds and nanoseconds; undefined when malformed. */
export function parseIsoTime(text: string): { second: number; nanos: number } | undefined {
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(ms)) return undefined;
  const frac = m[7] ?? '';
  return { second: ms / 1000, nanos: frac === '' ? 0 : Number(frac.padEnd(9, '0')) };
}
