/**
 * The host's Prometheus metrics, kept in the main thread only. Actors report cumulative values about
 * once a second (`ActorStats`); this turns them into counter increments and gauge values.
 *
 * Naming follows Vector's rules: `narflow_<subject>_<what>_<unit>`, counters end in `_total`, labels
 * are bounded (node and actor ids come from the config; quarantine reasons are error codes, capped per
 * node at MAX_REASON_LABELS, the rest counted under `other`).
 *
 * Cumulative values and restarts: the ledger and the per-reason quarantine counts are restored from
 * the checkpoint when an actor restarts, and replaying the input log brings them back to the values
 * already reported (actors are deterministic). Their counters therefore follow the highest value seen
 * per actor: a lower value after a restart never decrements and the replayed span is not counted
 * twice. `redeliveredDropped` is not checkpointed and starts again from 0, so a lower value becomes
 * the new baseline and later increases are counted. These marks survive `removeActor`, so an actor
 * that moves away and comes back is not counted again from zero.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { emptyLedger, ledgerImbalance, type Ledger } from '../runtime/ledger.js';
import type { IngestStats } from '../runtime/actor.js';
import { ActorGauges } from './actor-gauges.js';
import { IngestMetrics } from './ingest-metrics.js';
import { LATENCY_BUCKETS_SECONDS, observeBuckets, type BucketReport } from './latency-buckets.js';
import { BoundedLabels, OVERFLOW_LABEL, SeriesMarks } from './series-marks.js';

export { MAX_PEER_LABELS } from './ingest-metrics.js';

export interface ActorStats {
  readonly node: string;
  readonly actor: string;
  readonly ledger: Ledger;
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  /** Dropped duplicates by reason (the rest of ledger.duplicates is `unspecified`). */
  readonly duplicatesByReason?: Readonly<Record<string, number>>;
  /** Batches waiting in the actor's input. */
  readonly queueDepth: number;
  /** Payload bytes of input entries kept in memory (absent: 0). */
  readonly inputMemoryBytes?: number;
  /** Appended input entries let go from memory and read back from the log, since the actor started. */
  readonly inputReadBack?: number;
  readonly checkpointAgeMs: number;
  /** Encoded size of the last checkpoint taken (absent: 0). */
  readonly checkpointBytes?: number;
  /** Checkpoints taken since the actor started, and the event-loop ms taking them cost (absent: 0). */
  readonly checkpointsTaken?: number;
  readonly checkpointTakeMs?: number;
  /** Wait between periodic checkpoints now (absent: 0, not reported). */
  readonly checkpointIntervalMs?: number;
  /** How far the actor's latest tick is behind the wall clock (absent: 0). */
  readonly timeLagMs?: number;
  /** Durations of the input log's group commits since the previous stats (absent: none). */
  readonly logCommits?: BucketReport;
  /** 0..1 since the previous stats message. */
  readonly eventLoopUtilization: number;
  /** How late each 10 ms timer on the actor's thread fired since the previous stats (absent: none). */
  readonly eventLoopDelay?: BucketReport;
  /** Re-sent batches dropped by high-water marks since the actor started. */
  readonly redeliveredDropped: number;
  readonly durableLsn: number;
  /** Per destination actor: is the edge paused by back-pressure. */
  readonly backpressured: Readonly<Record<string, boolean>>;
  /** Names of the alarms the actor has raised and not cleared (absent: none). */
  readonly alarms?: Readonly<Record<string, unknown>>;
  /** An EI's ingest source: cumulative events since it started, response latency, gauges. */
  readonly ingest?: IngestStats;
  /** The handler's checkpointed per-peer counts. */
  readonly peerStats?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export class MetricsInputError extends Error {
  override readonly name = 'MetricsInputError';
  readonly code = 'invalid_stats' as const;
  constructor(
    readonly actor: string,
    readonly field: string,
    actual: unknown,
  ) {
    super(`stats of actor ${actor}: ${field}: expected a finite number >= 0, got ${String(actual)}`);
  }
}

export interface HostMetricsOptions {
  /** Register prom-client's process metrics (cpu, memory, event loop lag, gc) too. Default true. */
  readonly defaultMetrics?: boolean;
}

/** Distinct quarantine reasons per node that get their own label value. */
export const MAX_REASON_LABELS = 64;
export const OVERFLOW_REASON = OVERFLOW_LABEL;

type LedgerCounterName = Exclude<keyof Ledger, 'held' | 'quarantined' | 'duplicates'>;

/** Duplicates counted without a reason (ctx.count) are labelled so. */
export const UNSPECIFIED_DUPLICATE_REASON = 'unspecified';

interface ActorTrack {
  readonly node: string;
  ledger: Ledger;
  state: string | undefined;
  /** Destination actors of edges this actor reported. */
  readonly edges: Set<string>;
  /** Alarm names with a series (1 raised, 0 cleared). */
  readonly alarms: Set<string>;
}

export class HostMetrics {
  readonly registry = new Registry();
  readonly #ledgerCounters: Record<LedgerCounterName, Counter<'node'>>;
  readonly #quarantined: Counter<'node' | 'reason'>;
  readonly #duplicates: Counter<'node' | 'reason'>;
  readonly #redelivered: Counter<'node'>;
  readonly #held: Gauge<'node'>;
  readonly #imbalance: Gauge<'node'>;
  readonly #readBack: Counter<'node' | 'actor'>;
  readonly #gauges: ActorGauges;
  readonly #checkpointsTaken: Counter<'node' | 'actor'>;
  readonly #checkpointTake: Counter<'node' | 'actor'>;
  readonly #logCommit: Histogram<'node' | 'actor'>;
  readonly #loopDelay: Histogram<'node' | 'actor'>;
  readonly #restarts: Counter<'node' | 'actor'>;
  readonly #state: Gauge<'node' | 'actor' | 'state'>;
  readonly #backpressured: Gauge<'from' | 'to'>;
  readonly #alarm: Gauge<'node' | 'actor' | 'alarm'>;

  readonly #actors = new Map<string, ActorTrack>();
  readonly #marks = new SeriesMarks();
  readonly #reasons = new BoundedLabels(MAX_REASON_LABELS);
  readonly #ingest: IngestMetrics;

  constructor(options: HostMetricsOptions = {}) {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
      new Counter({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> =>
      new Gauge({ name, help, labelNames, registers });
    const latencies = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
    ): Histogram<L> =>
      new Histogram({ name, help, labelNames, buckets: [...LATENCY_BUCKETS_SECONDS], registers });
    const node = ['node'] as const;
    const actor = ['node', 'actor'] as const;
    this.#ledgerCounters = {
      in: counter('narflow_node_records_in_total', 'Records that entered the node.', node),
      out: counter('narflow_node_records_out_total', 'Records the node sent to its destinations.', node),
      created: counter('narflow_node_records_created_total', 'Records the node made (parsed, split).', node),
      filtered: counter('narflow_node_records_filtered_total', 'Records the node dropped by rule.', node),
      merged: counter('narflow_node_records_merged_total', 'Records merged into others.', node),
      movedIn: counter(
        'narflow_node_records_moved_in_total',
        'Held records that entered an actor with their key group when the node was repartitioned.',
        node,
      ),
      movedOut: counter(
        'narflow_node_records_moved_out_total',
        'Held records that left an actor with their key group when the node was repartitioned.',
        node,
      ),
    };
    this.#duplicates = counter(
      'narflow_node_duplicates_dropped_total',
      'Duplicate records dropped, by reason.',
      ['node', 'reason'],
    );
    this.#quarantined = counter(
      'narflow_node_quarantined_records_total',
      'Records or raw inputs put in quarantine, by reason.',
      ['node', 'reason'],
    );
    this.#redelivered = counter(
      'narflow_batches_redelivered_dropped_total',
      'Re-sent batches dropped by high-water marks.',
      node,
    );
    this.#held = gauge('narflow_node_records_held', 'Records held in node state.', node);
    this.#imbalance = gauge(
      'narflow_node_ledger_imbalance',
      'in + created + moved in - out - duplicates - filtered - merged - quarantined - held - moved out; 0 when balanced.',
      node,
    );
    this.#gauges = new ActorGauges(this.registry);
    this.#readBack = counter(
      'narflow_actor_input_read_back_total',
      'Input entries let go from memory past host.inputMemoryBytes and read back from the input log.',
      actor,
    );
    this.#checkpointsTaken = counter('narflow_actor_checkpoints_taken_total', 'Checkpoints taken.', actor);
    this.#checkpointTake = counter(
      'narflow_actor_checkpoint_take_seconds_total',
      "Event-loop time spent taking checkpoints (the handler's snapshot and its encoding); the actor handles nothing meanwhile.",
      actor,
    );
    this.#logCommit = latencies(
      'narflow_input_log_commit_seconds',
      "Duration of the input log's group commits (one O_DSYNC write, durable when it returns): what every answer and hand-over waits for.",
      actor,
    );
    this.#loopDelay = latencies(
      'narflow_actor_event_loop_delay_seconds',
      "How late a 10 ms timer on the actor's thread fired: its stalls (a long handler step, a checkpoint, a GC pause, no core free), which hold back every answer and hand-over of the actor.",
      actor,
    );
    this.#restarts = counter('narflow_actor_restarts_total', 'Restarts of the actor.', actor);
    this.#state = gauge('narflow_actor_state', '1 for the current state of the actor.', [
      'node',
      'actor',
      'state',
    ]);
    this.#backpressured = gauge('narflow_edge_backpressured', '1 while the edge is paused.', ['from', 'to']);
    this.#alarm = gauge('narflow_alarm', '1 while the alarm raised by the actor is active.', [
      'node',
      'actor',
      'alarm',
    ]);
    this.#ingest = new IngestMetrics(this.registry, this.#marks, (scope, event) =>
      this.#reasons.label(scope, event),
    );
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  applyActorStats(stats: ActorStats): void {
    const { node, actor } = stats;
    const check = (field: string, v: number): number => {
      if (!Number.isFinite(v) || v < 0) throw new MetricsInputError(actor, field, v);
      return v;
    };
    const l = stats.ledger;
    for (const k of Object.keys(l) as (keyof Ledger)[]) check(`ledger.${k}`, l[k]);
    for (const [r, v] of Object.entries(stats.quarantinedByReason)) check(`quarantinedByReason.${r}`, v);
    const gauges = this.#gauges.read(stats, check);
    check('redeliveredDropped', stats.redeliveredDropped);

    const track = this.#track(node, actor);
    track.ledger = { ...l };
    for (const k of Object.keys(this.#ledgerCounters) as LedgerCounterName[]) {
      const delta = this.#marks.advance(actor, `ledger.${k}`, l[k], 'high-water');
      if (delta > 0) this.#ledgerCounters[k].inc({ node }, delta);
    }
    for (const [reason, v] of Object.entries(stats.quarantinedByReason)) {
      const delta = this.#marks.advance(actor, `reason.${reason}`, v, 'high-water');
      if (delta > 0) this.addQuarantined(node, reason, delta);
    }
    const byReason = { ...(stats.duplicatesByReason ?? {}) };
    const withReason = Object.values(byReason).reduce((a, b) => a + check('duplicatesByReason', b), 0);
    byReason[UNSPECIFIED_DUPLICATE_REASON] = Math.max(0, l.duplicates - withReason);
    for (const [reason, v] of Object.entries(byReason)) {
      const delta = this.#marks.advance(actor, `duplicates.${reason}`, v, 'high-water');
      if (delta > 0)
        this.#duplicates.inc({ node, reason: this.#reasons.label(`${node}\u0000dup`, reason) }, delta);
    }
    const dropped = this.#marks.advance(actor, 'redeliveredDropped', stats.redeliveredDropped, 'baseline');
    if (dropped > 0) this.#redelivered.inc({ node }, dropped);
    const readBack = this.#marks.advance(
      actor,
      'inputReadBack',
      check('inputReadBack', stats.inputReadBack ?? 0),
      'baseline',
    );
    if (readBack > 0) this.#readBack.inc({ node, actor }, readBack);
    const taken = check('checkpointsTaken', stats.checkpointsTaken ?? 0);
    const takenDelta = this.#marks.advance(actor, 'checkpointsTaken', taken, 'baseline');
    if (takenDelta > 0) this.#checkpointsTaken.inc({ node, actor }, takenDelta);
    const takeMs = check('checkpointTakeMs', stats.checkpointTakeMs ?? 0);
    const takeDelta = this.#marks.advance(actor, 'checkpointTakeMs', takeMs, 'baseline');
    if (takeDelta > 0) this.#checkpointTake.inc({ node, actor }, takeDelta / 1000);
    if (stats.logCommits !== undefined) observeBuckets(this.#logCommit, { node, actor }, stats.logCommits);
    if (stats.eventLoopDelay !== undefined)
      observeBuckets(this.#loopDelay, { node, actor }, stats.eventLoopDelay);

    const labels = { node, actor };
    this.#gauges.set(labels, gauges);
    for (const [to, on] of Object.entries(stats.backpressured)) this.setEdgeBackpressured(actor, to, on);
    const raised = new Set(Object.keys(stats.alarms ?? {}));
    for (const name of new Set([...track.alarms, ...raised])) {
      track.alarms.add(name);
      this.#alarm.set({ node, actor, alarm: name }, raised.has(name) ? 1 : 0);
    }
    if (stats.ingest !== undefined) this.#ingest.applyIngest(node, actor, stats.ingest);
    this.#ingest.applyPeerStats(node, actor, stats.peerStats);
    this.#updateNodeGauges(node);
  }

  /** Counts quarantined records directly (events raised in the main thread, outside any actor). */
  addQuarantined(node: string, reason: string, count: number): void {
    if (count <= 0) return;
    this.#quarantined.inc({ node, reason: this.#reasons.label(node, reason) }, count);
  }

  actorRestarted(node: string, actor: string): void {
    this.#track(node, actor);
    this.#restarts.inc({ node, actor });
  }

  setActorState(node: string, actor: string, state: string): void {
    const track = this.#track(node, actor);
    if (track.state !== undefined && track.state !== state)
      this.#state.remove({ node, actor, state: track.state });
    track.state = state;
    this.#state.set({ node, actor, state }, 1);
  }

  checkpointCommitted(node: string, actor: string): void {
    this.#track(node, actor);
    this.#gauges.setOne('checkpointAgeMs', { node, actor }, 0);
  }

  setEdgeBackpressured(from: string, to: string, on: boolean): void {
    this.#actors.get(from)?.edges.add(to);
    this.#backpressured.set({ from, to }, on ? 1 : 0);
  }

  /** Drops every series labelled with the actor (its edges in both directions included). */
  removeActor(node: string, actor: string): void {
    const track = this.#actors.get(actor);
    const labels = { node, actor };
    this.#gauges.remove(labels);
    for (const c of [this.#restarts, this.#readBack, this.#checkpointsTaken, this.#checkpointTake])
      c.remove(labels);
    this.#logCommit.remove(labels);
    this.#loopDelay.remove(labels);
    if (track?.state !== undefined) this.#state.remove({ ...labels, state: track.state });
    for (const to of track?.edges ?? []) this.#backpressured.remove({ from: actor, to });
    for (const alarm of track?.alarms ?? []) this.#alarm.remove({ ...labels, alarm });
    this.#ingest.removeActor(node, actor);
    for (const [from, other] of this.#actors) {
      if (other.edges.delete(actor)) this.#backpressured.remove({ from, to: actor });
    }
    this.#actors.delete(actor);
    this.#updateNodeGauges(node);
  }

  #track(node: string, actor: string): ActorTrack {
    let t = this.#actors.get(actor);
    if (t === undefined) {
      t = {
        node,
        ledger: emptyLedger(),
        state: undefined,
        edges: new Set(),
        alarms: new Set(),
      };
      this.#actors.set(actor, t);
    }
    return t;
  }

  #updateNodeGauges(node: string): void {
    let held = 0;
    let imbalance = 0;
    let actors = 0;
    for (const t of this.#actors.values()) {
      if (t.node !== node) continue;
      actors += 1;
      held += t.ledger.held;
      imbalance += ledgerImbalance(t.ledger);
    }
    if (actors === 0) {
      this.#held.remove({ node });
      this.#imbalance.remove({ node });
      return;
    }
    this.#held.set({ node }, held);
    this.#imbalance.set({ node }, imbalance);
  }
}
