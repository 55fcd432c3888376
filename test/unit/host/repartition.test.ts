/**
 * Moving an order enhancer's key groups with their state on disk: the journal, its recovery after
 * a crash at each step, quiescence, and what each actor slot keeps.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputLog } from '../../../src/actors/durability/input-log.js';
import { loadRegistry } from '../../../src/actors/nodes/load.js';
import type { OrderEnhancerSnapshot } from '../../../src/actors/nodes/oe/snapshot.js';
import type { NodeTypeRegistry } from '../../../src/actors/nodes/registry.js';
import { keyGroupOf } from '../../../src/actors/routing/key-groups.js';
import {
  actorCheckpointStore,
  encodeCheckpoint,
  loadActorCheckpoint,
  type CheckpointContent,
} from '../../../src/actors/runtime/checkpoint-content.js';
import { ENTRY_TICK, encodeTick } from '../../../src/actors/runtime/entries.js';
import { emptyLedger, ledgerImbalance } from '../../../src/actors/runtime/ledger.js';
import {
  LayoutFileError,
  placementOf,
  readLayout,
  writeLayout,
} from '../../../src/cluster/host/key-group-layout.js';
import type { HostPlan } from '../../../src/cluster/host/plan.js';
import {
  applyJournal,
  Repartitioner,
  writeJournal,
  type LayoutChange,
} from '../../../src/cluster/host/repartition.js';
import { cdr, last, Run, T0 } from '../nodes/order-enhancer/harness.js';

const KEY_GROUPS = 64;
const SESSION = ['chargingId', 'ggsnAddress'];
const silent = pino({ level: 'silent' });
let dir = '';
let registry: NodeTypeRegistry;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'narflow-repartition-'));
  registry = await loadRegistry([]);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function plan(partitions: number, virtualNodes = 128, dataDir = dir): HostPlan {
  return {
    hostId: 'h',
    dataDir,
    plugins: [],
    runtime: { segmentBytes: 1 << 20 } as HostPlan['runtime'],
    startTimeoutMs: 1000,
    root: { strategy: 'one_for_one', intensity: 1, period: 5 },
    pipeline: { strategy: 'one_for_one', intensity: 1, period: 5 },
    metrics: { enabled: false, host: '127.0.0.1', port: 0 },
    nodes: [
      {
        id: 'collect',
        type: 'file-ei',
        kind: 'EI',
        partitions: 1,
        settings: {},
        restart: 'permanent',
        shutdown: 1000,
        poisonAfter: 3,
        destinations: [
          {
            to: ['dedup'],
            channel: 'default',
            routing: { type: 'session', attributes: SESSION, keyGroups: KEY_GROUPS, virtualNodes },
          },
        ],
      },
      {
        id: 'dedup',
        type: 'order-enhancer-oe',
        kind: 'OE',
        partitions,
        settings: registry.get('order-enhancer-oe')?.settings.parse({ keyGroups: KEY_GROUPS }),
        restart: 'permanent',
        shutdown: 1000,
        poisonAfter: 3,
        destinations: [{ to: ['deliver'], channel: 'default', routing: { type: 'all' } }],
      },
    ],
  } as unknown as HostPlan;
}

const actorDir = (node: string, p: number, base = dir) => join(base, 'actors', node, String(p));

async function readCheckpoint(node: string, p: number, base = dir): Promise<CheckpointContent | undefined> {
  return loadActorCheckpoint(actorDir(node, p, base));
}

/**
 * State of `partitions` order-enhancer actors behind session routing, as checkpoints that cover
 * their whole (empty) logs: 40 sessions, half of them closed, the rest holding records.
 */
async function seed(partitions: number, base = dir): Promise<number> {
  const owner = placementOf(
    'dedup',
    { partitions, keyGroups: KEY_GROUPS, virtualNodes: 128 },
    partitions,
  ).ownerOf;
  const runs = Array.from({ length: partitions }, () => new Run({ keyGroups: KEY_GROUPS }).tick(T0));
  let held = 0;
  for (let s = 1; s <= 40; s++) {
    const records = s % 2 === 0 ? [cdr(s, 1), last(s, 2)] : [cdr(s, 1), cdr(s, 3)];
    const g = keyGroupOf(`${s}\u000110.0.0.1`, KEY_GROUPS);
    runs[owner[g] as number]?.batch(...records);
    if (s % 2 === 1) held += 2;
  }
  for (const [p, run] of runs.entries()) {
    const content: CheckpointContent = {
      version: 1,
      position: 7,
      state: run.handler.snapshot(),
      outputs: { next: { 'deliver.0': 10 + p }, routers: [null] },
      outputSpecs: [{ channel: 'default', routing: { type: 'all' }, targets: ['deliver.0'] }],
      processedMarks: { 'collect.0': 100 + p },
      ledger: {
        ...emptyLedger(),
        in: run.inCount,
        out: run.emitted.length,
        duplicates: run.out.counts.duplicates,
        held: run.handler.held(),
      },
      quarantinedByReason: {},
      duplicatesByReason: {},
      quarantineOrdinal: 0,
    };
    expect(ledgerImbalance(content.ledger)).toBe(0);
    const store = actorCheckpointStore(actorDir('dedup', p, base));
    await store.save(encodeCheckpoint(content));
    await store.save(encodeCheckpoint(content)); // leaves a .prev too, as a running actor would
  }
  return held;
}

/** Key groups each slot's snapshot holds. */
function groupsOf(c: CheckpointContent | undefined): number[] {
  return ((c?.state as OrderEnhancerSnapshot | null)?.groups ?? []).map(([g]) => g);
}

describe('repartition on disk', () => {
  it('ensures 4 → 3 actors puts each key group on the actor the new ring gives it and keeps positions, marks and output sequences', async () => {
    const held = await seed(4);
    const r = new Repartitioner(registry, dir, silent);
    const changes = await r.changesOnDisk(plan(3));
    expect(changes).toEqual([
      {
        node: 'dedup',
        from: { partitions: 4, keyGroups: KEY_GROUPS, virtualNodes: 128 },
        to: { partitions: 3, keyGroups: KEY_GROUPS, virtualNodes: 128 },
      },
    ]);
    const [summary] = await r.migrate(r.withOldLayouts(plan(3), changes), plan(3), changes);
    expect(summary?.slots).toBe(4);
    expect(summary?.recordsMoved).toBeGreaterThan(0);
    expect(summary?.keyGroupsMoved).toBeGreaterThan(0);
    const owner = placementOf(
      'dedup',
      { partitions: 3, keyGroups: KEY_GROUPS, virtualNodes: 128 },
      3,
    ).ownerOf;
    let total = 0;
    let movedIn = 0;
    let movedOut = 0;
    for (let p = 0; p < 4; p++) {
      const c = await readCheckpoint('dedup', p);
      expect(c?.position).toBe(7);
      expect(c?.processedMarks).toEqual({ 'collect.0': 100 + p });
      expect(c?.outputs.next).toEqual({ 'deliver.0': 10 + p });
      for (const g of groupsOf(c)) expect(owner[g], `key group ${g} on slot ${p}`).toBe(p);
      expect(ledgerImbalance(c?.ledger ?? emptyLedger()), `ledger of slot ${p}`).toBe(0);
      total += c?.ledger.held ?? 0;
      movedIn += c?.ledger.movedIn ?? 0;
      movedOut += c?.ledger.movedOut ?? 0;
      expect(await readdir(join(actorDir('dedup', p), 'checkpoint'))).toEqual(['checkpoint']);
    }
    expect(total).toBe(held);
    expect(movedIn).toBe(movedOut);
    expect(movedOut).toBe(summary?.recordsMoved);
    // The retired slot keeps its directory, empty.
    expect(groupsOf(await readCheckpoint('dedup', 3))).toEqual([]);
    expect(await readLayout(dir, 'dedup')).toEqual({
      partitions: 3,
      keyGroups: KEY_GROUPS,
      virtualNodes: 128,
    });
    expect((await readdir(join(dir, 'actors', 'dedup'))).sort()).toEqual(['0', '1', '2', '3', 'layout.json']);
    expect(await r.changesOnDisk(plan(3))).toEqual([]);
  });

  it('ensures new actor slots start empty with the node outputs, and a retired slot that comes back resumes its sequences', async () => {
    await seed(4);
    const r = new Repartitioner(registry, dir, silent);
    const down = await r.changesOnDisk(plan(2));
    await r.migrate(r.withOldLayouts(plan(2), down), plan(2), down);
    const up = await r.changesOnDisk(plan(6, 32));
    expect(up[0]?.from).toEqual({ partitions: 2, keyGroups: KEY_GROUPS, virtualNodes: 128 });
    await r.migrate(r.withOldLayouts(plan(6, 32), up), plan(6, 32), up);
    const back = await readCheckpoint('dedup', 3);
    expect(back?.outputs.next).toEqual({ 'deliver.0': 13 });
    expect(back?.position).toBe(7);
    const fresh = await readCheckpoint('dedup', 5);
    expect(fresh?.position).toBe(1);
    expect(fresh?.outputs.next).toEqual({});
    expect(fresh?.processedMarks).toEqual({});
    expect(fresh?.outputSpecs).toEqual([
      { channel: 'default', routing: { type: 'all' }, targets: ['deliver.0'] },
    ]);
    const owner = placementOf('dedup', { partitions: 6, keyGroups: KEY_GROUPS, virtualNodes: 32 }, 6).ownerOf;
    const seen: number[] = [];
    for (let p = 0; p < 6; p++) {
      const c = await readCheckpoint('dedup', p);
      for (const g of groupsOf(c)) expect(owner[g]).toBe(p);
      seen.push(...groupsOf(c));
      expect(ledgerImbalance(c?.ledger ?? emptyLedger())).toBe(0);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('ensures nothing moves while an actor of the node or upstream of it has input its checkpoint does not cover', async () => {
    await seed(4);
    const before = await readCheckpoint('dedup', 1);
    // An upstream actor with two entries after its checkpoint (it has none: position 1).
    const log = await InputLog.open(join(actorDir('collect', 0), 'log'), {
      segmentBytes: 1 << 20,
      groupCommitMs: 0,
    });
    log.append(ENTRY_TICK, encodeTick(T0));
    log.append(ENTRY_TICK, encodeTick(T0 + 1));
    await log.close();
    const r = new Repartitioner(registry, dir, silent);
    const changes = await r.changesOnDisk(plan(3));
    const old = r.withOldLayouts(plan(3), changes);
    expect(await r.unquiescent(old, changes)).toEqual([
      `${actorDir('collect', 0)}: input entries 1–2 are not covered by its checkpoint`,
    ]);
    await expect(r.migrate(old, plan(3), changes)).rejects.toMatchObject({ code: 'not_quiescent' });
    expect(await readCheckpoint('dedup', 1)).toEqual(before);
    expect(await readLayout(dir, 'dedup')).toBeUndefined();
  });

  it('ensures a crash after the journal commit is finished at the next start, and one before it leaves the old state', async () => {
    await seed(4);
    const twin = join(dir, 'twin');
    await mkdir(twin);
    await cp(join(dir, 'actors'), join(twin, 'actors'), { recursive: true });
    const change: LayoutChange = {
      node: 'dedup',
      from: { partitions: 4, keyGroups: KEY_GROUPS, virtualNodes: 128 },
      to: { partitions: 5, keyGroups: KEY_GROUPS, virtualNodes: 128 },
    };
    const dedup = plan(5).nodes[1] as HostPlan['nodes'][number];
    // Undisturbed, in the twin.
    await writeJournal(registry, twin, dedup, change);
    await applyJournal(twin, 'dedup');

    // Crash before the commit: the journal is still the temporary directory.
    await writeJournal(registry, dir, dedup, change);
    await rename(
      join(dir, 'actors', 'dedup', 'repartition'),
      join(dir, 'actors', 'dedup', 'repartition.tmp'),
    );
    const before = await readCheckpoint('dedup', 0);
    await new Repartitioner(registry, dir, silent).recover();
    expect(await readCheckpoint('dedup', 0)).toEqual(before);
    expect(await readdir(join(dir, 'actors', 'dedup'))).not.toContain('repartition.tmp');
    expect(await readLayout(dir, 'dedup')).toBeUndefined();

    // Crash after the commit, with one slot installed and its old checkpoint still beside it.
    await writeJournal(registry, dir, dedup, change);
    const one = await readFile(join(dir, 'actors', 'dedup', 'repartition', '2.ckpt'));
    await writeFile(join(actorDir('dedup', 2), 'checkpoint', 'checkpoint'), one);
    await new Repartitioner(registry, dir, silent).recover();
    for (let p = 0; p < 5; p++) {
      expect(await readCheckpoint('dedup', p), `slot ${p}`).toEqual(await readCheckpoint('dedup', p, twin));
    }
    expect(await readLayout(dir, 'dedup')).toEqual(change.to);
    expect(await readdir(join(dir, 'actors', 'dedup'))).not.toContain('repartition');
  });

  it('ensures layouts: recorded, inferred from actor directories when none is, and one actor is one actor whatever its key groups', async () => {
    const r = new Repartitioner(registry, dir, silent);
    expect(await r.changesOnDisk(plan(4))).toEqual([]);
    await seed(2);
    expect((await r.changesOnDisk(plan(2))).length).toBe(0);
    // Without a recorded layout, the ring of state kept before layouts were recorded is assumed unchanged.
    expect(await r.changesOnDisk(plan(2, 64))).toEqual([]);
    expect((await r.changesOnDisk(plan(3, 64))).map((c) => c.from)).toEqual([
      { partitions: 2, keyGroups: KEY_GROUPS, virtualNodes: 64 },
    ]);
    await r.recordLayouts(plan(2));
    expect((await r.changesOnDisk(plan(2, 64))).map((c) => c.from)).toEqual([
      { partitions: 2, keyGroups: KEY_GROUPS, virtualNodes: 128 },
    ]);
    await writeLayout(dir, 'dedup', { partitions: 1, keyGroups: 16, virtualNodes: 8 });
    const one = plan(1);
    expect(await r.changesOnDisk(one)).toEqual([]);
    expect(r.changesBetween(plan(1, 8), plan(1, 64))).toEqual([]);
    expect(r.changesBetween(plan(2, 8), plan(2, 64)).length).toBe(1);
    await writeFile(join(dir, 'actors', 'dedup', 'layout.json'), '{"version":1,"partitions":0}');
    await expect(r.changesOnDisk(one)).rejects.toThrow(LayoutFileError);
    await expect(r.changesOnDisk(one)).rejects.toThrow(
      `${join(dir, 'actors', 'dedup', 'layout.json')}: expected { version: 1, partitions ≥ 1, keyGroups ≥ 1, virtualNodes ≥ 1 }`,
    );
  });

  it('ensures the old-layout plan gives the node its old partitions and the edges into it the old ring', () => {
    const r = new Repartitioner(registry, dir, silent);
    const changes: LayoutChange[] = [
      {
        node: 'dedup',
        from: { partitions: 2, keyGroups: 256, virtualNodes: 16 },
        to: { partitions: 5, keyGroups: KEY_GROUPS, virtualNodes: 128 },
      },
    ];
    const old = r.withOldLayouts(plan(5), changes);
    expect(old.nodes[1]?.partitions).toBe(2);
    expect(old.nodes[0]?.destinations[0]?.routing).toEqual({
      type: 'session',
      attributes: SESSION,
      keyGroups: 256,
      virtualNodes: 16,
    });
    expect(plan(5).nodes[0]?.destinations[0]?.routing).toMatchObject({ keyGroups: KEY_GROUPS });
    // Shrinking to one actor, the new plan may route into it any way; the old actors still need
    // their session routing.
    const toOne = plan(1);
    (toOne.nodes[0]?.destinations[0] as { routing: unknown }).routing = { type: 'round-robin' };
    const back = r.withOldLayouts(toOne, changes);
    expect(back.nodes[0]?.destinations[0]?.routing).toEqual({
      type: 'session',
      attributes: SESSION,
      keyGroups: 256,
      virtualNodes: 16,
    });
  });
});
