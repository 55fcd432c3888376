import { constants } from 'node:fs';
import { open, readdir, readFile, readlink, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogClosedError, LogFailedError, LogUsageError } from '../../../src/actors/durability/errors.js';
import { InputLog, WRITE_VECTOR_MAX, writeVector } from '../../../src/actors/durability/input-log.js';
import { deferred, payloadFor, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

async function fileHandlePrototype(dir: string): Promise<FileHandle> {
  const fh = await open(dir, 'r');
  await fh.close();
  return Object.getPrototypeOf(fh) as FileHandle;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('InputLog append and read', () => {
  it('round-trips many entries across several segments with contiguous LSNs', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 300, groupCommitMs: 0 });
    const lsns: number[] = [];
    for (let n = 1; n <= 120; n += 1) lsns.push(log.append(n % 4, payloadFor(n)));
    expect(lsns).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    await log.whenDurable(120);
    const segs = await log.segments();
    expect(segs.length).toBeGreaterThan(5);
    expect(segs.filter((s) => s.active)).toHaveLength(1);
    expect(segs[0]?.file).toBe('00000000000000000001.seg');
    for (let i = 1; i < segs.length; i += 1) expect(segs[i]?.firstLsn).toBe((segs[i - 1]?.lastLsn ?? 0) + 1);
    const all = await log.read(1, 1000);
    expect(all.map((e) => e.lsn)).toEqual(lsns);
    for (const e of all) {
      expect(e.kind).toBe(e.lsn % 4);
      expect(e.payload.byteLength).toBe(e.payload.buffer.byteLength);
      expect(e.payload).toEqual(payloadFor(e.lsn));
    }
    await log.close();
  });

  it('reads from the middle of a segment and across a segment boundary', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 250, groupCommitMs: 0 });
    for (let n = 1; n <= 40; n += 1) log.append(1, payloadFor(n));
    await log.flush();
    const segs = await log.segments();
    const second = segs[1];
    expect(second).toBeDefined();
    const mid = (second?.firstLsn ?? 0) + 1;
    const got = await log.read(mid, 5);
    expect(got.map((e) => e.lsn)).toEqual([mid, mid + 1, mid + 2, mid + 3, mid + 4]);
    expect(got[0]?.payload).toEqual(payloadFor(mid));
    const across = await log.read((second?.lastLsn ?? 0) - 1, 4);
    expect(across.map((e) => e.payload)).toEqual(across.map((e) => payloadFor(e.lsn)));
    expect(across.map((e) => e.lsn)).toEqual([0, 1, 2, 3].map((i) => (second?.lastLsn ?? 0) - 1 + i));
    // a read that goes backwards inside a segment still finds the right entries
    expect((await log.read(mid - 1, 1))[0]?.payload).toEqual(payloadFor(mid - 1));
    await log.close();
  });

  it('iterates entries from a position to the durable end', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 0 });
    for (let n = 1; n <= 30; n += 1) log.append(2, payloadFor(n));
    await log.flush();
    const seen: number[] = [];
    for await (const e of log.entries(7, 4)) seen.push(e.lsn);
    expect(seen).toEqual(Array.from({ length: 24 }, (_, i) => i + 7));
    await log.close();
  });

  it('copies the payload at append so the caller may reuse or transfer its buffer', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 0 });
    const buf = new Uint8Array([1, 2, 3, 4]);
    log.append(0, buf);
    buf.fill(9);
    structuredClone(buf.buffer, { transfer: [buf.buffer] });
    await log.flush();
    expect((await log.read(1, 1))[0]?.payload).toEqual(new Uint8Array([1, 2, 3, 4]));
    await log.close();
  });

  it('continues LSNs after a reopen and keeps earlier entries readable', async () => {
    const dir = await tempDir();
    const first = await InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 5 });
    for (let n = 1; n <= 25; n += 1) first.append(1, payloadFor(n));
    await first.close();
    const again = await InputLog.open(dir, { segmentBytes: 200, groupCommitMs: 5 });
    expect(again.recovered.truncatedBytes).toBe(0);
    expect(again.lastLsn).toBe(25);
    expect(again.durableLsn).toBe(25);
    expect(again.firstLsn).toBe(1);
    expect(again.append(1, payloadFor(26))).toBe(26);
    await again.flush();
    const all = await again.read(1, 100);
    expect(all.map((e) => e.lsn)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(all[25]?.payload).toEqual(payloadFor(26));
    await again.close();
  });

  it('reads nothing that is not durable yet', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 3_600_000 });
    log.append(1, payloadFor(1));
    expect(await log.read(1, 10)).toEqual([]);
    await log.flush();
    expect(await log.read(1, 10)).toHaveLength(1);
    await log.close();
  });

  it('rejects bad arguments and options with what was expected', async () => {
    const dir = await tempDir();
    await expect(InputLog.open(dir, { segmentBytes: 0, groupCommitMs: 1 })).rejects.toThrow(/segmentBytes/);
    await expect(
      InputLog.open(dir, { segmentBytes: 10, groupCommitMs: 1, preallocate: true }),
    ).rejects.toThrow(LogUsageError);
    const log = await InputLog.open(dir, { segmentBytes: 100, groupCommitMs: 0 });
    expect(() => log.append(256, payloadFor(1))).toThrow(/kind must be an integer 0..255/);
    await expect(log.read(0, 1)).rejects.toThrow(/>= 1/);
    await expect(log.whenDurable(5)).rejects.toMatchObject({ code: 'lsn_not_appended' });
    await log.close();
    expect(() => log.append(1, payloadFor(1))).toThrow(LogClosedError);
  });
});

describe('InputLog group commit', () => {
  it('counts the duration of each commit in its latency buckets, until taken', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 3_600_000 });
    expect(log.commits.take().buckets.reduce((a, b) => a + b, 0)).toBe(0);
    for (let i = 1; i <= 3; i++) {
      log.append(1, payloadFor(i));
      await log.flush();
    }
    const taken = log.commits.take();
    expect(taken.buckets.reduce((a, b) => a + b, 0)).toBe(3);
    expect(taken.bucketSumsMs.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(log.commits.take().buckets.reduce((a, b) => a + b, 0)).toBe(0);
    await log.close();
  });

  it('makes an entry durable only through a commit, after which durableLsn advances', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 3_600_000 });
    const commits: number[] = [];
    log.onDurable((lsn) => commits.push(lsn));
    const lsn = log.append(1, payloadFor(1));
    let resolved = false;
    const done = log.whenDurable(lsn).then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    expect(log.durableLsn).toBe(0);
    expect(commits).toEqual([]);
    await log.flush();
    await done;
    expect(resolved).toBe(true);
    expect(log.durableLsn).toBe(1);
    expect(commits).toEqual([1]);
    await log.close();
  });

  it('commits on its own after a burst when groupCommitMs is 0, and on the timer otherwise', async () => {
    const dir = await tempDir();
    for (const groupCommitMs of [0, 5]) {
      const log = await InputLog.open(join(dir, String(groupCommitMs)), {
        segmentBytes: 1 << 20,
        groupCommitMs,
      });
      const commits: number[] = [];
      log.onDurable((lsn) => commits.push(lsn));
      log.append(1, payloadFor(1));
      log.append(1, payloadFor(2));
      const last = log.append(1, payloadFor(3));
      expect(log.durableLsn).toBe(0);
      await log.whenDurable(last);
      expect(log.durableLsn).toBe(3);
      expect(commits).toEqual([3]);
      await log.close();
    }
  });

  it('puts appends made during a commit into the next commit', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 0 });
    const proto = await fileHandlePrototype(dir);
    const original = proto.writev;
    const gate = deferred();
    const entered = deferred();
    vi.spyOn(proto, 'writev').mockImplementationOnce(async function (
      this: FileHandle,
      ...args: Parameters<FileHandle['writev']>
    ) {
      entered.resolve();
      await gate.promise;
      return original.apply(this, args);
    });
    const commits: number[] = [];
    log.onDurable((lsn) => commits.push(lsn));
    log.append(1, payloadFor(1));
    log.append(1, payloadFor(2));
    await entered.promise;
    const during = log.append(1, payloadFor(3));
    const firstDone = log.whenDurable(2);
    const secondDone = log.whenDurable(during);
    expect(log.durableLsn).toBe(0);
    gate.resolve();
    await firstDone;
    await secondDone;
    expect(commits).toEqual([2, 3]);
    expect((await log.read(1, 10)).map((e) => e.lsn)).toEqual([1, 2, 3]);
    await log.close();
  });

  it('rejects waiters and fails the log when a synced write fails, never advancing durableLsn', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 0 });
    log.append(1, payloadFor(1));
    await log.flush();
    const proto = await fileHandlePrototype(dir);
    const eio = Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    vi.spyOn(proto, 'writev').mockRejectedValueOnce(eio);
    const failures: LogFailedError[] = [];
    log.onFailure((e) => failures.push(e));
    const lsn = log.append(1, payloadFor(2));
    const err = await log.whenDurable(lsn).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LogFailedError);
    expect((err as LogFailedError).cause).toBe(eio);
    expect(failures).toHaveLength(1);
    expect(log.durableLsn).toBe(1);
    expect(log.failed).toBe(err);
    expect(() => log.append(1, payloadFor(3))).toThrow(LogFailedError);
    await expect(log.whenDurable(2)).rejects.toThrow(LogFailedError);
    await expect(log.close()).rejects.toThrow(LogFailedError);
  });

  it('rolls segments only at commit and names each by its first LSN', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 100, groupCommitMs: 0 });
    for (let n = 1; n <= 10; n += 1) log.append(1, new Uint8Array(41)); // 50 bytes per entry
    await log.flush();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual([1, 3, 5, 7, 9].map((l) => `${String(l).padStart(20, '0')}.seg`));
    for (const name of names) expect((await stat(join(dir, name))).size).toBe(100);
    await log.close();
  });

  it('writes a commit of 3,000 entries as one vector of at most 1,024 buffers, in order', async () => {
    const dir = await tempDir();
    const log = await InputLog.open(dir, { segmentBytes: 1 << 20, groupCommitMs: 0 });
    const proto = await fileHandlePrototype(dir);
    const writev = vi.spyOn(proto, 'writev');
    for (let n = 1; n <= 3000; n += 1) log.append(1, payloadFor(n));
    await log.flush();
    expect(writev).toHaveBeenCalledTimes(1);
    expect((writev.mock.calls[0]?.[0] as Uint8Array[]).length).toBeLessThanOrEqual(WRITE_VECTOR_MAX);
    const back = await log.read(1, 3000);
    expect(back.map((e) => e.lsn)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(back.every((e, i) => Buffer.from(e.payload).equals(Buffer.from(payloadFor(i + 1))))).toBe(true);
    await log.close();
  });

  it('leaves a short vector as it is and joins a long one into neighbouring runs', () => {
    const short = [Uint8Array.of(1), Uint8Array.of(2)];
    expect(writeVector(short)).toBe(short);
    const long = Array.from({ length: WRITE_VECTOR_MAX * 2 + 1 }, (_, i) => Uint8Array.of(i & 0xff, i >> 8));
    const joined = writeVector(long);
    expect(joined.length).toBeLessThanOrEqual(WRITE_VECTOR_MAX);
    expect(Buffer.concat(joined).equals(Buffer.concat(long))).toBe(true);
  });

  // A commit is one write that is durable when it returns: the descriptor the log writes through
  // carries O_DSYNC, whether the segment was opened at recovery or by a roll.
  it.runIf(process.platform === 'linux')(
    'writes its active segment through an O_DSYNC descriptor',
    async () => {
      const dir = await tempDir();
      const log = await InputLog.open(dir, { segmentBytes: 100, groupCommitMs: 0 });
      expect(await openFlags(join(dir, `${'1'.padStart(20, '0')}.seg`))).toEqual([expect.any(Number)]);
      for (const flags of await openFlags(join(dir, `${'1'.padStart(20, '0')}.seg`))) {
        expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC);
      }
      for (let n = 1; n <= 3; n += 1) log.append(1, new Uint8Array(41));
      await log.flush();
      const rolled = await openFlags(join(dir, `${'3'.padStart(20, '0')}.seg`));
      expect(rolled).toHaveLength(1);
      expect((rolled[0] as number) & constants.O_DSYNC).toBe(constants.O_DSYNC);
      expect(await openFlags(join(dir, `${'1'.padStart(20, '0')}.seg`))).toEqual([]);
      await log.close();
    },
  );
});

/** The open flags of this process's descriptors on `file` (Linux: /proc/self/fdinfo). */
async function openFlags(file: string): Promise<number[]> {
  const flags: number[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => undefined);
    if (target !== file) continue;
    const info = await readFile(join('/proc/self/fdinfo', fd), 'utf8');
    const m = /^flags:\s+([0-7]+)$/m.exec(info);
    if (m !== null) flags.push(parseInt(m[1] as string, 8));
  }
  return flags;
}
