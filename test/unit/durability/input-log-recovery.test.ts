import { appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogCorruptError } from '../../../src/actors/durability/errors.js';
import { InputLog } from '../../../src/actors/durability/input-log.js';
import { payloadFor, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

/** Writes entries 1..n and closes; returns the segment files in order. */
async function writeLog(dir: string, n: number, segmentBytes: number): Promise<string[]> {
  const log = await InputLog.open(dir, { segmentBytes, groupCommitMs: 0 });
  for (let i = 1; i <= n; i += 1) log.append(1, payloadFor(i));
  await log.close();
  return (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort();
}

function entryBytes(n: number): number {
  return 9 + payloadFor(n).length;
}

async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
  await writeFile(path, bytes);
}

describe('InputLog recovery', () => {
  it('cuts garbage after the last good entry, reports it, and continues at the next LSN', async () => {
    const dir = await tempDir();
    const [seg] = await writeLog(dir, 5, 1 << 20);
    const path = join(dir, seg ?? '');
    const goodSize = (await stat(path)).size;
    await appendFile(path, new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x01]));
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 0 });
    expect(log.recovered).toEqual({ segment: seg, truncatedBytes: 5 });
    expect(log.lastLsn).toBe(5);
    expect((await stat(path)).size).toBe(goodSize);
    expect(log.append(1, payloadFor(6))).toBe(6);
    await log.flush();
    expect((await log.read(1, 10)).map((e) => e.payload)).toEqual([1, 2, 3, 4, 5, 6].map(payloadFor));
    await log.close();
  });

  it('cuts a partial last entry whose length runs past the end of the file', async () => {
    const dir = await tempDir();
    const [seg] = await writeLog(dir, 4, 1 << 20);
    const path = join(dir, seg ?? '');
    const header = new Uint8Array(9);
    new DataView(header.buffer).setUint32(0, 100);
    await appendFile(path, header);
    await appendFile(path, new Uint8Array(30));
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 0 });
    expect(log.recovered.truncatedBytes).toBe(39);
    expect(log.lastLsn).toBe(4);
    await log.close();
  });

  it('cuts a last entry whose CRC does not match (a torn final write)', async () => {
    const dir = await tempDir();
    const [seg] = await writeLog(dir, 6, 1 << 20);
    const path = join(dir, seg ?? '');
    const size = (await stat(path)).size;
    await flipByte(path, size - 1);
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 0 });
    expect(log.recovered.truncatedBytes).toBe(entryBytes(6));
    expect(log.lastLsn).toBe(5);
    expect(log.append(1, payloadFor(6))).toBe(6);
    await log.close();
  });

  it('recovers only the last segment and keeps earlier segments intact', async () => {
    const dir = await tempDir();
    const segs = await writeLog(dir, 30, 200);
    expect(segs.length).toBeGreaterThan(2);
    await appendFile(join(dir, segs[segs.length - 1] ?? ''), new Uint8Array([1, 2, 3]));
    const log = await InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 0, verify: 'all' });
    expect(log.recovered).toEqual({ segment: segs[segs.length - 1], truncatedBytes: 3 });
    expect(log.lastLsn).toBe(30);
    expect((await log.read(1, 100)).map((e) => e.lsn)).toHaveLength(30);
    await log.close();
  });

  it('throws LogCorruptError for a bad CRC in the middle of the last segment instead of cutting good entries', async () => {
    const dir = await tempDir();
    const [seg] = await writeLog(dir, 6, 1 << 20);
    const offset = entryBytes(1) + entryBytes(2); // entry 3 starts here
    await flipByte(join(dir, seg ?? ''), offset + 9 + 2);
    const err = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 0 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LogCorruptError);
    expect(err).toMatchObject({ code: 'crc_mismatch', file: seg, offset });
  });

  it('throws LogCorruptError with file and offset when reading over a bad CRC in a non-tail segment', async () => {
    const dir = await tempDir();
    const segs = await writeLog(dir, 30, 200);
    const victim = segs[1] ?? '';
    const firstLsn = Number(victim.slice(0, 20));
    const offset = entryBytes(firstLsn);
    await flipByte(join(dir, victim), offset + 12);
    const log = await InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 0 });
    expect(log.lastLsn).toBe(30);
    const err = await log.read(1, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogCorruptError);
    expect(err).toMatchObject({ code: 'crc_mismatch', file: victim, offset });
    expect(String(err)).toContain(`${victim} is corrupt at offset ${offset}`);
    // entries before the damage, and a read that only skips over it by its length header, still work
    expect((await log.read(firstLsn, 1))[0]?.payload).toEqual(payloadFor(firstLsn));
    expect((await log.read(firstLsn + 2, 1))[0]?.payload).toEqual(payloadFor(firstLsn + 2));
    await log.close();
  });

  it('throws LogCorruptError at open for damage in a non-tail segment when asked to verify all', async () => {
    const dir = await tempDir();
    const segs = await writeLog(dir, 30, 200);
    const victim = segs[0] ?? '';
    await flipByte(join(dir, victim), entryBytes(1) + entryBytes(2) + 10);
    await expect(
      InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 0, verify: 'all' }),
    ).rejects.toMatchObject({
      name: 'LogCorruptError',
      code: 'crc_mismatch',
      file: victim,
      offset: entryBytes(1) + entryBytes(2),
    });
  });

  it('reports a non-tail segment that ends early as segment_short', async () => {
    const dir = await tempDir();
    const segs = await writeLog(dir, 30, 200);
    const victim = join(dir, segs[0] ?? '');
    const bytes = await readFile(victim);
    await writeFile(victim, bytes.subarray(0, entryBytes(1)));
    const log = await InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 0 });
    await expect(log.read(1, 100)).rejects.toMatchObject({ code: 'segment_short', offset: entryBytes(1) });
    await log.close();
  });
});
