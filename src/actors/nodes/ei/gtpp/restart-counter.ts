import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from '../../../durability/fs-util.js';

/** The gateway's restart counter (Recovery IE): one more at every start, kept in the actor directory. */
export async function bumpRestartCounter(actorDir: string): Promise<number> {
  const file = join(actorDir, 'gtpp-restart-counter');
  let n = 0;
  try {
    n = Number((await readFile(file, 'utf8')).trim()) || 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const next = (n + 1) & 0xff;
  await writeFileDurably(file, new TextEncoder().encode(`${next}\n`));
  return next;
}
