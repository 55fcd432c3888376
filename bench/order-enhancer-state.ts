/**
 * The order enhancer's state, measured on its own: checkpoints of processed and of open sessions
 * (bytes and time, with the journals against the whole state in every checkpoint) and heap bytes
 * per processed-session entry and per open session (see order-enhancer.ts for the figures).
 */
import type { NodeHandler } from '../src/actors/runtime/actor.js';
import { packValue } from '../src/protocols/nar/batch.js';
import type { Nar } from '../src/protocols/nar/nar.js';
import { BATCH, context, create, T0 } from './order-enhancer-handler.js';
import { makeRecord } from './records.js';
import { BenchError } from './stats.js';

export interface CheckpointCost {
  /** Median MessagePack bytes of the snapshot. */
  readonly bytes: number;
  /** Median milliseconds to take and pack it. */
  readonly ms: number;
}

/** Processed sessions in memory for the checkpoint measurement, and those closing between two. */
export const CHECKPOINT_SESSIONS = 1_000_000;
const CHECKPOINT_STEP = 10_000;
/** Open sessions (2 records each) for the open-session checkpoint measurement; CHECKPOINT_STEP change between two. */
export const CHECKPOINT_OPEN = 200_000;
/** maxProcessedSessions of the spilling memory measurement (of 1,000,000 entries). */
export const SPILL_LIMIT = 50_000;

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return NaN;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Session `s` as one final PGW-CDR: it closes at once and becomes a processed-session entry. */
export function closedSession(s: number, t0: number): Nar {
  return {
    recordType: 'pGWRecord',
    chargingId: 100_000_000 + s,
    ggsnAddress: `10.0.${s % 4}.1`,
    recordSequenceNumber: 1,
    causeForRecClosing: 0,
    recordOpeningTime: new Date(t0 + s).toISOString(),
  };
}

/**
 * Heap bytes per processed entry, over 1,000,000 single-record sessions closed complete; with
 * `inMemory`, all but that many go to spill segments on disk.
 */
function processedBytes(inMemory?: number): number {
  const n = 1_000_000;
  const handler = create({ maxProcessedSessions: inMemory ?? 2 * n });
  const ctx = context();
  void handler.handleTick(T0, ctx);
  const before = heapUsed();
  for (let i = 0; i < n; i += BATCH) {
    const batch: Nar[] = [];
    for (let s = i; s < i + BATCH; s++) batch.push(closedSession(s, T0));
    void handler.handleBatch(batch, ctx);
  }
  const after = heapUsed();
  // Reading the handler after the measurement keeps it (and its state) alive through it.
  if (ctx.emitted !== n || handler.held() !== 0)
    throw new BenchError('output_mismatch', `order-enhancer: ${ctx.emitted} of ${n} emitted`);
  return (after - before) / n;
}

/** Heap bytes per open session holding 3 records: [with the records, without them]. */
function openBytes(): [number, number] {
  const n = 100_000;
  const held = (s: number, q: number): Nar => {
    const r = makeRecord(s * 4 + q);
    r['chargingId'] = s + 1;
    r['ggsnAddress'] = '10.0.0.1';
    r['recordSequenceNumber'] = q;
    r['causeForRecClosing'] = 17;
    return r;
  };
  let before = heapUsed();
  const alone: Nar[] = [];
  for (let s = 0; s < n; s++) for (let q = 1; q <= 3; q++) alone.push(held(s, q));
  const records = (heapUsed() - before) / n;
  alone.length = 0;
  const handler = create({ maxOpenSessions: 2 * n });
  const ctx = context();
  void handler.handleTick(T0, ctx);
  before = heapUsed();
  for (let s = 0; s < n; s += BATCH / 4) {
    const batch: Nar[] = [];
    for (let i = s; i < s + BATCH / 4; i++) for (let q = 1; q <= 3; q++) batch.push(held(i, q));
    void handler.handleBatch(batch, ctx);
  }
  const total = (heapUsed() - before) / n;
  // Reading the handler after the measurement keeps it (and its state) alive through it.
  if (handler.held() !== 3 * n) throw new BenchError('output_mismatch', 'order-enhancer: sessions not held');
  return [total, records];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Snapshot bytes and time of `handler` once `fill` built its state, `step` changing it between two
 * (medians of 10, after 3 rounds that cut the chunks of the state built up front).
 */
async function checkpointCost(
  handler: NodeHandler & { settled?: () => Promise<void> },
  fill: () => void,
  step: () => void,
): Promise<CheckpointCost> {
  fill();
  const bytes: number[] = [];
  const times: number[] = [];
  for (let round = 0; round < 13; round++) {
    step();
    const t0 = performance.now();
    const n = packValue(handler.snapshot()).length;
    const spent = performance.now() - t0;
    await handler.settled?.();
    // The first rounds cut the chunks of the state built up front.
    if (round >= 3) {
      bytes.push(n);
      times.push(spent);
    }
  }
  handler.terminate?.('done');
  return { bytes: median(bytes), ms: median(times) };
}

/** With CHECKPOINT_SESSIONS processed sessions, CHECKPOINT_STEP closing between two. */
export function processedCheckpointCost(journalChunkEntries: number): Promise<CheckpointCost> {
  const handler = create({ maxProcessedSessions: 4 * CHECKPOINT_SESSIONS, journalChunkEntries });
  const ctx = context();
  void handler.handleTick(T0, ctx);
  let s = 0;
  const close = (n: number): void => {
    for (const end = s + n; s < end; s += BATCH) {
      const batch: Nar[] = [];
      for (let i = s; i < s + BATCH; i++) batch.push(closedSession(i, T0));
      void handler.handleBatch(batch, ctx);
    }
  };
  return checkpointCost(
    handler,
    () => close(CHECKPOINT_SESSIONS),
    () => close(CHECKPOINT_STEP),
  );
}

/** With CHECKPOINT_OPEN open sessions of 2 records, CHECKPOINT_STEP of them taking a third between two. */
export function openCheckpointCost(journalChunkEntries: number): Promise<CheckpointCost> {
  const handler = create({ maxOpenSessions: 2 * CHECKPOINT_OPEN, journalChunkEntries });
  const ctx = context();
  void handler.handleTick(T0, ctx);
  const partial = (s: number, q: number): Nar => {
    const r = makeRecord(s * 32 + q);
    r['chargingId'] = s + 1;
    r['ggsnAddress'] = `10.0.${s % 4}.1`;
    r['recordSequenceNumber'] = q;
    r['causeForRecClosing'] = 17;
    r['recordOpeningTime'] = new Date(T0 + q * 60_000).toISOString();
    return r;
  };
  let next = 0;
  return checkpointCost(
    handler,
    () => {
      for (let s = 0; s < CHECKPOINT_OPEN; s += BATCH / 2) {
        const batch: Nar[] = [];
        for (let i = s; i < s + BATCH / 2; i++) batch.push(partial(i, 1), partial(i, 2));
        void handler.handleBatch(batch, ctx);
      }
    },
    () => {
      for (let n = 0; n < CHECKPOINT_STEP; n += BATCH) {
        const batch: Nar[] = [];
        for (let i = 0; i < BATCH; i++)
          batch.push(partial(next++ % CHECKPOINT_OPEN, 3 + Math.floor(next / CHECKPOINT_OPEN)));
        void handler.handleBatch(batch, ctx);
      }
    },
  );
}

export interface OrderEnhancerMemory {
  readonly bytesPerProcessedEntry: number;
  /** The same when at most SPILL_LIMIT entries stay in memory and the rest are on disk. */
  readonly bytesPerProcessedEntrySpilling: number;
  readonly bytesPerOpenSession: number;
  readonly bytesPerOpenSessionRecordsAsNars: number;
}

/** Heap bytes per processed entry and per open session (NaN without `node --expose-gc`). */
export function measureOrderEnhancerMemory(): OrderEnhancerMemory {
  const bytesPerProcessedEntry = processedBytes();
  const bytesPerProcessedEntrySpilling = processedBytes(SPILL_LIMIT);
  const [bytesPerOpenSession, bytesPerOpenSessionRecordsAsNars] = openBytes();
  return {
    bytesPerProcessedEntry,
    bytesPerProcessedEntrySpilling,
    bytesPerOpenSession,
    bytesPerOpenSessionRecordsAsNars,
  };
}
