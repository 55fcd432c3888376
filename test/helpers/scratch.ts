/** Scratch directories and PostgreSQL tables a test file makes, removed after all its tests. */
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { PostgresProbe } from './services.js';

export interface Scratch {
  /** Directories to remove. */
  readonly dirs: string[];
  /** Tables to drop (when the database answered). */
  readonly tables: string[];
}

/** Call at the top of a test file: registers the clean-up with `afterAll`. */
export function scratchAfterAll(probe: PostgresProbe): Scratch {
  const s: Scratch = { dirs: [], tables: [] };
  afterAll(async () => {
    for (const d of s.dirs) await rm(d, { recursive: true, force: true });
    if (!probe.available || s.tables.length === 0) return;
    const client = new pg.Client({ connectionString: probe.url });
    await client.connect();
    for (const t of s.tables) await client.query(`DROP TABLE IF EXISTS ${t}`);
    await client.end();
  });
  return s;
}
