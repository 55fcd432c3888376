import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ActorRestarted,
  BackpressureChanged,
  CheckpointCommitted,
  RecordsQuarantined,
  emit,
  telemetrySink,
} from '../../../src/actors/telemetry/events.js';
import { emptyLedger } from '../../../src/actors/runtime/ledger.js';
import { createLogger } from '../../../src/actors/telemetry/logger.js';
import { HostMetrics } from '../../../src/actors/telemetry/metrics.js';
import { key, series } from './prom-text.js';

function setup(level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l));
      cb();
    },
  });
  const metrics = new HostMetrics({ defaultMetrics: false });
  let now = 0;
  const sink = telemetrySink(createLogger({ level, destination: stream }), metrics, { now: () => now });
  return { lines, metrics, sink, advance: (ms: number) => (now += ms) };
}

describe('emit', () => {
  it('RecordsQuarantined writes one rate-limited warn line per node and reason and counts every record', async () => {
    const { lines, metrics, sink, advance } = setup();
    const ev = new RecordsQuarantined({ node: 'ei-gtpp-1', reason: 'ber_truncated', count: 3 });
    emit(ev, sink);
    emit(ev, sink);
    emit(new RecordsQuarantined({ node: 'ei-gtpp-1', reason: 'bad_length', count: 1 }), sink);
    advance(10_000);
    emit(ev, sink);
    const s = series(await metrics.metricsText());
    const labels = { node: 'ei-gtpp-1', reason: 'ber_truncated' };
    expect(s.get(key('narflow_node_quarantined_records_total', labels))).toBe(9);
    expect(s.get(key('narflow_node_quarantined_records_total', { ...labels, reason: 'bad_length' }))).toBe(1);
    expect(lines.map((l) => [l.level, l.reason, l.suppressed])).toEqual([
      [40, 'ber_truncated', 0],
      [40, 'bad_length', 0],
      [40, 'ber_truncated', 1],
    ]);
  });

  it('ActorRestarted logs a warning with the reason and counts the restart', async () => {
    const { lines, metrics, sink } = setup();
    emit(new ActorRestarted({ node: 'oe-3', actor: 'oe-3.1', reason: 'abnormal: TypeError' }), sink);
    const s = series(await metrics.metricsText());
    expect(s.get(key('narflow_actor_restarts_total', { node: 'oe-3', actor: 'oe-3.1' }))).toBe(1);
    expect(lines[0]).toMatchObject({ level: 40, actor: 'oe-3.1', reason: 'abnormal: TypeError' });
  });

  it('CheckpointCommitted logs at debug only and resets the checkpoint age', async () => {
    const quiet = setup('info');
    quiet.metrics.applyActorStats({
      node: 'oe-3',
      actor: 'oe-3.1',
      ledger: emptyLedger(),
      quarantinedByReason: {},
      queueDepth: 0,
      checkpointAgeMs: 4000,
      eventLoopUtilization: 0,
      redeliveredDropped: 0,
      durableLsn: 0,
      backpressured: {},
    });
    emit(new CheckpointCommitted({ node: 'oe-3', actor: 'oe-3.1', position: 42 }), quiet.sink);
    expect(quiet.lines).toEqual([]);
    const s = series(await quiet.metrics.metricsText());
    expect(s.get(key('narflow_actor_checkpoint_age_seconds', { node: 'oe-3', actor: 'oe-3.1' }))).toBe(0);
    const loud = setup('debug');
    emit(new CheckpointCommitted({ node: 'oe-3', actor: 'oe-3.1', position: 42 }), loud.sink);
    expect(loud.lines[0]).toMatchObject({ level: 20, position: 42 });
  });

  it('BackpressureChanged sets the edge gauge and says whether the edge paused or resumed', async () => {
    const { lines, metrics, sink } = setup();
    emit(new BackpressureChanged({ from: 'ep-1.0', to: 'oe-3.1', backpressured: true }), sink);
    let s = series(await metrics.metricsText());
    expect(s.get(key('narflow_edge_backpressured', { from: 'ep-1.0', to: 'oe-3.1' }))).toBe(1);
    emit(new BackpressureChanged({ from: 'ep-1.0', to: 'oe-3.1', backpressured: false }), sink);
    s = series(await metrics.metricsText());
    expect(s.get(key('narflow_edge_backpressured', { from: 'ep-1.0', to: 'oe-3.1' }))).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(['edge paused by back-pressure', 'edge resumed']);
  });

  it('only logs when the sink has no metrics (worker threads)', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    });
    const sink = telemetrySink(createLogger({ level: 'info', destination: stream }));
    emit(new RecordsQuarantined({ node: 'ei-1', reason: 'x', count: 2 }), sink);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 40, node: 'ei-1', reason: 'x', count: 2 });
    expect(sink.metrics).toBeUndefined();
  });
});
