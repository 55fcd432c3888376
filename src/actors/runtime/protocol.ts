/**
 * Typed messages between the host (main thread) and an actor's worker, and between two actors
 * over the MessagePort of one link (producer actor → consumer actor).
 */
import type { MessagePort } from 'node:worker_threads';
import type { RoutingSpec } from '../routing/edge-router.js';
import type { ErrorInfo } from '../supervision/types.js';
import type { BucketReport } from '../telemetry/latency-buckets.js';
import type { Ledger } from './ledger.js';
import type { IngestStats } from './actor.js';

/** One destination group of a node: records of `channel` routed over `targets` (actor ids). */
export interface OutputSpec {
  readonly channel: string;
  readonly routing: RoutingSpec;
  readonly targets: readonly string[];
}

export interface ActorRuntimeSettings {
  readonly groupCommitMs: number;
  readonly checkpointIntervalMs: number;
  /** Share of the event loop periodic checkpoints may take (see checkpoint-taking.ts). */
  readonly checkpointMaxLoad: number;
  /** An actor fed by others whose time lags the wall clock by more than this raises `time_lag` (0: never). */
  readonly timeLagAlarmMs: number;
  readonly tickIntervalMs: number;
  readonly segmentBytes: number;
  readonly batchMaxRecords: number;
  readonly mailboxBatches: number;
  /** Payload bytes of appended input entries kept in memory for handling; the rest is read back from the log. */
  readonly inputMemoryBytes: number;
  readonly retentionMs: number;
  readonly logLevel: string;
  readonly statsIntervalMs: number;
  /** At most one log line per quarantine reason per this window (the metrics count every one). */
  readonly errorRateLimitMs: number;
  /** piscina threads per actor whose node type fans work out (0: inline). */
  readonly poolThreads: number;
}

export interface PoisonInfo {
  /** Input position at which the actor crashed. */
  readonly position: number;
  /** Consecutive crashes at that position. */
  readonly crashes: number;
  readonly reason: string;
}

export interface ActorWorkerData {
  readonly actorId: string;
  readonly nodeId: string;
  readonly nodeType: string;
  readonly partition: number;
  readonly partitions: number;
  readonly settings: unknown;
  readonly actorDir: string;
  readonly dataDir: string;
  readonly quarantineDir: string;
  readonly plugins: readonly string[];
  readonly outputs: readonly OutputSpec[];
  /** The actors with a link into this one: its time is the earliest of theirs (input-clock.ts). */
  readonly producers: readonly string[];
  readonly runtime: ActorRuntimeSettings;
  readonly poisonAfter: number;
  readonly poison: PoisonInfo | null;
}

export interface ActorStatsMessage {
  readonly type: 'stats';
  readonly position: number;
  readonly lastLsn: number;
  readonly durableLsn: number;
  readonly committedPosition: number;
  readonly checkpointAgeMs: number;
  /** Encoded size of the last checkpoint taken (0: none yet). */
  readonly checkpointBytes: number;
  /** Checkpoints taken since the actor started, and the event-loop time taking them cost (ms). */
  readonly checkpointsTaken: number;
  readonly checkpointTakeMs: number;
  /** Wait between periodic checkpoints now: checkpointIntervalMs, stretched after costly ones. */
  readonly checkpointIntervalMs: number;
  /** How far the actor's latest tick is behind the wall clock (0 before its first tick). */
  readonly timeLagMs: number;
  /** Durations of the input log's group commits (one synced write each) since the previous stats. */
  readonly logCommits: BucketReport;
  readonly ledger: Ledger;
  readonly quarantinedByReason: Record<string, number>;
  readonly duplicatesByReason: Record<string, number>;
  readonly queueDepth: number;
  /** Payload bytes of input entries kept in memory for handling (bounded by inputMemoryBytes). */
  readonly inputMemoryBytes: number;
  /** Appended input entries let go from memory since the actor started, read back from the log. */
  readonly inputReadBack: number;
  readonly eventLoopUtilization: number;
  /** How late each 10 ms timer on the actor's thread fired since the previous stats (stalls). */
  readonly eventLoopDelay: BucketReport;
  readonly redeliveredDropped: number;
  readonly backpressured: Record<string, boolean>;
  /** Output batches not yet acknowledged, per target actor. */
  readonly outstanding: Record<string, number>;
  /** Target actors of the outputs in force at the processed position. */
  readonly targets: readonly string[];
  /** Wall-clock ms of the last input other than a tick (appended or handled); 0 if none yet. */
  readonly lastActivityMs: number;
  /** Nothing to process, nothing unacknowledged downstream, ingest (if any) idle. */
  readonly idle: boolean;
  /** Alarms raised by the handler and not cleared: name → since (wall-clock ms) and detail. */
  readonly alarms: Record<string, ActorAlarm>;
  /** The EI's ingest source: its own counters and gauges (absent for other nodes). */
  readonly ingest?: IngestStats;
  /** The handler's checkpointed per-peer counts (see NodeHandler.peerStats). */
  readonly peerStats?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface ActorAlarm {
  readonly sinceMs: number;
  readonly detail: string;
}

/** Worker → host. */
export type WorkerToHost =
  | { readonly type: 'ready'; readonly checkpointPosition: number; readonly lastLsn: number }
  | ActorStatsMessage
  | { readonly type: 'processing'; readonly position: number }
  | { readonly type: 'crashed'; readonly position: number; readonly error: ErrorInfo }
  | { readonly type: 'stopped'; readonly reason: 'normal' | 'shutdown'; readonly detail?: string }
  | ({ readonly type: 'drained' } & DrainOutcome);

/** How an actor's drain ended. */
export interface DrainOutcome {
  /** The committed checkpoint covers every entry of the input log (nothing left to replay). */
  readonly complete: boolean;
  readonly committedPosition: number;
  readonly lastLsn: number;
  /** Why the drain stopped early, when it did. */
  readonly cut: string | undefined;
}

/** Host → worker. */
export type HostToWorker =
  | { readonly type: 'connect-out'; readonly target: string; readonly port: MessagePort }
  | { readonly type: 'connect-in'; readonly producer: string; readonly port: MessagePort }
  | { readonly type: 'reconfigure'; readonly outputs: readonly OutputSpec[] }
  | { readonly type: 'producers'; readonly producers: readonly string[] }
  | { readonly type: 'stop-ingest' }
  | { readonly type: 'drain' }
  | { readonly type: 'shutdown' };

/**
 * Producer → consumer over a link port: batches, each stamped with the producer's data time when it
 * was sealed (`upTo`, ms: every input that reached the producer before it is handled), and the
 * producer's data time alone when nothing waits on the link (see input-clock.ts).
 */
export type LinkToConsumer =
  | {
      readonly type: 'batch';
      readonly sequence: number;
      readonly bytes: Uint8Array;
      readonly upTo: number;
    }
  | { readonly type: 'time'; readonly upTo: number };

/** Consumer → producer over a link port. */
export type LinkToProducer =
  { readonly type: 'credit'; readonly batches: number } | { readonly type: 'ack'; readonly sequence: number };
