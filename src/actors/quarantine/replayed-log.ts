/**
 * `<dir>/replayed.log`: which quarantine entries were replayed, and when. Each frame holds one
 * `markReplayed` call `{ ids, timeMs }`; the first mark of an id wins. Written only by whoever
 * replays (the CLI), read by every listing.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { packValue, unpackValue } from '../../protocols/nar/batch.js';
import { fsyncDir, isErrno, writeAll } from '../durability/fs-util.js';
import { QuarantineCorruptError } from './errors.js';
import {
  REPLAYED_FILE,
  REPLAYED_MAGIC,
  encodeFrame,
  fileHeader,
  scanFrames,
  type ScanResult,
} from './format.js';

/** Replay time per entry id; empty when nothing was replayed yet. */
export async function readReplayed(dir: string): Promise<Map<string, number>> {
  const marks = new Map<string, number>();
  try {
    await scanReplayed(join(dir, REPLAYED_FILE), marks);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return marks;
    throw err;
  }
  return marks;
}

function scanReplayed(file: string, marks: Map<string, number>): Promise<ScanResult> {
  return scanFrames(file, REPLAYED_MAGIC, (payload, offset) => {
    let v: unknown;
    try {
      v = unpackValue(payload);
    } catch (err) {
      throw new QuarantineCorruptError('bad_entry', file, offset, `mark is not msgpack: ${String(err)}`);
    }
    const o = (typeof v === 'object' && v !== null ? v : {}) as { ids?: unknown; timeMs?: unknown };
    if (!Array.isArray(o.ids) || typeof o.timeMs !== 'number') {
      throw new QuarantineCorruptError(
        'bad_entry',
        file,
        offset,
        'expected a mark { ids: string[], timeMs }',
      );
    }
    for (const id of o.ids) {
      if (typeof id !== 'string')
        throw new QuarantineCorruptError('bad_entry', file, offset, 'expected string ids');
      if (!marks.has(id)) marks.set(id, o.timeMs);
    }
  });
}

/** Appends one mark durably (fsync; a created file's directory entry too), cutting off a torn tail first. */
export async function appendReplayed(dir: string, ids: readonly string[], timeMs: number): Promise<void> {
  const file = join(dir, REPLAYED_FILE);
  const frame = encodeFrame(packValue({ ids: [...ids], timeMs }));
  let scan: ScanResult | undefined;
  try {
    scan = await scanReplayed(file, new Map());
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  const fh = await open(file, scan === undefined ? 'wx+' : 'r+');
  try {
    const end = scan?.end ?? 0;
    if (scan?.torn !== undefined) await fh.truncate(end);
    await writeAll(fh, end === 0 ? [fileHeader(REPLAYED_MAGIC), frame] : [frame], end);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (scan === undefined) await fsyncDir(dir);
}
