/**
 * Open-time checks of input-log segments.
 *
 * The tail segment is scanned with CRC checks. The first defective entry ends the log there and the
 * rest is cut, because only the last commit can be torn by a crash (one commit is in flight at a
 * time, and the next one starts after the previous one's synced write returned). One exception: a
 * CRC mismatch directly followed by a valid entry is damage in the middle, not a torn tail, and
 * throws instead of losing the entries after it. Non-tail segments are checked in full only on
 * request (`verify: 'all'`), otherwise when they are read.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LogCorruptError } from './errors.js';
import { fsyncDir } from './fs-util.js';
import {
  ENTRY_HEADER_BYTES,
  parseSegmentFileName,
  SegmentReader,
  segmentFileName,
  type ScanStep,
  type SegmentRef,
} from './log-format.js';

/** How the active segment is opened for writing: each write returns once its bytes are durable. */
export const SYNC_WRITE_FLAGS = constants.O_RDWR | constants.O_DSYNC;

export interface RecoveryReport {
  /** Segment file whose tail was examined. */
  readonly segment: string;
  /** Bytes cut from the end of that segment (a torn or corrupt tail); 0 for a clean log. */
  readonly truncatedBytes: number;
}

export interface RecoveredLog {
  readonly segments: SegmentRef[];
  /** The last segment, open for writing with `SYNC_WRITE_FLAGS`. */
  readonly fh: FileHandle;
  readonly validBytes: number;
  readonly lastLsn: number;
  readonly report: RecoveryReport;
}

/** Creates `dir` if needed, lists its segments, checks them and cuts a torn tail. */
export async function recoverLog(dir: string, verify: 'tail' | 'all'): Promise<RecoveredLog> {
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined) await fsyncDir(dirname(created));
  const segments: SegmentRef[] = (await readdir(dir))
    .map((file) => ({ file, firstLsn: parseSegmentFileName(file) }))
    .filter((s): s is SegmentRef => s.firstLsn !== undefined)
    .sort((a, b) => a.firstLsn - b.firstLsn);
  if (segments.length === 0) {
    const file = segmentFileName(1);
    await (await open(join(dir, file), 'wx')).close();
    await fsyncDir(dir);
    segments.push({ firstLsn: 1, file });
  }
  if (verify === 'all') {
    for (let i = 0; i + 1 < segments.length; i += 1) {
      const seg = segments[i] as SegmentRef;
      const next = segments[i + 1] as SegmentRef;
      const fh = await open(join(dir, seg.file), 'r');
      try {
        const { size } = await fh.stat();
        await verifyClosedSegment(fh, seg.file, size, next.firstLsn - seg.firstLsn);
      } finally {
        await fh.close();
      }
    }
  }
  const last = segments[segments.length - 1] as SegmentRef;
  const fh = await open(join(dir, last.file), SYNC_WRITE_FLAGS);
  try {
    const { size } = await fh.stat();
    const tail = await scanTailSegment(fh, last.file, size);
    if (tail.validBytes < size) {
      await fh.truncate(tail.validBytes);
      await fh.datasync();
    }
    return {
      segments,
      fh,
      validBytes: tail.validBytes,
      lastLsn: last.firstLsn + tail.entries - 1,
      report: { segment: last.file, truncatedBytes: size - tail.validBytes },
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

export interface TailScan {
  /** Good entries in the segment. */
  readonly entries: number;
  /** Bytes up to the end of the last good entry. */
  readonly validBytes: number;
}

export async function scanTailSegment(fh: FileHandle, file: string, size: number): Promise<TailScan> {
  const reader = new SegmentReader(fh, file, size);
  let entries = 0;
  for (;;) {
    const step = await reader.next(true);
    if (step.type === 'entry') {
      entries += 1;
      continue;
    }
    if (step.type === 'end') return { entries, validBytes: size };
    if (step.defect === 'crc_mismatch') {
      const after = step.offset + ENTRY_HEADER_BYTES + step.length;
      const follower = await new SegmentReader(fh, file, size, after).next(true);
      if (follower.type === 'entry') {
        throw new LogCorruptError(
          'crc_mismatch',
          file,
          step.offset,
          `entry ${entries + 1} of the segment fails its CRC but a valid entry follows at offset ${after}; ` +
            'expected damage only in a torn tail',
        );
      }
    }
    return { entries, validBytes: step.offset };
  }
}

/** Checks every entry of a closed segment and that it holds exactly `expectedEntries`. */
export async function verifyClosedSegment(
  fh: FileHandle,
  file: string,
  size: number,
  expectedEntries: number,
): Promise<void> {
  const reader = new SegmentReader(fh, file, size);
  for (let n = 0; n < expectedEntries; n += 1) {
    const step = await reader.next(true);
    if (step.type !== 'entry') throw corruptAt(file, step, n + 1, expectedEntries);
  }
  if (reader.offset !== size) {
    throw new LogCorruptError(
      'segment_long',
      file,
      reader.offset,
      `segment holds more than the ${expectedEntries} entries its successor's name implies`,
    );
  }
}

/** The error for a defect or an early end found where durable entries were expected. */
export function corruptAt(
  file: string,
  step: Exclude<ScanStep, { type: 'entry' }>,
  entryInSegment: number,
  expectedEntries: number,
): LogCorruptError {
  if (step.type === 'end') {
    return new LogCorruptError(
      'segment_short',
      file,
      step.offset,
      `segment ends after ${entryInSegment - 1} entries; expected ${expectedEntries}`,
    );
  }
  const what =
    step.defect === 'crc_mismatch'
      ? 'fails its CRC'
      : step.defect === 'length_limit'
        ? `claims ${step.length} payload bytes, above the limit`
        : step.defect === 'length_beyond_end'
          ? `claims ${step.length} payload bytes, past the end of the file`
          : 'has a truncated header';
  return new LogCorruptError(
    step.defect,
    file,
    step.offset,
    `entry ${entryInSegment} ${what}; expected an intact entry`,
  );
}
