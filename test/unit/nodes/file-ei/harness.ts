/** A file-ei handler over one staged input file, called entry by entry like the runtime does. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileEi, fileEiSettings } from '../../../../src/actors/nodes/ei/file-ei.js';
import { encodeFileEntry, stagedName, stagingDir } from '../../../../src/actors/nodes/ei/file-pickup.js';
import type { NodeHandler } from '../../../../src/actors/runtime/actor.js';
import { nodeEnv, recordingContext, type Recorded } from '../../../helpers/handler-context.js';

export const LSN = 5;

export interface Staged {
  readonly dir: string;
  /** A new handler for the node (restart: a fresh one, then init from a snapshot). */
  handler(): NodeHandler;
  readonly payload: Uint8Array;
  cleanup(): Promise<void>;
}

/** Stages `content` as input file `name` logged at LSN 5, for a node with these settings. */
export async function stage(
  content: string,
  settings: Record<string, unknown>,
  opts: { poolThreads?: number; name?: string } = {},
): Promise<Staged> {
  const dir = await mkdtemp(join(tmpdir(), 'narflow-ei-'));
  const input = join(dir, 'in');
  const name = opts.name ?? 'a.csv';
  await mkdir(input);
  await mkdir(stagingDir(dir), { recursive: true });
  await writeFile(join(stagingDir(dir), stagedName(LSN, name)), content);
  const parsed = fileEiSettings.parse({ inputDir: input, ...settings });
  const env = nodeEnv(dir, { nodeId: 'collect', poolThreads: opts.poolThreads ?? 0 });
  const made: NodeHandler[] = [];
  return {
    dir,
    handler: () => {
      const h = fileEi.create(parsed, env);
      made.push(h);
      return h;
    },
    payload: encodeFileEntry({ name, size: Buffer.byteLength(content) }),
    cleanup: async () => {
      for (const h of made.splice(0)) await h.terminate?.('shutdown');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Calls the handler for the entry until it is done (or `stopAfter` calls); true when done. */
export async function runAll(
  s: Staged,
  h: NodeHandler,
  out: Recorded,
  stopAfter = Infinity,
): Promise<boolean> {
  for (let calls = 0; calls < stopAfter; calls++) {
    const ctx = recordingContext(out, LSN, { nodeId: 'collect', actorDir: s.dir });
    if ((await h.handleExternal?.(s.payload, ctx)) !== 'more') return true;
  }
  return false;
}

/** Quarantine entries as [reason, line]. */
export function reasons(out: Recorded): Array<[string, unknown]> {
  return out.quarantined.map((q) => [q.reason, q.detail?.['line']]);
}
