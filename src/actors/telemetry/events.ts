/**
 * Typed telemetry events: one `emit` writes the log line and updates the metrics together, so the
 * two never disagree about what happened.
 *
 * In worker threads there are no metrics (counts reach the host in the stats message): a sink
 * without `metrics` only logs. In the main thread, emit an event instead of touching the metric
 * directly, and only for what the stats do not already carry (e.g. `RecordsQuarantined` for input
 * rejected outside any actor), or it is counted twice.
 */
import type { Logger } from 'pino';
import { RateLimitedLog, type RateLimitOptions } from './logger.js';
import type { HostMetrics } from './metrics.js';

export class RecordsQuarantined {
  readonly kind = 'records_quarantined' as const;
  readonly node: string;
  /** A bounded error code (it becomes the `reason` label unchanged). */
  readonly reason: string;
  readonly count: number;
  readonly source: string | undefined;
  constructor(f: { node: string; reason: string; count: number; source?: string }) {
    this.node = f.node;
    this.reason = f.reason;
    this.count = f.count;
    this.source = f.source;
  }
}

export class ActorRestarted {
  readonly kind = 'actor_restarted' as const;
  readonly node: string;
  readonly actor: string;
  /** Printable exit reason of the instance that ended. */
  readonly reason: string;
  constructor(f: { node: string; actor: string; reason: string }) {
    this.node = f.node;
    this.actor = f.actor;
    this.reason = f.reason;
  }
}

export class CheckpointCommitted {
  readonly kind = 'checkpoint_committed' as const;
  readonly node: string;
  readonly actor: string;
  /** Input-log position the checkpoint covers. */
  readonly position: number;
  constructor(f: { node: string; actor: string; position: number }) {
    this.node = f.node;
    this.actor = f.actor;
    this.position = f.position;
  }
}

export class BackpressureChanged {
  readonly kind = 'backpressure_changed' as const;
  readonly from: string;
  readonly to: string;
  readonly backpressured: boolean;
  constructor(f: { from: string; to: string; backpressured: boolean }) {
    this.from = f.from;
    this.to = f.to;
    this.backpressured = f.backpressured;
  }
}

export type TelemetryEvent = RecordsQuarantined | ActorRestarted | CheckpointCommitted | BackpressureChanged;

/** The part of HostMetrics that events update. */
export type EventMetrics = Pick<
  HostMetrics,
  'addQuarantined' | 'actorRestarted' | 'checkpointCommitted' | 'setEdgeBackpressured'
>;

export interface TelemetrySink {
  readonly log: Logger;
  /** Rate limiter for lines a misbehaving peer can repeat; keep one per sink for its lifetime. */
  readonly limited: RateLimitedLog;
  /** Absent in worker threads. */
  readonly metrics: EventMetrics | undefined;
}

export function telemetrySink(
  log: Logger,
  metrics?: EventMetrics,
  rateLimit?: RateLimitOptions,
): TelemetrySink {
  return { log, limited: new RateLimitedLog(log, rateLimit), metrics };
}

export function emit(event: TelemetryEvent, sink: TelemetrySink): void {
  const m = sink.metrics;
  switch (event.kind) {
    case 'records_quarantined':
      sink.limited.warn(
        `quarantine:${event.node}:${event.reason}`,
        { node: event.node, reason: event.reason, count: event.count, source: event.source },
        'input quarantined',
      );
      m?.addQuarantined(event.node, event.reason, event.count);
      return;
    case 'actor_restarted':
      sink.log.warn({ node: event.node, actor: event.actor, reason: event.reason }, 'actor restarted');
      m?.actorRestarted(event.node, event.actor);
      return;
    case 'checkpoint_committed':
      sink.log.debug(
        { node: event.node, actor: event.actor, position: event.position },
        'checkpoint committed',
      );
      m?.checkpointCommitted(event.node, event.actor);
      return;
    case 'backpressure_changed':
      sink.log.info(
        { from: event.from, to: event.to, backpressured: event.backpressured },
        event.backpressured ? 'edge paused by back-pressure' : 'edge resumed',
      );
      m?.setEdgeBackpressured(event.from, event.to, event.backpressured);
      return;
  }
}
