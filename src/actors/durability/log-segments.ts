/** Segment listing and retention removal for an input log (the log owns the live segment list). */
import { stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LogUsageError } from './errors.js';
import { fsyncDir } from './fs-util.js';
import type { SegmentRef } from './log-format.js';

export interface SegmentInfo {
  readonly file: string;
  readonly firstLsn: number;
  /** Last durable LSN in the segment (firstLsn - 1 when it has none yet). */
  readonly lastLsn: number;
  readonly bytes: number;
  readonly mtimeMs: number;
  readonly active: boolean;
}

export async function describeSegments(
  dir: string,
  refs: readonly SegmentRef[],
  durableLsn: number,
): Promise<SegmentInfo[]> {
  return Promise.all(
    refs.map(async (seg, i) => {
      const next = refs[i + 1];
      const st = await stat(join(dir, seg.file));
      return {
        file: seg.file,
        firstLsn: seg.firstLsn,
        lastLsn: next === undefined ? Math.max(seg.firstLsn - 1, durableLsn) : next.firstLsn - 1,
        bytes: st.size,
        mtimeMs: st.mtimeMs,
        active: next === undefined,
      };
    }),
  );
}

/**
 * Removes, from the front of `segs` (mutated), segments whose entries are all below `lsn` and whose
 * last write (mtime) is more than `retainMs` before `nowMs`. Stops at the first that does not
 * qualify, so the log stays contiguous; never removes the last (active) segment.
 */
export async function removeOldSegments(
  dir: string,
  segs: SegmentRef[],
  lsn: number,
  retainMs: number,
  nowMs: number,
): Promise<number> {
  for (const [name, v] of [
    ['lsn', lsn],
    ['retainMs', retainMs],
    ['nowMs', nowMs],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) {
      throw new LogUsageError('invalid_argument', `${name} must be a number >= 0, got ${v}`);
    }
  }
  let removed = 0;
  while (segs.length > 1) {
    const seg = segs[0] as SegmentRef;
    if ((segs[1] as SegmentRef).firstLsn > lsn) break;
    const path = join(dir, seg.file);
    if (nowMs - (await stat(path)).mtimeMs <= retainMs) break;
    await unlink(path);
    segs.shift();
    removed += 1;
  }
  if (removed > 0) await fsyncDir(dir);
  return removed;
}
