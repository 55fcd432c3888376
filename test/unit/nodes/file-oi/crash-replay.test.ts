/**
 * A crashed file OI restarts from its last durable checkpoint and replays its input log: the files
 * it writes must have the same names and contents as an undisturbed run, with none added or lost.
 * Handler A handles the entries and "crashes" (is dropped without drain) after entry m; handler B
 * starts from the snapshot of a checkpoint A requested before that (the last one, or the one before
 * it, as when the crash came between a commit's rename and its checkpoint), and replays the entries
 * after that checkpoint.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileOi, fileOiSettings } from '../../../../src/actors/nodes/oi/file-oi.js';
import type { HandlerContext, NodeHandler } from '../../../../src/actors/runtime/actor.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../../helpers/handler-context.js';
import { prng } from '../../../helpers/narflow-process.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

type Entry = { readonly batch: Nar[] } | { readonly tick: number };

const T0 = Date.UTC(2026, 10, 24, 10, 15, 0);

/** Batches of 1–4 records between ticks 400 ms apart; some values are too wide for fixed-width. */
function entries(seed: number): Entry[] {
  const rnd = prng(seed);
  const out: Entry[] = [];
  let id = 0;
  let now = T0;
  for (let i = 0; i < 60; i++) {
    if (rnd() < 0.3) {
      now += 400;
      out.push({ tick: now });
      continue;
    }
    const batch: Nar[] = [];
    for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) {
      id++;
      batch.push({
        imsi: `2620100000${String(id).padStart(5, '0')}`,
        uplinkBytes: BigInt(id * 977),
        apn: id % 13 === 0 ? 'a-very-long-apn' : 'internet',
      });
    }
    out.push({ batch });
  }
  return out;
}

const FORMATS = {
  csv: { rules: [{ column: 'IMSI', attribute: 'imsi' }, { attribute: 'uplinkBytes' }, { attribute: 'apn' }] },
  'fixed-width': {
    format: 'fixed-width',
    rules: [
      { attribute: 'imsi', width: 15 },
      { attribute: 'uplinkBytes', width: 10, align: 'right', pad: '0' },
      { attribute: 'apn', width: 8 },
    ],
  },
} as const;

interface Run {
  readonly h: NodeHandler;
  readonly ctx: HandlerContext;
  readonly out: Recorded;
  /** Snapshot after each entry that requested a checkpoint: [entry index, snapshot]. */
  readonly checkpoints: Array<[number, unknown]>;
}

function start(dir: string, format: keyof typeof FORMATS, snapshot: unknown): Run {
  const s = fileOiSettings.parse({
    dir,
    rollRecords: 7,
    rollBytes: 400,
    rollIntervalMs: 1000,
    ...FORMATS[format],
  });
  const h = fileOi.create(s, nodeEnv(dir, { nodeId: 'deliver', partition: 0 }));
  h.init(snapshot);
  const out = recorded();
  return { h, out, ctx: recordingContext(out, 1, { nodeId: 'deliver', actorDir: dir }), checkpoints: [] };
}

/** Handles entries [from, to); the runtime checkpoints after an entry that requested it. */
async function handle(run: Run, list: readonly Entry[], from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const e = list[i] as Entry;
    const before = run.out.checkpointRequests;
    if ('tick' in e) await run.h.handleTick(e.tick, run.ctx);
    else
      await run.h.handleBatch(
        e.batch.map((r) => ({ ...r })),
        run.ctx,
      );
    if (run.out.checkpointRequests > before) run.checkpoints.push([i, structuredClone(run.h.snapshot())]);
  }
}

async function files(dir: string): Promise<Array<[string, string]>> {
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  return Promise.all(
    names.map(async (n): Promise<[string, string]> => [n, await readFile(join(dir, n), 'utf8')]),
  );
}

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'narflow-oi-crash-'));
  dirs.push(d);
  return d;
}

describe.each(['csv', 'fixed-width'] as const)('file-oi crash and replay (%s)', (format) => {
  it('ensures a handler restarted from an earlier checkpoint rewrites the same file names and contents, none added or lost', async () => {
    const list = entries(format === 'csv' ? 11 : 12);
    const refDir = await tempDir();
    const ref = start(refDir, format, undefined);
    await handle(ref, list, 0, list.length);
    await ref.h.drain?.(ref.ctx);
    ref.h.terminate?.('shutdown');
    const expected = await files(refDir);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(new Set(expected.map(([n]) => n.slice(0, 'deliver-0-'.length + 14))).size).toBeGreaterThan(1);
    if (format === 'fixed-width') expect(ref.out.quarantined.length).toBeGreaterThan(0);

    let restarts = 0;
    for (let crashAfter = 0; crashAfter < list.length; crashAfter += 3) {
      for (const lost of [0, 1]) {
        const dir = await tempDir();
        const a = start(dir, format, undefined);
        await handle(a, list, 0, crashAfter + 1);
        a.h.terminate?.('crash');
        const cp = a.checkpoints[a.checkpoints.length - 1 - lost];
        const b = start(dir, format, cp?.[1]);
        await handle(b, list, cp === undefined ? 0 : cp[0] + 1, list.length);
        await b.h.drain?.(b.ctx);
        b.h.terminate?.('shutdown');
        expect(await files(dir), `crash after entry ${crashAfter}, ${lost} checkpoint(s) lost`).toEqual(
          expected,
        );
        restarts++;
      }
    }
    expect(restarts).toBeGreaterThan(30);
  });
});
