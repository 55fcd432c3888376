/**
 * `order-enhancer-oe` on its own, in this thread:
 *  - throughput on a realistic mix: 100,000 sessions of 1–20 partial records (85% PGW-CDR
 *    sessions under the G-CDR rule, 10% S-CDR sessions under the timeout rule, 5% single
 *    pass-through records), interleaved so around a thousand sessions are open at a time, shuffled
 *    within 1,000 records, with 5% duplicate copies (some arriving after their session closed);
 *    24-attribute benchmark records, batches of 1,000, a tick per batch. Batches are built and
 *    encoded outside the timed part, 100 at a time (so the whole input never sits in memory); the
 *    time includes reading each batch as an actor does (in place, `handlePackedBatch`), encoding
 *    what is emitted into batches of 1,000, as the out-link does, and the garbage collection the
 *    handler causes (held records are promoted). Best of three after a warm-up. The baseline, in
 *    the same run: the batches decoded into NAR objects (`handleBatch`). The same again with
 *    maxProcessedSessions 10,000, so processed sessions spill to disk.
 *  - checkpoints of 1,000,000 processed sessions, 10,000 more closing between two: the snapshot's
 *    MessagePack bytes and the time taken (snapshot and packing, during which the actor handles
 *    nothing), with the journal (chunks of `journalChunkEntries`, default) against the whole lists in
 *    every checkpoint (the baseline, `journalChunkEntries` past the state), medians of 10.
 *  - checkpoints of 200,000 open sessions holding 2 records each, 10,000 of them taking a record
 *    between two: the same, with the session journal against the whole sessions in every checkpoint.
 *  - memory (needs `node --expose-gc`): heap bytes per processed-session entry (1,000,000 closed
 *    sessions), all in memory and with all but 50,000 on disk, and per open session holding 3
 *    records (held packed), next to those 3 records as NAR objects alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { orderEnhancerOe, orderEnhancerOeSettings } from '../src/actors/nodes/oe/index.js';
import type { HandlerContext, NodeHandler } from '../src/actors/runtime/actor.js';
import { decodeBatch, encodeBatch, packValue } from '../src/protocols/nar/batch.js';
import { readPackedBatch } from '../src/protocols/nar/packed-batch.js';
import type { Nar } from '../src/protocols/nar/nar.js';
import type { NarRecord } from '../src/protocols/nar/packed-nar.js';
import { makeRecord } from './records.js';
import { BenchError } from './stats.js';

export interface OrderEnhancerBenchResult {
  /** Input records (duplicates included) per second: batches read in place, handlePackedBatch/handleTick. */
  readonly recordsPerSecond: number;
  /** The same with the batches decoded into NAR objects (handleBatch): the baseline. */
  readonly recordsPerSecondObjects: number;
  /** The same with maxProcessedSessions SPILL_THROUGHPUT_LIMIT: processed sessions spill to disk. */
  readonly recordsPerSecondSpilling: number;
  /** Heap bytes per processed entry when all but SPILL_LIMIT are on disk. */
  readonly bytesPerProcessedEntrySpilling: number;
  readonly records: number;
  readonly duplicates: number;
  /** Heap bytes per processed-session entry (key included); NaN without --expose-gc. */
  readonly bytesPerProcessedEntry: number;
  /** Heap bytes per open session holding 3 benchmark records, records included. */
  readonly bytesPerOpenSession: number;
  /** The same 3 records as NAR objects alone (what the order enhancer was handed). */
  readonly bytesPerOpenSessionRecordsAsNars: number;
  /** Checkpoints of CHECKPOINT_SESSIONS processed sessions with the journal, and of the whole lists. */
  readonly checkpoint: { readonly journal: CheckpointCost; readonly whole: CheckpointCost };
  /** Checkpoints of CHECKPOINT_OPEN open sessions with the session journal, and whole. */
  readonly openCheckpoint: { readonly journal: CheckpointCost; readonly whole: CheckpointCost };
}

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

const SESSIONS = 100_000;
/** maxProcessedSessions of the spilling throughput runs: the 100,000 sessions spill about 10 times. */
export const SPILL_THROUGHPUT_LIMIT = 10_000;
/** maxProcessedSessions of the spilling memory measurement (of 1,000,000 entries). */
export const SPILL_LIMIT = 50_000;
const BATCH = 1000;
const WINDOW = 1000;
const DUPLICATE_RATE = 0.05;
/** Position units between a session's partials: around a thousand sessions are open at a time. */
const SPREAD = 1000;
const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);

function mix(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A deterministic generator in [0, 1). */
function generator(seed: number): () => number {
  let x = seed;
  return () => mix(x++) / 4294967296;
}

interface Plan {
  /** Per input record: session (high bits) and sequence number (low 5 bits). */
  readonly stream: Int32Array;
  readonly lengths: Uint8Array;
  readonly types: Uint8Array;
  readonly duplicates: number;
}

const TYPES = ['pGWRecord', 'sgsnPDPRecord', 'sgsnMMRecord'];

function plan(): Plan {
  const rnd = generator(42);
  const lengths = new Uint8Array(SESSIONS);
  const types = new Uint8Array(SESSIONS);
  const at: number[] = [];
  const code: number[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const k = rnd();
    types[s] = k < 0.85 ? 0 : k < 0.95 ? 1 : 2;
    const n = types[s] === 2 ? 1 : 1 + Math.floor(rnd() * 20);
    lengths[s] = n;
    for (let q = 1; q <= n; q++) {
      at.push(s * 10 + q * SPREAD * (0.5 + rnd()));
      code.push(s * 32 + q);
    }
  }
  const order = at.map((_, i) => i).sort((a, b) => (at[a] as number) - (at[b] as number));
  const base = order.map((i) => code[i] as number);
  for (let i = 0; i < base.length; i++) {
    const j = Math.min(base.length - 1, i + Math.floor(rnd() * WINDOW));
    [base[i], base[j]] = [base[j] as number, base[i] as number];
  }
  const stream: number[] = [];
  let duplicates = 0;
  for (const c of base) {
    stream.push(c);
    if (types[c >> 5] !== 2 && rnd() < DUPLICATE_RATE) {
      duplicates++;
      stream.splice(stream.length - Math.floor(rnd() * Math.min(WINDOW, stream.length)), 0, c);
    }
  }
  return { stream: Int32Array.from(stream), lengths, types, duplicates };
}

function record(p: Plan, c: number): Nar {
  const s = c >> 5;
  const q = c & 31;
  const n = p.lengths[s] as number;
  const r = makeRecord(s * 32 + q);
  r['recordType'] = TYPES[p.types[s] as number] as string;
  r['chargingId'] = s + 1;
  r['ggsnAddress'] = `10.0.${s % 4}.1`;
  r['recordSequenceNumber'] = q;
  r['localSequenceNumber'] = s * 32 + q;
  r['nodeId'] = `pgw-${(s % 8) + 1}`;
  r['causeForRecClosing'] = q === n ? 0 : 17;
  r['recordOpeningTime'] = new Date(T0 + s * 10 + q * 60_000).toISOString();
  return r;
}

/**
 * A counting context that encodes what is emitted into batches of BATCH records, as an actor's
 * out-link does (so the time includes writing the output); an alarm other than the spill's fails
 * the bench.
 */
function context(): HandlerContext & { emitted: number; duplicates: number } {
  let out: NarRecord[] = [];
  const ctx = {
    nodeId: 'oe',
    actorId: 'oe.0',
    partition: 0,
    partitions: 1,
    actorDir: '/nonexistent',
    log: pino({ level: 'silent' }),
    position: 0,
    emitted: 0,
    duplicates: 0,
    emit: (r: NarRecord) => {
      ctx.emitted++;
      out.push(r);
      if (out.length < BATCH) return;
      encodeBatch('oe.0', ctx.emitted, out);
      out = [];
    },
    quarantine: (_raw: Uint8Array | string, reason: string) => {
      throw new BenchError(
        'output_mismatch',
        `order-enhancer: a benchmark record was quarantined (${reason})`,
      );
    },
    duplicate: () => {
      ctx.duplicates++;
    },
    count: () => undefined,
    requestCheckpoint: () => undefined,
    alarm: (name: string, raised: boolean, detail?: string) => {
      if (raised && name !== 'processed_sessions_limit')
        throw new BenchError('output_mismatch', `order-enhancer: alarm ${name}: ${detail ?? ''}`);
    },
  };
  return ctx;
}

/** Where handlers that spill write their segments (removed after the bench). */
let spillRoot = '';
let spillDirs = 0;

function create(settings: Record<string, unknown> = {}): NodeHandler & { settled?: () => Promise<void> } {
  const handler = orderEnhancerOe.create(orderEnhancerOeSettings.parse(settings), {
    nodeId: 'oe',
    actorId: 'oe.0',
    partition: 0,
    partitions: 1,
    actorDir: join(spillRoot, String(++spillDirs)),
    dataDir: '/nonexistent',
    log: pino({ level: 'silent' }),
    poolThreads: 0,
  });
  void handler.init(undefined);
  return handler;
}

/** Batches built ahead of the timed part, so building records stays out of the measurement. */
const CHUNK_BATCHES = 100;

/**
 * Milliseconds spent reading the input batches and inside the handler for the whole plan; checks
 * every record came out once. `input`: batches read in place (`handlePackedBatch`, what an actor
 * does for this node type), or decoded into NAR objects (`handleBatch`, the baseline).
 */
function timedRun(p: Plan, input: 'packed' | 'objects', settings: Record<string, unknown> = {}): number {
  const handler = create(settings);
  const ctx = context();
  let tick = T0;
  let spent = 0;
  void handler.handleTick(tick, ctx);
  const chunk = CHUNK_BATCHES * BATCH;
  for (let from = 0; from < p.stream.length; from += chunk) {
    const batches: Uint8Array[] = [];
    for (let i = from; i < Math.min(p.stream.length, from + chunk); i += BATCH) {
      const batch: Nar[] = [];
      for (let j = i; j < Math.min(p.stream.length, i + BATCH); j++)
        batch.push(record(p, p.stream[j] as number));
      batches.push(encodeBatch('in', batches.length + 1, batch));
    }
    const t0 = performance.now();
    for (const bytes of batches) {
      // As an actor's input dispatch does: read in place when the handler can, else decode.
      const packed = input === 'packed' ? readPackedBatch(bytes) : undefined;
      if (packed !== undefined && handler.handlePackedBatch !== undefined)
        void handler.handlePackedBatch(packed, ctx);
      else void handler.handleBatch(decodeBatch(bytes).records, ctx);
      void handler.handleTick((tick += 1000), ctx);
    }
    spent += performance.now() - t0;
  }
  const t0 = performance.now();
  void handler.handleTick(tick + 5 * 3_600_000, ctx);
  spent += performance.now() - t0;
  if (
    ctx.emitted !== p.stream.length - p.duplicates ||
    ctx.duplicates !== p.duplicates ||
    handler.held() !== 0
  ) {
    throw new BenchError(
      'output_mismatch',
      `order-enhancer: expected ${p.stream.length - p.duplicates} records out and ${p.duplicates} duplicates, got ${ctx.emitted} and ${ctx.duplicates} (${handler.held()} held)`,
    );
  }
  return spent;
}

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
function processedCheckpointCost(journalChunkEntries: number): Promise<CheckpointCost> {
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
function openCheckpointCost(journalChunkEntries: number): Promise<CheckpointCost> {
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

export async function runOrderEnhancerBench(
  progress: (line: string) => void,
): Promise<OrderEnhancerBenchResult> {
  spillRoot = await mkdtemp(join(tmpdir(), 'narflow-bench-oe-'));
  try {
    progress('order-enhancer: planning 100,000 sessions');
    const p = plan();
    let best = Infinity;
    let objects = Infinity;
    let spilling = Infinity;
    for (let run = 0; run < 4; run++) {
      progress(`order-enhancer: throughput run ${run + 1}/4`);
      // Interleaved, so all three see the same machine.
      const spent = timedRun(p, 'packed');
      const decoded = timedRun(p, 'objects');
      const spilled = timedRun(p, 'packed', { maxProcessedSessions: SPILL_THROUGHPUT_LIMIT });
      if (run > 0) {
        best = Math.min(best, spent); // run 0 warms up
        objects = Math.min(objects, decoded);
        spilling = Math.min(spilling, spilled);
      }
    }
    progress('order-enhancer: checkpoints with the journal and whole');
    const chunkEntries = orderEnhancerOeSettings.parse({}).journalChunkEntries;
    const journal = await processedCheckpointCost(chunkEntries);
    const whole = await processedCheckpointCost(100_000_000);
    progress('order-enhancer: checkpoints of open sessions with the journal and whole');
    const openJournal = await openCheckpointCost(chunkEntries);
    const openWhole = await openCheckpointCost(100_000_000);
    progress('order-enhancer: memory');
    return {
      checkpoint: { journal, whole },
      openCheckpoint: { journal: openJournal, whole: openWhole },
      recordsPerSecond: p.stream.length / (best / 1000),
      recordsPerSecondObjects: p.stream.length / (objects / 1000),
      recordsPerSecondSpilling: p.stream.length / (spilling / 1000),
      records: p.stream.length,
      duplicates: p.duplicates,
      ...measureOrderEnhancerMemory(),
    };
  } finally {
    await rm(spillRoot, { recursive: true, force: true });
  }
}
