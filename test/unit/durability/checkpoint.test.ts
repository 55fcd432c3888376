import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_FILE,
  CHECKPOINT_PREV_FILE,
  CHECKPOINT_TMP_FILE,
  CheckpointStore,
  decodeCheckpointFile,
  encodeCheckpointFile,
} from '../../../src/actors/durability/checkpoint.js';
import { CheckpointCorruptError } from '../../../src/actors/durability/errors.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const text = (s: string) => new TextEncoder().encode(s);

async function corrupt(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0x5a;
  await writeFile(path, bytes);
}

describe('CheckpointStore', () => {
  it('returns undefined and reports none when no checkpoint was ever saved', async () => {
    const store = new CheckpointStore(join(await tempDir(), 'ckpt'));
    expect(await store.load()).toBeUndefined();
    expect(store.lastLoad).toEqual({ source: 'none' });
  });

  it('loads the bytes it saved, from a fresh store over the same directory', async () => {
    const dir = join(await tempDir(), 'ckpt');
    await new CheckpointStore(dir).save(text('state at 42'));
    const store = new CheckpointStore(dir);
    const loaded = await store.load();
    expect(loaded).toEqual(text('state at 42'));
    expect(loaded?.byteLength).toBe(loaded?.buffer.byteLength);
    expect(store.lastLoad).toEqual({ source: 'current' });
  });

  it('replaces the checkpoint atomically and keeps the previous one as checkpoint.prev', async () => {
    const dir = await tempDir();
    const store = new CheckpointStore(dir);
    await store.save(text('first'));
    await store.save(text('second'));
    expect(await store.load()).toEqual(text('second'));
    expect((await readdir(dir)).sort()).toEqual([CHECKPOINT_FILE, CHECKPOINT_PREV_FILE]);
    expect(decodeCheckpointFile(await readFile(join(dir, CHECKPOINT_PREV_FILE)), 'prev')).toEqual(
      text('first'),
    );
  });

  it('falls back to the previous checkpoint when the current one is corrupt, and says so', async () => {
    const dir = await tempDir();
    const store = new CheckpointStore(dir);
    await store.save(text('older'));
    await store.save(text('newer'));
    await corrupt(join(dir, CHECKPOINT_FILE), 18);
    expect(await store.load()).toEqual(text('older'));
    expect(store.lastLoad?.source).toBe('previous');
    expect(store.lastLoad?.fallbackReason).toBeInstanceOf(CheckpointCorruptError);
    expect(store.lastLoad?.fallbackReason).toMatchObject({ code: 'crc_mismatch' });
  });

  it('falls back to the previous checkpoint when a crash left no current one between the renames', async () => {
    const dir = await tempDir();
    const store = new CheckpointStore(dir);
    await store.save(text('older'));
    await store.save(text('newer'));
    await rm(join(dir, CHECKPOINT_FILE));
    expect(await store.load()).toEqual(text('older'));
    expect(store.lastLoad).toEqual({ source: 'previous', fallbackReason: 'missing' });
  });

  it('throws CheckpointCorruptError when both the current and the previous checkpoint are corrupt', async () => {
    const dir = await tempDir();
    const store = new CheckpointStore(dir);
    await store.save(text('older'));
    await store.save(text('newer'));
    await corrupt(join(dir, CHECKPOINT_FILE), 0);
    await corrupt(join(dir, CHECKPOINT_PREV_FILE), 17);
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect(err).toMatchObject({ code: 'bad_magic', previous: { code: 'crc_mismatch' } });
  });

  it('throws CheckpointCorruptError for a corrupt checkpoint with no previous one', async () => {
    const dir = await tempDir();
    const store = new CheckpointStore(dir);
    await store.save(text('only'));
    await corrupt(join(dir, CHECKPOINT_FILE), 17);
    await expect(store.load()).rejects.toMatchObject({ name: 'CheckpointCorruptError', previous: 'missing' });
  });

  it('detects a torn (truncated) checkpoint file instead of using it', async () => {
    const dir = await tempDir();
    const store = new CheckpointStore(dir);
    await store.save(text('a checkpoint of some length'));
    const bytes = await readFile(join(dir, CHECKPOINT_FILE));
    await writeFile(join(dir, CHECKPOINT_FILE), bytes.subarray(0, bytes.length - 5));
    await expect(store.load()).rejects.toMatchObject({ code: 'length_mismatch' });
    await writeFile(join(dir, CHECKPOINT_FILE), bytes.subarray(0, 7));
    await expect(store.load()).rejects.toMatchObject({ code: 'truncated' });
  });

  it('ignores a checkpoint.tmp left by a crash between the temp write and the rename', async () => {
    const dir = await tempDir();
    const store = new CheckpointStore(dir);
    await store.save(text('committed'));
    await writeFile(join(dir, CHECKPOINT_TMP_FILE), encodeCheckpointFile(text('never committed')));
    expect(await store.load()).toEqual(text('committed'));
    expect(store.lastLoad).toEqual({ source: 'current' });
    await writeFile(join(dir, CHECKPOINT_TMP_FILE), new Uint8Array([1, 2, 3]));
    expect(await store.load()).toEqual(text('committed'));
    await store.save(text('next'));
    expect(await store.load()).toEqual(text('next'));
    expect(await readdir(dir)).not.toContain(CHECKPOINT_TMP_FILE);
  });

  it('ignores a checkpoint.tmp when no checkpoint was ever committed', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, CHECKPOINT_TMP_FILE), encodeCheckpointFile(text('never committed')));
    const store = new CheckpointStore(dir);
    expect(await store.load()).toBeUndefined();
  });

  it('round-trips an empty payload and rejects an unknown format version', () => {
    expect(decodeCheckpointFile(encodeCheckpointFile(new Uint8Array(0)), 'x')).toEqual(new Uint8Array(0));
    const file = encodeCheckpointFile(text('v'));
    file[5] = 2;
    expect(() => decodeCheckpointFile(file, 'x')).toThrow(/expected version 1, got 2/);
  });
});
