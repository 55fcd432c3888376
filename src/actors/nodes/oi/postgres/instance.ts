/**
 * The OI's instance id: random, made once per actor directory and kept in `pg-oi-instance`
 * (written to a temp file, fsynced, renamed, directory fsynced). Progress rows are keyed by it, so
 * an actor whose data directory was wiped — and whose input positions restart at 1 — gets a new
 * id and a new progress row instead of skipping its new input as already written.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresOiError } from './errors.js';

export const INSTANCE_FILE = 'pg-oi-instance';
const INSTANCE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isInstanceId(value: unknown): value is string {
  return typeof value === 'string' && INSTANCE_ID.test(value);
}

/** The id stored in `actorDir`, or undefined when there is none yet. */
export function readInstance(actorDir: string): string | undefined {
  const file = join(actorDir, INSTANCE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const id = text.trim();
  if (!isInstanceId(id)) {
    throw new PostgresOiError(
      'bad_instance_file',
      `${file}: expected a UUID written by narflow, got ${JSON.stringify(text.slice(0, 80))}; ` +
        'remove the file only together with the actor directory (a new id writes all input again)',
    );
  }
  return id;
}

export function writeInstance(actorDir: string, id: string): void {
  mkdirSync(actorDir, { recursive: true });
  const file = join(actorDir, INSTANCE_FILE);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${id}\n`);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(actorDir, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * The id to use: the checkpoint's (it travels with the actor's state), else the file's, else a new
 * one. Whatever is chosen is in the file when this returns.
 */
export function resolveInstance(actorDir: string, fromSnapshot: string | undefined): string {
  const stored = readInstance(actorDir);
  const id = fromSnapshot ?? stored ?? randomUUID();
  if (id !== stored) writeInstance(actorDir, id);
  return id;
}
