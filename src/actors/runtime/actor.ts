/**
 * The node-type contract. A handler is deterministic: given the same snapshot and the same input
 * log it produces the same outputs in the same order. It never reads the clock (time arrives as
 * ticks), never does network I/O from `handle*` (EIs receive outside input through their ingest
 * source, which appends it to the input log first), and never keeps anything it does not snapshot.
 * The runtime owns threads, the input log, back-pressure, routing, checkpoints and recovery.
 */
import type { Logger } from 'pino';
import type { Nar } from '../../protocols/nar/nar.js';
import type { PackedBatch } from '../../protocols/nar/packed-batch.js';
import type { NarRecord } from '../../protocols/nar/packed-nar.js';
import type { BucketReport } from '../telemetry/latency-buckets.js';
import type { LedgerCounter } from './ledger.js';

export interface HandlerContext {
  readonly nodeId: string;
  readonly actorId: string;
  readonly partition: number;
  readonly partitions: number;
  /** This actor's private directory (for work files an EI or OI owns). */
  readonly actorDir: string;
  readonly log: Logger;
  /** Log position of the entry being handled. */
  readonly position: number;
  /** Route a record to the node's destinations (or, when given, only to the named output channel). */
  emit(record: NarRecord, channel?: string): void;
  /** Keep rejected input with its reason; counts `quarantined` in the ledger. */
  quarantine(raw: Uint8Array | string, reason: string, detail?: Readonly<Record<string, unknown>>): void;
  /** One record dropped as a duplicate: ledger `duplicates`, and counted under `reason`. */
  duplicate(reason: string): void;
  /** Ledger accounting for records that leave by other ways than emit/quarantine. */
  count(counter: LedgerCounter, n: number): void;
  /** Sinks: everything up to and including this entry is durable outside; checkpoint after it. */
  requestCheckpoint(): void;
  /**
   * Raises (or, with `raised` false, clears) a named alarm of this actor: logged once per change,
   * exported as the `narflow_alarm` gauge and shown by `narflow status`.
   */
  alarm(name: string, raised: boolean, detail?: string): void;
}

/**
 * `'more'`: the handler has not finished this entry and wants to be called again for it (after the
 * runtime flushed outputs and waited for downstream credit). Its snapshot must record its progress,
 * so a checkpoint taken between calls resumes inside the entry.
 */
export type HandleResult = void | 'more';

export interface NodeHandler {
  /** Restore from the last committed snapshot (`undefined` on a first start). */
  init(snapshot: unknown): void | Promise<void>;
  handleBatch(records: Nar[], ctx: HandlerContext): void | Promise<void>;
  /**
   * Optional, for sinks that write values out as they are: a batch as the bytes it arrived in
   * (`readPackedBatch`), no NAR objects made. Called instead of `handleBatch` when the batch is
   * flat and packed (batches of NARs always are, unless a value is nested); must write exactly what
   * `handleBatch` would for the same records.
   */
  handlePackedBatch?(batch: PackedBatch, ctx: HandlerContext): void | Promise<void>;
  handleTick(nowMs: number, ctx: HandlerContext): void | Promise<void>;
  /** EIs: one entry that the ingest source appended to the input log. */
  handleExternal?(payload: Uint8Array, ctx: HandlerContext): HandleResult | Promise<HandleResult>;
  /** State to checkpoint; must be msgpack-serialisable. */
  snapshot(): unknown;
  /**
   * The checkpoint holding the state of this handler's `n`-th `snapshot()` call (counted from 1
   * since `init`) is durable: what only older snapshots referred to (files the handler keeps
   * beside its state) may now be removed. Called in commit order; optional.
   */
  checkpointCommitted?(n: number): void;
  /** Records currently held in state (ledger `held`). */
  held(): number;
  /**
   * Counts the handler keeps in its checkpointed state, per peer (a network element) and event, e.g.
   * a flow collector's lost export packets: cumulative, so after a restart from a checkpoint they
   * come back to where they were (exported with high-water semantics, never counted twice).
   */
  peerStats?(): Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Called on orderly stop (drain) after the last entry; may commit and request a checkpoint. */
  drain?(ctx: HandlerContext): void | Promise<void>;
  terminate?(reason: string): void | Promise<void>;
  /**
   * The actor is stopping (drain or shutdown) while a handle call may be waiting on something
   * outside that is unavailable (a database in an outage). Returns true when such a call is
   * pending and will now end soon by throwing; the runtime then stops without finishing the entry
   * or checkpointing: the entry stays in the input log and is handled again after the next start.
   * Returns false when nothing is waiting (the call, if any, finishes normally).
   */
  abort?(): boolean;
}

/** An EI's connection to the outside: it appends raw input to the actor's input log. */
export interface IngestContext {
  readonly nodeId: string;
  readonly actorDir: string;
  readonly log: Logger;
  /** Append one external entry; resolves once it is durable (fsynced). */
  append(payload: Uint8Array): Promise<number>;
  /** First log position not covered by the last committed checkpoint. */
  readonly checkpointPosition: number;
  /** External entries in the log from the checkpoint position on (read once, before processing starts). */
  pendingEntries(): Promise<Array<{ lsn: number; payload: Uint8Array }>>;
  /** Entries appended (durable or not) that the handler has not finished yet: the input backlog. */
  backlog(): number;
  /** Records the handler holds (its `held()`), as of the last entry it handled. */
  heldRecords(): number;
  /** Raises or clears a named alarm of the actor, as `HandlerContext.alarm` does. */
  alarm(name: string, raised: boolean, detail?: string): void;
}

/**
 * What an ingest source reports with the actor's stats (about once a second). `events` are
 * cumulative counts since the source started (bounded names: they become a metric label);
 * `latencyMs` summarises the source's response latency since the previous report; `gauges` are
 * current values (bounded names).
 */
export interface IngestStats {
  readonly events: Readonly<Record<string, number>>;
  /** Percentiles, and the answers per latency bucket (with their sums) since the previous report. */
  readonly latencyMs?: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly count: number;
  } & Partial<BucketReport>;
  readonly gauges?: Readonly<Record<string, number>>;
  /**
   * Cumulative events per peer (a network element: GSN, NAS, exporter), e.g. requests or lost
   * export packets. Exported with a `peer` label; peers past a cap share the label "other".
   */
  readonly peers?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface IngestSource {
  start(ctx: IngestContext): Promise<void>;
  /** Stop taking new input; resolves when nothing more will be appended. */
  stop(): Promise<void>;
  /** True when the source has nothing pending (used by --idle-exit). */
  idle(): boolean;
  /** A checkpoint covering every entry before `position` is durable: input up to there may be released. */
  checkpointCommitted?(position: number): void | Promise<void>;
  /** Counters and gauges of the source for metrics (called with each stats report). */
  stats?(): IngestStats;
}

/** Passed to a node type's factories. */
export interface NodeEnv {
  readonly nodeId: string;
  readonly actorId: string;
  readonly partition: number;
  readonly partitions: number;
  readonly actorDir: string;
  readonly dataDir: string;
  readonly log: Logger;
  /** piscina threads this actor may use for stateless, CPU-heavy work (0: run it inline). */
  readonly poolThreads: number;
}
