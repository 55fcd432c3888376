/** Builds `enhance-ep` handlers from plain settings (as the config would give them) and runs batches. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { enhanceEp } from '../../../../src/actors/nodes/ep/enhance.js';
import { enhanceSettings, type EnhanceSettings } from '../../../../src/actors/nodes/ep/rules/schema.js';
import type { NodeHandler } from '../../../../src/actors/runtime/actor.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../../helpers/handler-context.js';

/** Settings as the config loader hands them to `create`: parsed, table paths resolved against `dir`. */
export async function settingsFor(raw: unknown, dir = '/nonexistent'): Promise<EnhanceSettings> {
  const parsed = enhanceSettings.parse(raw);
  return enhanceEp.resolveFiles ? enhanceEp.resolveFiles(parsed, dir) : parsed;
}

export async function enhancer(raw: unknown, dir?: string): Promise<NodeHandler> {
  const h = enhanceEp.create(
    await settingsFor(raw, dir),
    nodeEnv(dir ?? '/nonexistent', { nodeId: 'enhance' }),
  );
  await h.init(undefined);
  return h;
}

/** Runs one batch through the handler (the records are copied first) and returns what it did. */
export async function runBatch(h: NodeHandler, records: readonly Nar[], out = recorded()): Promise<Recorded> {
  await h.handleBatch(
    records.map((r) => ({ ...r })),
    recordingContext(out, 1, { nodeId: 'enhance' }),
  );
  return out;
}

/** Shorthand: a handler with these rules, one batch, what came out. */
export async function enhance(rules: unknown[], records: readonly Nar[], dir?: string): Promise<Recorded> {
  return runBatch(await enhancer({ rules }, dir), records);
}

export interface TempDir {
  readonly dir: string;
  write(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'narflow-enhance-'));
  return {
    dir,
    async write(name, text) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The table of seed 002's IP-to-group example, verbatim (tab separated). */
export const SEED_TABLE = [
  '192.235.34.1\t192.235.34.10\t1',
  '192.235.34.11\t192.235.34.20\t2',
  '192.235.34.21\t192.235.34.40\t4',
  '192.235.34.41\t192.235.37.60\t6',
  '',
].join('\n');
