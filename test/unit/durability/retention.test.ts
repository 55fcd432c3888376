import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LsnRemovedError, RetentionError } from '../../../src/actors/durability/errors.js';
import { InputLog } from '../../../src/actors/durability/input-log.js';
import { applyRetention } from '../../../src/actors/durability/retention.js';
import { payloadFor, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const HOUR = 3_600_000;

/** A log of 40 entries in several segments; every segment file's mtime set to `ageMs` before `now`. */
async function agedLog(now: number, ageMs: number): Promise<{ log: InputLog; dir: string }> {
  const dir = await tempDir();
  const log = await InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 0 });
  for (let n = 1; n <= 40; n += 1) log.append(1, payloadFor(n));
  await log.flush();
  for (const s of await log.segments()) {
    const t = new Date(now - ageMs);
    await utimes(join(dir, s.file), t, t);
  }
  return { log, dir };
}

describe('InputLog.removeSegmentsBefore', () => {
  it('removes only segments whose entries are all below the LSN', async () => {
    const now = Date.now();
    const { log } = await agedLog(now, 2 * HOUR);
    const before = await log.segments();
    const third = before[2];
    expect(third).toBeDefined();
    const lsn = (third?.firstLsn ?? 0) + 1; // inside the third segment
    expect(await log.removeSegmentsBefore(lsn, HOUR, now)).toBe(2);
    expect(log.firstLsn).toBe(third?.firstLsn);
    expect((await log.segments()).map((s) => s.file)).toEqual(before.slice(2).map((s) => s.file));
    expect((await log.read(log.firstLsn, 100)).map((e) => e.lsn)[0]).toBe(third?.firstLsn);
    await log.close();
  });

  it('keeps segments closed more recently than the retention period, and everything after them', async () => {
    const now = Date.now();
    const { log, dir } = await agedLog(now, 2 * HOUR);
    const segs = await log.segments();
    const recent = new Date(now - HOUR / 2);
    await utimes(join(dir, segs[1]?.file ?? ''), recent, recent);
    expect(await log.removeSegmentsBefore(log.lastLsn, HOUR, now)).toBe(1);
    expect(log.firstLsn).toBe(segs[1]?.firstLsn);
    expect(await log.removeSegmentsBefore(log.lastLsn, HOUR / 4, now)).toBe(segs.length - 2);
    await log.close();
  });

  it('never removes the active segment, even when the LSN is past every entry', async () => {
    const now = Date.now();
    const { log } = await agedLog(now, 2 * HOUR);
    const segs = await log.segments();
    expect(await log.removeSegmentsBefore(log.lastLsn + 1, 0, now)).toBe(segs.length - 1);
    const left = await log.segments();
    expect(left).toHaveLength(1);
    expect(left[0]?.active).toBe(true);
    expect(log.append(1, payloadFor(41))).toBe(41);
    await log.close();
  });

  it('fails a read of a removed LSN with LsnRemovedError naming the new first LSN', async () => {
    const now = Date.now();
    const { log } = await agedLog(now, 2 * HOUR);
    await log.removeSegmentsBefore(20, HOUR, now);
    expect(log.firstLsn).toBeGreaterThan(1);
    const err = await log.read(1, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LsnRemovedError);
    expect(err).toMatchObject({ lsn: 1, firstLsn: log.firstLsn });
    expect(String(err)).toContain(`removed by retention; the log now starts at ${log.firstLsn}`);
    await log.close();
  });

  it('keeps the first LSN after removal across a reopen', async () => {
    const now = Date.now();
    const { log, dir } = await agedLog(now, 2 * HOUR);
    await log.removeSegmentsBefore(20, HOUR, now);
    const first = log.firstLsn;
    await log.close();
    const again = await InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 0 });
    expect(again.firstLsn).toBe(first);
    expect(again.lastLsn).toBe(40);
    await expect(again.read(first - 1, 1)).rejects.toThrow(LsnRemovedError);
    await again.close();
  });
});

describe('applyRetention', () => {
  it('removes what the checkpoint position and period allow and reports it', async () => {
    const now = Date.now();
    const { log } = await agedLog(now, 2 * HOUR);
    const segs = await log.segments();
    const res = await applyRetention(log, {
      replayFromLsn: segs[3]?.firstLsn ?? 0,
      retainMs: HOUR,
      nowMs: now,
    });
    expect(res).toEqual({ removedSegments: 3, firstLsnBefore: 1, firstLsnAfter: segs[3]?.firstLsn });
    const none = await applyRetention(log, { replayFromLsn: 41, retainMs: 3 * HOUR, nowMs: now });
    expect(none.removedSegments).toBe(0);
    await log.close();
  });

  it('refuses a checkpoint position past the end of the log and removes nothing', async () => {
    const now = Date.now();
    const { log } = await agedLog(now, 2 * HOUR);
    const count = (await log.segments()).length;
    await expect(applyRetention(log, { replayFromLsn: 42, retainMs: 0, nowMs: now })).rejects.toThrow(
      RetentionError,
    );
    expect(await log.segments()).toHaveLength(count);
    await log.close();
  });
});
