/**
 * Repartitioning an order enhancer: the time the pipeline stays paused while key groups move with
 * their state, on state of production size. Four actors behind session routing hold 1,000,000
 * closed sessions (the processed-session window) and 20,000 open sessions of 3 benchmark records;
 * their checkpoints are written to a data directory, then moved from 4 to 6 actors (load, join,
 * cut by the new ring, journal with fsync, install). Baseline in the same run: loading and saving
 * the same checkpoints unchanged, the least any move of that state must cost. Best of three.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadRegistry } from '../src/actors/nodes/load.js';
import { withHeldRecords, type OrderEnhancerSnapshot } from '../src/actors/nodes/oe/snapshot.js';
import type { NodeTypeRegistry } from '../src/actors/nodes/registry.js';
import type { HandlerContext, NodeHandler } from '../src/actors/runtime/actor.js';
import { keyGroupOf, sessionKey } from '../src/actors/routing/key-groups.js';
import {
  actorCheckpointStore,
  decodeCheckpoint,
  encodeCheckpoint,
  loadActorCheckpoint,
} from '../src/actors/runtime/checkpoint-content.js';
import { emptyLedger } from '../src/actors/runtime/ledger.js';
import { placementOf } from '../src/cluster/host/key-group-layout.js';
import { actorDirOf, type HostPlan } from '../src/cluster/host/plan.js';
import { Repartitioner } from '../src/cluster/host/repartition.js';
import type { Nar } from '../src/protocols/nar/nar.js';
import { closedSession } from './order-enhancer-state.js';
import { makeRecord } from './records.js';
import { BenchError } from './stats.js';

export interface RepartitionBenchResult {
  readonly processedSessions: number;
  readonly openSessions: number;
  readonly checkpointBytes: number;
  /** Milliseconds to move the state from 4 to 6 actors (best of three). */
  readonly moveMs: number;
  /** Milliseconds to load and save the same checkpoints unchanged (best of three). */
  readonly baselineMs: number;
  readonly keyGroupsMoved: number;
  readonly recordsMoved: number;
}

const PROCESSED = 1_000_000;
const OPEN = 20_000;
const KEY_GROUPS = 1024;
const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const ATTRS = ['chargingId', 'ggsnAddress'];
const silent = pino({ level: 'silent' });

function plan(dataDir: string, partitions: number, registry: NodeTypeRegistry): HostPlan {
  const node = (
    id: string,
    type: string,
    kind: string,
    p: number,
    settings: unknown,
    to: string[],
    routing: unknown,
  ) => ({
    id,
    type,
    kind,
    partitions: p,
    settings,
    restart: 'permanent',
    shutdown: 1000,
    poisonAfter: 3,
    destinations: to.length === 0 ? [] : [{ to, channel: 'default', routing }],
  });
  return {
    hostId: 'bench',
    dataDir,
    plugins: [],
    runtime: { segmentBytes: 64 << 20 },
    nodes: [
      node('collect', 'file-ei', 'EI', 1, {}, ['dedup'], {
        type: 'session',
        attributes: ATTRS,
        keyGroups: KEY_GROUPS,
        virtualNodes: 128,
      }),
      node(
        'dedup',
        'order-enhancer-oe',
        'OE',
        partitions,
        registry.get('order-enhancer-oe')?.settings.parse({
          maxProcessedSessions: 2 * PROCESSED,
          maxOpenSessions: 2 * OPEN,
        }),
        [],
        undefined,
      ),
    ],
  } as unknown as HostPlan;
}

function context(): HandlerContext {
  const fail = (what: string) => () => {
    throw new BenchError('output_mismatch', `repartition bench: unexpected ${what}`);
  };
  return {
    nodeId: 'dedup',
    actorId: 'dedup.0',
    partition: 0,
    partitions: 4,
    actorDir: '/nonexistent',
    log: silent,
    position: 0,
    emit: () => undefined,
    quarantine: fail('quarantine'),
    duplicate: fail('duplicate'),
    count: () => undefined,
    requestCheckpoint: () => undefined,
    alarm: (name, raised) => {
      if (raised) throw new BenchError('output_mismatch', `repartition bench: alarm ${name}`);
    },
  };
}

/** Checkpoints of 4 actors holding the benchmark state, written under `dataDir`. */
async function seed(dataDir: string, registry: NodeTypeRegistry): Promise<number> {
  const type = registry.get('order-enhancer-oe');
  if (type === undefined) throw new BenchError('output_mismatch', 'order-enhancer-oe is not registered');
  const settings = plan(dataDir, 4, registry).nodes[1]?.settings;
  const owner = placementOf('dedup', { partitions: 4, keyGroups: KEY_GROUPS, virtualNodes: 128 }, 4).ownerOf;
  const handlers: NodeHandler[] = [];
  for (let p = 0; p < 4; p++) {
    const h = type.create(settings, {
      nodeId: 'dedup',
      actorId: `dedup.${p}`,
      partition: p,
      partitions: 4,
      actorDir: '/nonexistent',
      dataDir,
      log: silent,
      poolThreads: 0,
    });
    await h.init(undefined);
    await h.handleTick(T0, context());
    handlers.push(h);
  }
  const route = (records: Nar[]): void => {
    const parts: Nar[][] = [[], [], [], []];
    for (const r of records) parts[owner[keyGroupOf(sessionKey(r, ATTRS), KEY_GROUPS)] as number]?.push(r);
    parts.forEach((batch, p) => void handlers[p]?.handleBatch(batch, context()));
  };
  for (let i = 0; i < PROCESSED; i += 1000) {
    const batch: Nar[] = [];
    for (let s = i; s < i + 1000; s++) batch.push(closedSession(s, T0));
    route(batch);
  }
  for (let i = 0; i < OPEN; i += 250) {
    const batch: Nar[] = [];
    for (let s = i; s < i + 250; s++) {
      for (let q = 1; q <= 3; q++) {
        const r = makeRecord(s * 4 + q);
        r['recordType'] = 'pGWRecord';
        r['chargingId'] = s + 1;
        r['ggsnAddress'] = '10.1.0.1';
        r['recordSequenceNumber'] = q;
        r['causeForRecClosing'] = 17;
        r['recordOpeningTime'] = new Date(T0 + s).toISOString();
        batch.push(r);
      }
    }
    route(batch);
  }
  let bytes = 0;
  for (const [p, h] of handlers.entries()) {
    const payload = encodeCheckpoint({
      version: 1,
      position: 1,
      state: h.snapshot(),
      outputs: { next: {}, routers: [] },
      outputSpecs: [],
      processedMarks: {},
      ledger: { ...emptyLedger(), in: 0, held: h.held(), movedIn: h.held() },
      quarantinedByReason: {},
      duplicatesByReason: {},
      quarantineOrdinal: 0,
    });
    bytes += payload.length;
    await actorCheckpointStore(actorDirOf(dataDir, 'dedup', p)).save(payload);
  }
  return bytes;
}

/** Processed entries and held records in the node's checkpoints. */
async function tally(dataDir: string, slots: number): Promise<{ processed: number; held: number }> {
  let processed = 0;
  let held = 0;
  for (let p = 0; p < slots; p++) {
    const saved = ((await loadActorCheckpoint(actorDirOf(dataDir, 'dedup', p)))?.state ??
      null) as OrderEnhancerSnapshot | null;
    // Held records a checkpoint carries beside its sessions are counted in their sessions.
    const state = saved === null ? null : withHeldRecords(saved);
    for (const [, gs] of state?.groups ?? []) {
      for (const list of gs.processed) processed += list.keys.length;
      for (const s of gs.sessions) held += s.records.length;
    }
  }
  return { processed, held };
}

export async function runRepartitionBench(progress: (line: string) => void): Promise<RepartitionBenchResult> {
  const registry = await loadRegistry([]);
  let best = { moveMs: Infinity, baselineMs: Infinity, keyGroupsMoved: 0, recordsMoved: 0, bytes: 0 };
  for (let run = 0; run < 3; run++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'narflow-bench-repartition-'));
    try {
      progress(`repartition: building 4 actors' state (run ${run + 1}/3)`);
      const bytes = await seed(dataDir, registry);
      let t0 = performance.now();
      for (let p = 0; p < 4; p++) {
        const store = actorCheckpointStore(actorDirOf(dataDir, 'dedup', p));
        const raw = await store.load();
        if (raw === undefined)
          throw new BenchError('output_mismatch', 'repartition bench: a checkpoint is missing');
        await store.save(encodeCheckpoint(decodeCheckpoint(raw)));
      }
      const baselineMs = performance.now() - t0;
      progress(`repartition: moving 4 → 6 actors (run ${run + 1}/3)`);
      const r = new Repartitioner(registry, dataDir, silent);
      const from = plan(dataDir, 4, registry);
      const to = plan(dataDir, 6, registry);
      const changes = r.changesBetween(from, to);
      t0 = performance.now();
      const [summary] = await r.migrate(from, to, changes);
      const moveMs = performance.now() - t0;
      const after = await tally(dataDir, 6);
      if (after.processed !== PROCESSED || after.held !== 3 * OPEN || summary === undefined) {
        throw new BenchError(
          'output_mismatch',
          `repartition bench: expected ${PROCESSED} processed sessions and ${3 * OPEN} held records after the move, got ${after.processed} and ${after.held}`,
        );
      }
      if (moveMs < best.moveMs) {
        best = {
          moveMs,
          baselineMs: Math.min(best.baselineMs, baselineMs),
          keyGroupsMoved: summary.keyGroupsMoved,
          recordsMoved: summary.recordsMoved,
          bytes,
        };
      } else best.baselineMs = Math.min(best.baselineMs, baselineMs);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return {
    processedSessions: PROCESSED,
    openSessions: OPEN,
    checkpointBytes: best.bytes,
    moveMs: best.moveMs,
    baselineMs: best.baselineMs,
    keyGroupsMoved: best.keyGroupsMoved,
    recordsMoved: best.recordsMoved,
  };
}
