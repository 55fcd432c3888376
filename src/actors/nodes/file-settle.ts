/**
 * When a file that is read by polling (a lookup table, a clients file, an input file) may be read:
 * once it has been left alone for a while, so one still being written in place is never taken
 * half-written. Judged by its modification time; a time in the future (another clock) is taken once
 * two checks in a row see the same version.
 */

/** What a stat tells of a version of a file. */
export interface FileVersion {
  readonly mtimeMs: number;
  readonly size: number;
}

export function sameVersion(a: FileVersion | undefined, b: FileVersion): boolean {
  return a !== undefined && a.mtimeMs === b.mtimeMs && a.size === b.size;
}

/**
 * Whether `version` has been left alone for `settleMs` at `nowMs`; `previous` is the version the
 * check before this one saw and did not take (undefined: none).
 */
export function isSettled(
  version: FileVersion,
  previous: FileVersion | undefined,
  settleMs: number,
  nowMs: number,
): boolean {
  const age = nowMs - version.mtimeMs;
  return age >= settleMs || (age < 0 && sameVersion(previous, version));
}
