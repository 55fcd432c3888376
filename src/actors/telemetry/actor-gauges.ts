/**
 * The per-actor gauges the host sets from each actor's stats message: one row per gauge (the stats
 * field it shows, its metric, and the value's conversion to the metric's unit), so a new gauge is
 * one row, not five places in HostMetrics.
 */
import { Gauge, type Registry } from 'prom-client';

export type GaugeField =
  | 'queueDepth'
  | 'inputMemoryBytes'
  | 'checkpointAgeMs'
  | 'checkpointBytes'
  | 'checkpointIntervalMs'
  | 'timeLagMs'
  | 'eventLoopUtilization'
  | 'durableLsn';

/** What the stats carry of the gauges (absent: 0). */
export type GaugeValues = { readonly [F in GaugeField]?: number | undefined };

type Labels = { readonly node: string; readonly actor: string };

interface GaugeRow {
  readonly field: GaugeField;
  readonly name: string;
  readonly help: string;
  /** The stats value (checked: finite, ≥ 0) in the metric's unit. */
  readonly toMetric: (v: number) => number;
}

const same = (v: number): number => v;
const seconds = (ms: number): number => ms / 1000;

const ROWS: readonly GaugeRow[] = [
  {
    field: 'queueDepth',
    name: 'narflow_actor_queue_depth',
    help: 'Batches waiting in the actor input.',
    toMetric: same,
  },
  {
    field: 'inputMemoryBytes',
    name: 'narflow_actor_input_memory_bytes',
    help: 'Payload bytes of input entries kept in memory for handling (at most host.inputMemoryBytes).',
    toMetric: same,
  },
  {
    field: 'checkpointAgeMs',
    name: 'narflow_actor_checkpoint_age_seconds',
    help: 'Seconds since the last checkpoint.',
    toMetric: seconds,
  },
  {
    field: 'checkpointBytes',
    name: 'narflow_actor_checkpoint_bytes',
    help: 'Encoded size of the last checkpoint taken (handler state, output and ledger books).',
    toMetric: same,
  },
  {
    field: 'checkpointIntervalMs',
    name: 'narflow_actor_checkpoint_interval_seconds',
    help: 'Wait between periodic checkpoints now: host.checkpointIntervalMs, or longer after a checkpoint that took more than host.checkpointMaxLoad of the interval.',
    toMetric: seconds,
  },
  {
    field: 'timeLagMs',
    name: 'narflow_actor_time_lag_seconds',
    help: "How far the actor's time (its latest tick) is behind the wall clock. An actor fed by others takes their time: it lags while their input is behind (a backlog, a producer down or replaying), and its timeouts wait as long.",
    toMetric: seconds,
  },
  {
    field: 'eventLoopUtilization',
    name: 'narflow_actor_event_loop_utilization',
    help: 'Event-loop utilisation, 0..1.',
    toMetric: (v) => Math.min(1, v),
  },
  {
    field: 'durableLsn',
    name: 'narflow_input_log_durable_lsn',
    help: 'Last durable input-log position.',
    toMetric: same,
  },
];

export class ActorGauges {
  readonly #gauges: ReadonlyMap<GaugeField, Gauge<'node' | 'actor'>>;

  constructor(registry: Registry) {
    this.#gauges = new Map(
      ROWS.map((r) => [
        r.field,
        new Gauge({
          name: r.name,
          help: r.help,
          labelNames: ['node', 'actor'] as const,
          registers: [registry],
        }),
      ]),
    );
  }

  /**
   * Each gauge's metric value from `stats`, every field checked by `check` first (so a bad value
   * throws before anything is set); `set` applies them.
   */
  read(stats: GaugeValues, check: (field: string, v: number) => number): ReadonlyMap<GaugeField, number> {
    return new Map(ROWS.map((r) => [r.field, r.toMetric(check(r.field, stats[r.field] ?? 0))]));
  }

  set(labels: Labels, values: ReadonlyMap<GaugeField, number>): void {
    for (const [field, v] of values) this.#gauges.get(field)?.set(labels, v);
  }

  /** One gauge, outside a stats message (a checkpoint committed: its age is 0). */
  setOne(field: GaugeField, labels: Labels, metricValue: number): void {
    this.#gauges.get(field)?.set(labels, metricValue);
  }

  remove(labels: Labels): void {
    for (const g of this.#gauges.values()) g.remove(labels);
  }
}
