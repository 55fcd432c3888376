import { describe, expect, it } from 'vitest';
import {
  linksOf,
  planActors,
  topologicalOrder,
  type HostPlan,
  type NodePlan,
} from '../../../src/cluster/host/plan.js';

function node(id: string, kind: NodePlan['kind'], to: string[][] = [], partitions = 1): NodePlan {
  return {
    id,
    type: 't',
    kind,
    partitions,
    settings: {},
    restart: 'permanent',
    shutdown: 5000,
    poisonAfter: 3,
    destinations: to.map((t) => ({ to: t, channel: 'default', routing: { type: 'round-robin' } })),
  };
}

const base: Omit<HostPlan, 'nodes'> = {
  hostId: 'h',
  dataDir: '/tmp/x',
  plugins: [],
  startTimeoutMs: 1000,
  root: {},
  pipeline: {},
  metrics: { enabled: false, host: '127.0.0.1', port: 0 },
  runtime: {
    groupCommitMs: 5,
    checkpointIntervalMs: 1000,
    checkpointMaxLoad: 0.05,
    timeLagAlarmMs: 300_000,
    tickIntervalMs: 1000,
    segmentBytes: 1 << 20,
    batchMaxRecords: 1000,
    inputMemoryBytes: 33_554_432,
    mailboxBatches: 16,
    retentionMs: 0,
    logLevel: 'info',
    statsIntervalMs: 250,
    errorRateLimitMs: 10_000,
    poolThreads: 0,
  },
};

describe('host plan', () => {
  it('ensures nodes are ordered so every producer comes before its consumers, whatever the config order', () => {
    const nodes = [node('oi', 'OI'), node('ep', 'EP', [['oi']]), node('ei', 'EI', [['ep'], ['oi']])];
    expect(topologicalOrder(nodes).map((n) => n.id)).toEqual(['ei', 'ep', 'oi']);
  });

  it('ensures a cycle is refused', () => {
    expect(() => topologicalOrder([node('a', 'EP', [['b']]), node('b', 'EP', [['a']])])).toThrow(/cycle/);
  });

  it('ensures partitions expand to actors and destinations to every target actor, with one link per actor pair', () => {
    const plan: HostPlan = {
      ...base,
      nodes: [node('ei', 'EI', [['ep'], ['ep', 'oi']]), node('ep', 'EP', [['oi']], 3), node('oi', 'OI')],
    };
    const actors = planActors(plan);
    expect(actors.map((a) => a.actorId)).toEqual(['ei.0', 'ep.0', 'ep.1', 'ep.2', 'oi.0']);
    expect(actors[0]?.outputs.map((o) => o.targets)).toEqual([
      ['ep.0', 'ep.1', 'ep.2'],
      ['ep.0', 'ep.1', 'ep.2', 'oi.0'],
    ]);
    const links = linksOf(actors).map((l) => `${l.producer}>${l.consumer}`);
    expect(links).toEqual([
      'ei.0>ep.0',
      'ei.0>ep.1',
      'ei.0>ep.2',
      'ei.0>oi.0',
      'ep.0>oi.0',
      'ep.1>oi.0',
      'ep.2>oi.0',
    ]);
  });
});
