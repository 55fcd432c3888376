import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../../src/cluster/host/data-dir-lock.js';

let dir = '';
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('data directory lock', () => {
  it('ensures a second lock on the same data directory is refused while the first owner lives', async () => {
    dir = await mkdtemp(join(tmpdir(), 'narflow-lock-'));
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    await writeFile(join(dir, 'narflow.lock'), String(child.pid));
    try {
      await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(lockDataDir(dir)).rejects.toThrow(`in use by narflow pid ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('ensures a lock left by a dead process is taken over, and released on unlock', async () => {
    dir = await mkdtemp(join(tmpdir(), 'narflow-lock-'));
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    await writeFile(join(dir, 'narflow.lock'), String(child.pid));
    const unlock = await lockDataDir(dir);
    expect(await readFile(join(dir, 'narflow.lock'), 'utf8')).toBe(String(process.pid));
    await unlock();
    const again = await lockDataDir(dir);
    await again();
  });
});
