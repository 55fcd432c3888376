import { appendFile, mkdir, open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import {
  QuarantineCorruptError,
  QuarantineFailedError,
  QuarantineUsageError,
} from '../../../src/actors/quarantine/errors.js';
import { QuarantineReader, QuarantineWriter, quarantineFile } from '../../../src/actors/quarantine/store.js';
import { entry, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const opts = { groupCommitMs: 5 };

describe('QuarantineWriter and QuarantineReader', () => {
  it('lists and gets what was appended, with raw bytes, detail and a pending status', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'ei-gtpp-1.0', opts);
    const first = entry(3, 0, { detail: { offset: 20, templateId: 260, big: 2n ** 60n } });
    expect(w.append(first)).toBe(true);
    expect(w.append(entry(3, 1))).toBe(true);
    expect(w.append(entry(7, 0, { reason: 'bad_length' }))).toBe(true);
    await w.flush();
    const reader = new QuarantineReader(dir);
    const all = await reader.list();
    expect(all.map((e) => e.id)).toEqual(['ei-gtpp-1.0:3:0', 'ei-gtpp-1.0:3:1', 'ei-gtpp-1.0:7:0']);
    expect(all[0]).toMatchObject({
      actorId: 'ei-gtpp-1.0',
      position: 3,
      ordinal: 0,
      node: 'ei-gtpp-1',
      source: '10.1.1.7:3386',
      reason: 'ber_truncated',
      detail: { offset: 20, templateId: 260, big: 2n ** 60n },
      timeMs: first.timeMs,
      status: 'pending',
      replayedAtMs: undefined,
    });
    expect(all[0]?.raw).toEqual(first.raw);
    expect(all[1]?.detail).toBeUndefined();
    expect((await reader.get('ei-gtpp-1.0:7:0'))?.reason).toBe('bad_length');
    expect(await reader.get('ei-gtpp-1.0:7:1')).toBeUndefined();
    expect(await reader.get('other.0:1:0')).toBeUndefined();
    await w.close();
  });

  it('drops an append whose key is not greater than the last one held', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'oe-3.1', opts);
    expect(w.append(entry(5, 0))).toBe(true);
    expect(w.append(entry(5, 1))).toBe(true);
    expect(w.append(entry(5, 1))).toBe(false);
    expect(w.append(entry(5, 0))).toBe(false);
    expect(w.append(entry(4, 9))).toBe(false);
    expect(w.append(entry(6, 0))).toBe(true);
    await w.close();
    expect((await new QuarantineReader(dir).list()).map((e) => e.id)).toEqual([
      'oe-3.1:5:0',
      'oe-3.1:5:1',
      'oe-3.1:6:0',
    ]);
  });

  it('recovers the last key on open, so a replay after restart stores nothing twice', async () => {
    const dir = await tempDir();
    const w1 = await QuarantineWriter.open(dir, 'oe-3.1', opts);
    for (const p of [1, 2, 3]) w1.append(entry(p));
    await w1.close();
    const w2 = await QuarantineWriter.open(dir, 'oe-3.1', opts);
    expect(w2.lastKey).toEqual({ position: 3, ordinal: 0 });
    expect(w2.recovery).toEqual({ entries: 3, truncatedBytes: 0, defect: undefined });
    // Replay from a checkpoint at position 2 rejects 2 and 3 again, then goes on to 4.
    expect([2, 3, 4].map((p) => w2.append(entry(p)))).toEqual([false, false, true]);
    await w2.close();
    expect((await new QuarantineReader(dir).list()).map((e) => e.position)).toEqual([1, 2, 3, 4]);
  });

  it('makes appends durable by group commit without an explicit flush', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    w.append(entry(1));
    await w.whenDurable();
    expect((await new QuarantineReader(dir).list()).map((e) => e.id)).toEqual(['a.0:1:0']);
    await w.whenDurable();
    await w.close();
  });

  it('ignores a torn tail when reading and cuts it off when a writer opens', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    w.append(entry(1));
    w.append(entry(2));
    await w.close();
    const file = quarantineFile(dir, 'a.0');
    const whole = (await stat(file)).size;
    await truncate(file, whole - 3);
    expect((await new QuarantineReader(dir).list()).map((e) => e.position)).toEqual([1]);
    const w2 = await QuarantineWriter.open(dir, 'a.0', opts);
    expect(w2.recovery.defect).toBe('length_beyond_end');
    expect(w2.recovery.entries).toBe(1);
    expect(w2.lastKey).toEqual({ position: 1, ordinal: 0 });
    expect(w2.append(entry(2))).toBe(true);
    await w2.close();
    expect((await new QuarantineReader(dir).list()).map((e) => e.position)).toEqual([1, 2]);
  });

  it('treats a short frame header and a bad CRC in the last frame as a torn tail', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    w.append(entry(1));
    w.append(entry(2));
    await w.close();
    const file = quarantineFile(dir, 'a.0');
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    expect((await new QuarantineReader(dir).list()).map((e) => e.position)).toEqual([1]);
    const w2 = await QuarantineWriter.open(dir, 'a.0', opts);
    expect(w2.recovery.defect).toBe('crc_mismatch');
    await w2.close();
    await appendFile(file, new Uint8Array([0, 0, 0]));
    const w3 = await QuarantineWriter.open(dir, 'a.0', opts);
    expect(w3.recovery).toEqual({ entries: 1, truncatedBytes: 3, defect: 'truncated_frame_header' });
    await w3.close();
  });

  it('refuses a file damaged before its last frame, naming the file and offset', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    w.append(entry(1));
    w.append(entry(2));
    await w.close();
    const file = quarantineFile(dir, 'a.0');
    const bytes = await readFile(file);
    bytes[20] = (bytes[20] ?? 0) ^ 0xff; // inside the first frame's payload
    await writeFile(file, bytes);
    await expect(new QuarantineReader(dir).list()).rejects.toThrow(QuarantineCorruptError);
    await expect(QuarantineWriter.open(dir, 'a.0', opts)).rejects.toMatchObject({
      code: 'crc_mismatch',
      offset: 8,
    });
  });

  it('rewrites a file header cut short by a crash right after the file was created', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await writeFile(quarantineFile(dir, 'a.0'), new Uint8Array([0x4e, 0x51, 0x41]));
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    expect(w.recovery).toEqual({ entries: 0, truncatedBytes: 3, defect: 'truncated_file_header' });
    w.append(entry(1));
    await w.close();
    expect((await new QuarantineReader(dir).list()).map((e) => e.id)).toEqual(['a.0:1:0']);
  });

  it('after a failed fsync rejects waiters, refuses appends, and a reopened writer keeps what was durable', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    w.append(entry(1));
    await w.flush();
    const probe = await open(quarantineFile(dir, 'a.0'), 'r');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const spy = vi.spyOn(proto, 'sync').mockRejectedValueOnce(new Error('EIO: i/o error'));
    try {
      w.append(entry(2));
      await expect(w.whenDurable()).rejects.toThrow(QuarantineFailedError);
      expect(() => w.append(entry(3))).toThrow(/failed to write or fsync \(EIO: i\/o error\)/);
      await expect(w.flush()).rejects.toMatchObject({ code: 'write_failed' });
      await expect(w.close()).rejects.toThrow(QuarantineFailedError);
    } finally {
      spy.mockRestore();
    }
    const again = await QuarantineWriter.open(dir, 'a.0', opts);
    expect(again.recovery.entries).toBeGreaterThanOrEqual(1);
    await again.close();
    expect((await new QuarantineReader(dir).list())[0]?.id).toBe('a.0:1:0');
  });

  it('keeps the entry when its detail cannot be encoded', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    w.append(entry(1, 0, { detail: { volume: 2n ** 70n } }));
    await w.close();
    const [e] = await new QuarantineReader(dir).list();
    expect(e?.raw).toEqual(entry(1).raw);
    expect(e?.detail).toEqual({ unencodableDetail: expect.stringMatching(/too large/) });
  });

  it('rejects an actor id that could escape the directory and an entry with an invalid key', async () => {
    const dir = await tempDir();
    await expect(QuarantineWriter.open(dir, '../x', opts)).rejects.toMatchObject({
      code: 'invalid_actor_id',
    });
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    expect(() => w.append(entry(-1))).toThrow(QuarantineUsageError);
    expect(() => w.append(entry(1, 0.5))).toThrow(/ordinal: expected a safe integer >= 0/);
    await w.close();
    expect(() => w.append(entry(1))).toThrow(/closed/);
  });

  it("lists several actors' files together, in actor order", async () => {
    const dir = await tempDir();
    const b = await QuarantineWriter.open(dir, 'oe-3.1', opts);
    const a = await QuarantineWriter.open(dir, 'ei-1.0', opts);
    b.append(entry(1, 0, { node: 'oe-3' }));
    a.append(entry(9, 0, { node: 'ei-1' }));
    a.append(entry(10, 0, { node: 'ei-1' }));
    await Promise.all([a.close(), b.close()]);
    const reader = new QuarantineReader(dir);
    expect(await reader.actors()).toEqual(['ei-1.0', 'oe-3.1']);
    expect((await reader.list()).map((e) => e.id)).toEqual(['ei-1.0:9:0', 'ei-1.0:10:0', 'oe-3.1:1:0']);
  });

  it('filters by node, reason and time', async () => {
    const dir = await tempDir();
    const a = await QuarantineWriter.open(dir, 'ei-1.0', opts);
    const b = await QuarantineWriter.open(dir, 'ei-2.0', opts);
    a.append(entry(1, 0, { node: 'ei-1', reason: 'ber_truncated', timeMs: 100 }));
    a.append(entry(2, 0, { node: 'ei-1', reason: 'bad_length', timeMs: 200 }));
    b.append(entry(1, 0, { node: 'ei-2', reason: 'bad_length', timeMs: 300 }));
    await Promise.all([a.close(), b.close()]);
    const r = new QuarantineReader(dir);
    const ids = async (f: Parameters<QuarantineReader['list']>[0]) => (await r.list(f)).map((e) => e.id);
    expect(await ids({ node: 'ei-1' })).toEqual(['ei-1.0:1:0', 'ei-1.0:2:0']);
    expect(await ids({ reason: 'bad_length' })).toEqual(['ei-1.0:2:0', 'ei-2.0:1:0']);
    expect(await ids({ sinceMs: 200 })).toEqual(['ei-1.0:2:0', 'ei-2.0:1:0']);
    expect(await ids({ node: 'ei-1', reason: 'bad_length', sinceMs: 201 })).toEqual([]);
  });

  it('lists nothing when no actor has quarantined anything yet', async () => {
    const r = new QuarantineReader(await tempDir());
    expect(await r.list()).toEqual([]);
    expect(await r.actors()).toEqual([]);
  });
});

describe('markReplayed', () => {
  it('records replays durably, across a new reader, and keeps the first replay time', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    for (const p of [1, 2, 3]) w.append(entry(p));
    await w.close();
    expect(await new QuarantineReader(dir).markReplayed(['a.0:1:0', 'a.0:3:0'], 5000)).toEqual([
      'a.0:1:0',
      'a.0:3:0',
    ]);
    const r = new QuarantineReader(dir);
    expect(await r.markReplayed(['a.0:3:0', 'a.0:2:0'], 6000)).toEqual(['a.0:2:0']);
    const byId = new Map((await new QuarantineReader(dir).list()).map((e) => [e.id, e]));
    expect(byId.get('a.0:1:0')).toMatchObject({ status: 'replayed', replayedAtMs: 5000 });
    expect(byId.get('a.0:3:0')).toMatchObject({ status: 'replayed', replayedAtMs: 5000 });
    expect(byId.get('a.0:2:0')).toMatchObject({ status: 'replayed', replayedAtMs: 6000 });
    expect((await r.get('a.0:1:0'))?.status).toBe('replayed');
  });

  it('records nothing when an id is unknown or malformed', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    w.append(entry(1));
    await w.close();
    const r = new QuarantineReader(dir);
    await expect(r.markReplayed(['a.0:1:0', 'a.0:9:0'], 1)).rejects.toMatchObject({ code: 'unknown_id' });
    await expect(r.markReplayed(['a.0-1-0'], 1)).rejects.toMatchObject({ code: 'invalid_id' });
    expect((await r.list())[0]?.status).toBe('pending');
  });

  it('tolerates a torn tail in the replay log and appends after it', async () => {
    const dir = await tempDir();
    const w = await QuarantineWriter.open(dir, 'a.0', opts);
    w.append(entry(1));
    w.append(entry(2));
    await w.close();
    const r = new QuarantineReader(dir);
    await r.markReplayed(['a.0:1:0'], 10);
    await appendFile(`${dir}/replayed.log`, new Uint8Array([0, 0, 1, 0, 9]));
    expect((await r.list()).map((e) => e.status)).toEqual(['replayed', 'pending']);
    await r.markReplayed(['a.0:2:0'], 20);
    expect((await r.list()).map((e) => e.replayedAtMs)).toEqual([10, 20]);
  });
});
