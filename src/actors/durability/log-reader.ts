/**
 * Reading durable entries of an input log: find the segment by its first LSN, skip entries by their
 * length headers, return checked copies. A cursor remembers where the last read stopped, so a replay
 * that reads in slices does not rescan a segment from its start for every slice.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './fs-util.js';
import { SegmentReader, type SegmentRef } from './log-format.js';

export type { SegmentRef } from './log-format.js';
import { corruptAt } from './log-recovery.js';
import { LogCorruptError, LogUsageError, LsnRemovedError } from './errors.js';

export interface LogEntry {
  readonly lsn: number;
  readonly kind: number;
  /** A copy that owns its ArrayBuffer (transferable). */
  readonly payload: Uint8Array;
}

interface Cursor {
  readonly segmentFirstLsn: number;
  readonly lsn: number;
  readonly offset: number;
}

/** Index of the segment holding `lsn`: the last one whose first LSN is <= lsn (segments sorted). */
export function segmentIndexFor(segments: readonly SegmentRef[], lsn: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((segments[mid]?.firstLsn ?? Infinity) <= lsn) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class LogReader {
  private cursor: Cursor | undefined;

  constructor(private readonly dir: string) {}

  /** Up to `maxEntries` entries from `fromLsn`, none past `durableLsn`; `segments` is the live list. */
  async read(
    segments: readonly SegmentRef[],
    durableLsn: number,
    fromLsn: number,
    maxEntries: number,
  ): Promise<LogEntry[]> {
    if (!Number.isSafeInteger(fromLsn) || fromLsn < 1) {
      throw new LogUsageError('invalid_argument', `read position must be an integer >= 1, got ${fromLsn}`);
    }
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new LogUsageError('invalid_argument', `maxEntries must be an integer >= 1, got ${maxEntries}`);
    }
    const firstLsn = () => segments[0]?.firstLsn ?? 1;
    if (fromLsn < firstLsn()) throw new LsnRemovedError(this.dir, fromLsn, firstLsn());
    const end = Math.min(durableLsn, fromLsn + maxEntries - 1);
    const out: LogEntry[] = [];
    let lsn = fromLsn;
    while (lsn <= end) {
      const i = segmentIndexFor(segments, lsn);
      const seg = segments[i] as SegmentRef;
      const next = segments[i + 1];
      const segEnd = next === undefined ? end : Math.min(end, next.firstLsn - 1);
      const count = next === undefined ? undefined : next.firstLsn - seg.firstLsn;
      const from = lsn;
      await this.readSegment(seg, count, lsn, segEnd, out, () =>
        from < firstLsn()
          ? new LsnRemovedError(this.dir, from, firstLsn())
          : new LogCorruptError('segment_missing', seg.file, 0, 'segment file is gone; expected it on disk'),
      );
      lsn = segEnd + 1;
    }
    return out;
  }

  /**
   * Appends entries [fromLsn, toLsn] of one segment to `out`. `onMissing` makes the error for a
   * segment file that is gone (retention removed it while the read started).
   */
  private async readSegment(
    segment: SegmentRef,
    segmentEntries: number | undefined,
    fromLsn: number,
    toLsn: number,
    out: LogEntry[],
    onMissing: () => Error,
  ): Promise<void> {
    let fh;
    try {
      fh = await open(join(this.dir, segment.file), 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw onMissing();
      throw err;
    }
    try {
      const { size } = await fh.stat();
      const c = this.cursor;
      const resume = c !== undefined && c.segmentFirstLsn === segment.firstLsn && c.lsn <= fromLsn;
      const reader = new SegmentReader(fh, segment.file, size, resume ? c.offset : 0);
      let lsn = resume ? c.lsn : segment.firstLsn;
      const expected = segmentEntries ?? toLsn - segment.firstLsn + 1;
      while (lsn <= toLsn) {
        const wanted = lsn >= fromLsn;
        const step = await reader.next(wanted);
        if (step.type !== 'entry') throw corruptAt(segment.file, step, lsn - segment.firstLsn + 1, expected);
        if (wanted) {
          if (step.payload === undefined) {
            throw new LogCorruptError('segment_short', segment.file, step.offset, 'payload was not read');
          }
          out.push({ lsn, kind: step.kind, payload: step.payload });
        }
        lsn += 1;
      }
      this.cursor = { segmentFirstLsn: segment.firstLsn, lsn, offset: reader.offset };
    } finally {
      await fh.close();
    }
  }
}
