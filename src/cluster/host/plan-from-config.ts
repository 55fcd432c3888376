/** Turns a validated config into the host's plan (node kinds come from the registry). */
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import type { LoadedConfig } from '../config/index.js';
import type { HostPlan, NodePlan } from './plan.js';

/** How often actors report statistics to the host. */
export const STATS_INTERVAL_MS = 250;

export function planFromConfig(config: LoadedConfig, registry: NodeTypeRegistry): HostPlan {
  const h = config.host;
  const nodes: NodePlan[] = config.nodes.map((n) => {
    const type = registry.get(n.type);
    if (type === undefined) throw new Error(`node ${n.id}: node type "${n.type}" is not registered`);
    return {
      id: n.id,
      type: n.type,
      kind: type.kind,
      partitions: n.partitions,
      settings: n.settings,
      restart: n.supervision.restart,
      shutdown: n.supervision.shutdown,
      backoff: n.supervision.backoff,
      poisonAfter: n.supervision.poisonAfter,
      destinations: n.destinations.map((d) => ({ to: d.to, channel: d.channel, routing: d.routing })),
    };
  });
  return {
    hostId: h.id,
    dataDir: h.dataDir,
    plugins: config.plugins,
    startTimeoutMs: h.startTimeoutMs,
    runtime: {
      groupCommitMs: h.groupCommitMs,
      checkpointIntervalMs: h.checkpointIntervalMs,
      checkpointMaxLoad: h.checkpointMaxLoad,
      timeLagAlarmMs: h.timeLagAlarmSeconds * 1000,
      tickIntervalMs: h.tickIntervalMs,
      segmentBytes: h.segmentBytes,
      batchMaxRecords: h.batch.maxRecords,
      mailboxBatches: h.batch.mailboxBatches,
      inputMemoryBytes: h.inputMemoryBytes,
      retentionMs: h.retention.periodSeconds * 1000,
      logLevel: h.log.level,
      statsIntervalMs: STATS_INTERVAL_MS,
      errorRateLimitMs: h.log.errorRateLimitSeconds * 1000,
      poolThreads: h.pool.threads,
    },
    root: {
      strategy: 'one_for_one',
      intensity: config.supervision.root.intensity,
      period: config.supervision.root.period,
    },
    pipeline: config.supervision.pipeline,
    metrics: h.metrics,
    nodes,
  };
}
