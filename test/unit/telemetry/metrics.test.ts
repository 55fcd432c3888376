import { describe, expect, it } from 'vitest';
import {
  HostMetrics,
  MAX_PEER_LABELS,
  MAX_REASON_LABELS,
  MetricsInputError,
  OVERFLOW_REASON,
  type ActorStats,
} from '../../../src/actors/telemetry/metrics.js';
import { emptyLedger, type Ledger } from '../../../src/actors/runtime/ledger.js';
import { LatencySamples } from '../../../src/actors/nodes/ei/datagram/latency.js';
import { LatencyBuckets } from '../../../src/actors/telemetry/latency-buckets.js';
import { key, series } from './prom-text.js';

function stats(over: Partial<Omit<ActorStats, 'ledger'>> & { ledger?: Partial<Ledger> } = {}): ActorStats {
  return {
    node: 'oe-3',
    actor: 'oe-3.0',
    quarantinedByReason: {},
    queueDepth: 0,
    checkpointAgeMs: 0,
    eventLoopUtilization: 0,
    redeliveredDropped: 0,
    durableLsn: 0,
    backpressured: {},
    ...over,
    ledger: { ...emptyLedger(), ...over.ledger },
  };
}

async function read(m: HostMetrics): Promise<Map<string, number>> {
  return series(await m.metricsText());
}

const node = { node: 'oe-3' };
const actor = { node: 'oe-3', actor: 'oe-3.0' };

describe('HostMetrics.applyActorStats', () => {
  it('exposes ledger counters, gauges and edge state with the values reported', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(
      stats({
        ledger: {
          in: 100,
          created: 5,
          out: 80,
          duplicates: 3,
          filtered: 4,
          merged: 2,
          quarantined: 6,
          held: 10,
        },
        quarantinedByReason: { ber_truncated: 4, bad_length: 2 },
        queueDepth: 7,
        checkpointAgeMs: 2500,
        eventLoopUtilization: 0.25,
        redeliveredDropped: 9,
        durableLsn: 1234,
        backpressured: { 'oi-1.0': true, 'oi-2.0': false },
      }),
    );
    const s = await read(m);
    expect(s.get(key('narflow_node_records_in_total', node))).toBe(100);
    expect(s.get(key('narflow_node_records_created_total', node))).toBe(5);
    expect(s.get(key('narflow_node_records_out_total', node))).toBe(80);
    expect(s.get(key('narflow_node_duplicates_dropped_total', { ...node, reason: 'unspecified' }))).toBe(3);
    expect(s.get(key('narflow_node_records_filtered_total', node))).toBe(4);
    expect(s.get(key('narflow_node_records_merged_total', node))).toBe(2);
    expect(s.get(key('narflow_node_quarantined_records_total', { ...node, reason: 'ber_truncated' }))).toBe(
      4,
    );
    expect(s.get(key('narflow_node_quarantined_records_total', { ...node, reason: 'bad_length' }))).toBe(2);
    expect(s.get(key('narflow_node_records_held', node))).toBe(10);
    expect(s.get(key('narflow_node_ledger_imbalance', node))).toBe(0);
    expect(s.get(key('narflow_actor_queue_depth', actor))).toBe(7);
    expect(s.get(key('narflow_actor_checkpoint_age_seconds', actor))).toBe(2.5);
    expect(s.get(key('narflow_actor_event_loop_utilization', actor))).toBe(0.25);
    expect(s.get(key('narflow_batches_redelivered_dropped_total', node))).toBe(9);
    expect(s.get(key('narflow_input_log_durable_lsn', actor))).toBe(1234);
    expect(s.get(key('narflow_edge_backpressured', { from: 'oe-3.0', to: 'oi-1.0' }))).toBe(1);
    expect(s.get(key('narflow_edge_backpressured', { from: 'oe-3.0', to: 'oi-2.0' }))).toBe(0);
  });

  it('adds only the increase between two reports', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(stats({ ledger: { in: 10, out: 10 }, quarantinedByReason: { x: 1 } }));
    m.applyActorStats(stats({ ledger: { in: 25, out: 25 }, quarantinedByReason: { x: 3 } }));
    const s = await read(m);
    expect(s.get(key('narflow_node_records_in_total', node))).toBe(25);
    expect(s.get(key('narflow_node_quarantined_records_total', { ...node, reason: 'x' }))).toBe(3);
  });

  it('sums the partitions of a node into its counters and gauges, and reports an imbalance', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(stats({ actor: 'oe-3.0', ledger: { in: 10, out: 7, held: 3 } }));
    m.applyActorStats(stats({ actor: 'oe-3.1', ledger: { in: 20, out: 15, held: 2 } }));
    const s = await read(m);
    expect(s.get(key('narflow_node_records_in_total', node))).toBe(30);
    expect(s.get(key('narflow_node_records_held', node))).toBe(5);
    expect(s.get(key('narflow_node_ledger_imbalance', node))).toBe(3);
  });

  it('never decrements after a restart reports lower cumulative values, and does not count the replay twice', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(
      stats({ ledger: { in: 100, out: 100 }, quarantinedByReason: { x: 5 }, redeliveredDropped: 8 }),
    );
    m.actorRestarted('oe-3', 'oe-3.0');
    // Restored from a checkpoint at in=60: lower values, then the replay catches up and goes further.
    m.applyActorStats(
      stats({ ledger: { in: 60, out: 60 }, quarantinedByReason: { x: 2 }, redeliveredDropped: 1 }),
    );
    let s = await read(m);
    expect(s.get(key('narflow_node_records_in_total', node))).toBe(100);
    expect(s.get(key('narflow_node_quarantined_records_total', { ...node, reason: 'x' }))).toBe(5);
    expect(s.get(key('narflow_batches_redelivered_dropped_total', node))).toBe(8);
    expect(s.get(key('narflow_actor_restarts_total', actor))).toBe(1);
    m.applyActorStats(
      stats({ ledger: { in: 130, out: 130 }, quarantinedByReason: { x: 6 }, redeliveredDropped: 4 }),
    );
    s = await read(m);
    expect(s.get(key('narflow_node_records_in_total', node))).toBe(130);
    expect(s.get(key('narflow_node_quarantined_records_total', { ...node, reason: 'x' }))).toBe(6);
    // Not checkpointed: counted from the new baseline (1 → 4).
    expect(s.get(key('narflow_batches_redelivered_dropped_total', node))).toBe(11);
  });

  it('exposes the input kept in memory as a gauge and entries read back from the log as a counter that survives restarts', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(stats({ inputMemoryBytes: 4096, inputReadBack: 30 }));
    let s = await read(m);
    expect(s.get(key('narflow_actor_input_memory_bytes', actor))).toBe(4096);
    expect(s.get(key('narflow_actor_input_read_back_total', actor))).toBe(30);
    m.actorRestarted('oe-3', 'oe-3.0');
    // Counted since the actor started: a restart starts again from 0.
    m.applyActorStats(stats({ inputMemoryBytes: 0, inputReadBack: 0 }));
    m.applyActorStats(stats({ inputMemoryBytes: 100, inputReadBack: 5 }));
    s = await read(m);
    expect(s.get(key('narflow_actor_input_memory_bytes', actor))).toBe(100);
    expect(s.get(key('narflow_actor_input_read_back_total', actor))).toBe(35);
    expect(() => m.applyActorStats(stats({ inputMemoryBytes: -1 }))).toThrow(MetricsInputError);
  });

  it('exposes the last checkpoint size as a gauge, and checkpoints taken and the time taking them as counters that survive restarts', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(stats({ checkpointBytes: 2048, checkpointsTaken: 4, checkpointTakeMs: 10 }));
    let s = await read(m);
    expect(s.get(key('narflow_actor_checkpoint_bytes', actor))).toBe(2048);
    expect(s.get(key('narflow_actor_checkpoints_taken_total', actor))).toBe(4);
    expect(s.get(key('narflow_actor_checkpoint_take_seconds_total', actor))).toBeCloseTo(0.01, 9);
    m.actorRestarted('oe-3', 'oe-3.0');
    m.applyActorStats(stats({ checkpointBytes: 0, checkpointsTaken: 0, checkpointTakeMs: 0 }));
    m.applyActorStats(stats({ checkpointBytes: 512, checkpointsTaken: 1, checkpointTakeMs: 5 }));
    s = await read(m);
    expect(s.get(key('narflow_actor_checkpoint_bytes', actor))).toBe(512);
    expect(s.get(key('narflow_actor_checkpoints_taken_total', actor))).toBe(5);
    expect(s.get(key('narflow_actor_checkpoint_take_seconds_total', actor))).toBeCloseTo(0.015, 9);
    expect(() => m.applyActorStats(stats({ checkpointTakeMs: Number.NaN }))).toThrow(MetricsInputError);
    m.removeActor('oe-3', 'oe-3.0');
    expect((await m.metricsText()).includes('narflow_actor_checkpoint_bytes{')).toBe(false);
  });

  it.each([
    ['logCommits', 'narflow_input_log_commit_seconds'],
    ['eventLoopDelay', 'narflow_actor_event_loop_delay_seconds'],
  ] as const)('adds the %s of each report into the histogram %s per actor', async (field, metric) => {
    const m = new HostMetrics({ defaultMetrics: false });
    const reported = new LatencyBuckets();
    for (const ms of [0.3, 0.8, 4]) reported.record(ms);
    m.applyActorStats(stats({ [field]: reported.take() }));
    reported.record(30);
    m.applyActorStats(stats({ [field]: reported.take() }));
    const s = await read(m);
    const bucket = (le: string): number | undefined => s.get(key(`${metric}_bucket`, { ...actor, le }));
    expect([bucket('0.0005'), bucket('0.001'), bucket('0.005'), bucket('0.02'), bucket('0.05')]).toEqual([
      1, 2, 3, 3, 4,
    ]);
    expect(s.get(key(`${metric}_count`, actor))).toBe(4);
    expect(s.get(key(`${metric}_sum`, actor))).toBeCloseTo(0.0351, 9);
    m.removeActor('oe-3', 'oe-3.0');
    expect((await m.metricsText()).includes(`${metric}_bucket{`)).toBe(false);
  });

  it('caps distinct quarantine reasons per node and counts the rest as other', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    const reasons: Record<string, number> = {};
    for (let i = 0; i < MAX_REASON_LABELS + 3; i++) reasons[`r${i}`] = 1;
    m.applyActorStats(stats({ quarantinedByReason: reasons }));
    const s = await read(m);
    const labelled = [...s.keys()].filter((k) => k.startsWith('narflow_node_quarantined_records_total'));
    expect(labelled).toHaveLength(MAX_REASON_LABELS + 1);
    expect(s.get(key('narflow_node_quarantined_records_total', { ...node, reason: OVERFLOW_REASON }))).toBe(
      3,
    );
  });

  it('rejects a negative or non-finite value naming the actor and field', () => {
    const m = new HostMetrics({ defaultMetrics: false });
    expect(() => m.applyActorStats(stats({ queueDepth: -1 }))).toThrow(MetricsInputError);
    expect(() => m.applyActorStats(stats({ ledger: { in: Number.NaN } }))).toThrow(
      /actor oe-3\.0: ledger\.in: expected a finite number >= 0, got NaN/,
    );
  });
});

describe('HostMetrics actor lifecycle', () => {
  it('keeps one state series per actor, set to 1 for the current state', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.setActorState('oe-3', 'oe-3.0', 'starting');
    m.setActorState('oe-3', 'oe-3.0', 'running');
    const s = await read(m);
    expect(s.get(key('narflow_actor_state', { ...actor, state: 'running' }))).toBe(1);
    expect(s.has(key('narflow_actor_state', { ...actor, state: 'starting' }))).toBe(false);
  });

  it('removeActor drops every series of the actor, its edges in both directions, and its share of node gauges', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(
      stats({ actor: 'oe-3.0', ledger: { in: 5, held: 5 }, backpressured: { 'oi-1.0': true } }),
    );
    m.applyActorStats(
      stats({ actor: 'oe-3.1', ledger: { in: 4, held: 1 }, backpressured: { 'oe-3.0': false } }),
    );
    m.setActorState('oe-3', 'oe-3.0', 'running');
    m.actorRestarted('oe-3', 'oe-3.0');
    m.removeActor('oe-3', 'oe-3.0');
    const s = await read(m);
    const left = [...s.keys()].filter((k) => k.includes('"oe-3.0"'));
    expect(left).toEqual([]);
    expect(s.get(key('narflow_actor_queue_depth', { node: 'oe-3', actor: 'oe-3.1' }))).toBe(0);
    expect(s.get(key('narflow_node_records_held', node))).toBe(1);
    expect(s.get(key('narflow_node_records_in_total', node))).toBe(9);
    m.removeActor('oe-3', 'oe-3.1');
    const after = await read(m);
    expect(after.has(key('narflow_node_records_held', node))).toBe(false);
    expect(after.has(key('narflow_node_ledger_imbalance', node))).toBe(false);
  });

  it('does not count an actor again from zero when it comes back after removal', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(stats({ ledger: { in: 50, out: 50 } }));
    m.removeActor('oe-3', 'oe-3.0');
    m.applyActorStats(stats({ ledger: { in: 70, out: 70 } }));
    expect((await read(m)).get(key('narflow_node_records_in_total', node))).toBe(70);
  });

  it('includes the process metrics and names its content type', async () => {
    const m = new HostMetrics();
    const text = await m.metricsText();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

describe('alarms', () => {
  it('ensures an alarm is 1 while raised, 0 once cleared, and gone with its actor', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    const labels = { ...actor, alarm: 'database_unavailable' };
    m.applyActorStats(stats({ alarms: { database_unavailable: { sinceMs: 1, detail: 'ECONNREFUSED' } } }));
    expect((await read(m)).get(key('narflow_alarm', labels))).toBe(1);
    m.applyActorStats(stats({ alarms: {} }));
    expect((await read(m)).get(key('narflow_alarm', labels))).toBe(0);
    m.removeActor('oe-3', 'oe-3.0');
    expect((await read(m)).has(key('narflow_alarm', labels))).toBe(false);
  });
});

describe('duplicates by reason', () => {
  it('ensures dropped duplicates are counted per reason, the rest of the ledger count as unspecified', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    m.applyActorStats(
      stats({
        ledger: { in: 20, duplicates: 7 },
        duplicatesByReason: { late_duplicate: 2, in_session_duplicate: 4 },
      }),
    );
    const s = await read(m);
    const dup = (reason: string) =>
      s.get(key('narflow_node_duplicates_dropped_total', { node: 'oe-3', reason }));
    expect([dup('late_duplicate'), dup('in_session_duplicate'), dup('unspecified')]).toEqual([2, 4, 1]);
    m.applyActorStats(
      stats({
        ledger: { in: 30, duplicates: 9 },
        duplicatesByReason: { late_duplicate: 4, in_session_duplicate: 4 },
      }),
    );
    const t = await read(m);
    expect(
      t.get(key('narflow_node_duplicates_dropped_total', { node: 'oe-3', reason: 'late_duplicate' })),
    ).toBe(4);
  });
});

describe('HostMetrics ingest stats', () => {
  it('ensures ingest events count up from each report, restart from a new baseline, and latency and gauges are exposed', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    const ei = { node: 'gtpp', actor: 'gtpp.0' };
    const at = (
      events: Record<string, number>,
      latencyMs = { p50: 2, p99: 9, max: 15, count: 10 },
    ): ActorStats =>
      stats({
        ...ei,
        ingest: { events, latencyMs, gauges: { receive_buffer_bytes: 8_388_608, overloaded: 0 } },
      });
    m.applyActorStats(at({ drt_accepted: 10, peer_refused: 2 }));
    m.applyActorStats(at({ drt_accepted: 25, peer_refused: 2 }));
    // After a restart the source counts from 0 again: 4 more, not a decrease (10 + 15 + 4 + 2).
    m.applyActorStats(at({ drt_accepted: 4, peer_refused: 2 }));
    m.applyActorStats(at({ drt_accepted: 6, peer_refused: 3 }));
    const s = await read(m);
    expect(s.get(key('narflow_ingest_events_total', { node: 'gtpp', event: 'drt_accepted' }))).toBe(31);
    expect(s.get(key('narflow_ingest_events_total', { node: 'gtpp', event: 'peer_refused' }))).toBe(3);
    expect(s.get(key('narflow_ingest_response_seconds', { ...ei, quantile: '0.99' }))).toBeCloseTo(0.009);
    expect(s.get(key('narflow_ingest_state', { ...ei, name: 'receive_buffer_bytes' }))).toBe(8_388_608);
    m.removeActor('gtpp', 'gtpp.0');
    const after = await read(m);
    expect(after.get(key('narflow_ingest_state', { ...ei, name: 'receive_buffer_bytes' }))).toBeUndefined();
  });

  it('ensures the answers counted per bucket add up across reports into an exact histogram (buckets, count, sum)', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    const ei = { node: 'gtpp', actor: 'gtpp.0' };
    const latency = new LatencySamples();
    const report = (values: number[]): ActorStats => {
      for (const v of values) latency.record(v);
      return stats({ ...ei, ingest: { events: {}, latencyMs: latency.take() } });
    };
    m.applyActorStats(report([0.2, 0.4, 3, 12]));
    m.applyActorStats(report([4, 15, 18, 800]));
    m.applyActorStats(report([]));
    const s = await read(m);
    const bucket = (le: string): number | undefined =>
      s.get(key('narflow_ingest_response_duration_seconds_bucket', { ...ei, le }));
    expect([bucket('0.0005'), bucket('0.005'), bucket('0.01'), bucket('0.02'), bucket('0.5')]).toEqual([
      2, 4, 4, 7, 7,
    ]);
    expect([bucket('1'), bucket('+Inf')]).toEqual([8, 8]);
    expect(s.get(key('narflow_ingest_response_duration_seconds_count', ei))).toBe(8);
    expect(s.get(key('narflow_ingest_response_duration_seconds_sum', ei))).toBeCloseTo(0.8526, 9);
    m.removeActor('gtpp', 'gtpp.0');
    expect((await m.metricsText()).includes('narflow_ingest_response_duration_seconds_bucket{')).toBe(false);
  });

  it('ensures per-peer events are counted with a peer label, and peers past the cap share "other"', async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    const ei = { node: 'flows', actor: 'flows.0' };
    const peers: Record<string, Record<string, number>> = {};
    for (let i = 0; i < MAX_PEER_LABELS + 2; i++)
      peers[`10.0.${i >> 8}.${i & 255}`] = { packets: 3, lost_packets: 1 };
    m.applyActorStats(stats({ ...ei, ingest: { events: {}, peers } }));
    peers['10.0.0.0'] = { packets: 5, lost_packets: 1 };
    m.applyActorStats(stats({ ...ei, ingest: { events: {}, peers } }));
    const s = await read(m);
    expect(
      s.get(key('narflow_ingest_peer_events_total', { node: 'flows', peer: '10.0.0.0', event: 'packets' })),
    ).toBe(5);
    expect(
      s.get(
        key('narflow_ingest_peer_events_total', { node: 'flows', peer: '10.0.0.1', event: 'lost_packets' }),
      ),
    ).toBe(1);
    expect(
      s.get(key('narflow_ingest_peer_events_total', { node: 'flows', peer: 'other', event: 'packets' })),
    ).toBe(6);
  });

  it("ensures a handler's checkpointed per-peer counts are exported once: a restart back to the checkpoint counts nothing twice", async () => {
    const m = new HostMetrics({ defaultMetrics: false });
    const at = (lost: number): ActorStats =>
      stats({ node: 'flows', actor: 'flows.0', peerStats: { '192.0.2.1': { lost_packets: lost } } });
    m.applyActorStats(at(3));
    m.applyActorStats(at(7));
    m.applyActorStats(at(5)); // restarted from a checkpoint taken at 5: replaying brings it back to 7
    m.applyActorStats(at(7));
    m.applyActorStats(at(9));
    const s = await read(m);
    expect(
      s.get(
        key('narflow_node_peer_events_total', { node: 'flows', peer: '192.0.2.1', event: 'lost_packets' }),
      ),
    ).toBe(9);
  });
});
