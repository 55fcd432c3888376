import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../src/cluster/cli/status.js';
import type { HostStatus } from '../../../src/cluster/host/host-status.js';
import type { ActorStatsMessage } from '../../../src/actors/runtime/protocol.js';
import { emptyLedger } from '../../../src/actors/runtime/ledger.js';

function stats(alarms: ActorStatsMessage['alarms'], checkpointIntervalMs = 1000): ActorStatsMessage {
  return {
    type: 'stats',
    position: 10,
    lastLsn: 10,
    durableLsn: 10,
    committedPosition: 9,
    checkpointAgeMs: 1500,
    checkpointBytes: 25_395,
    checkpointsTaken: 3,
    checkpointTakeMs: 2.5,
    checkpointIntervalMs,
    timeLagMs: 0,
    logCommits: { buckets: [], bucketSumsMs: [] },
    ledger: { ...emptyLedger(), in: 5, out: 5 },
    quarantinedByReason: {},
    duplicatesByReason: {},
    queueDepth: 2,
    inputMemoryBytes: 0,
    inputReadBack: 0,
    eventLoopUtilization: 0.5,
    eventLoopDelay: { buckets: [], bucketSumsMs: [] },
    redeliveredDropped: 0,
    backpressured: {},
    outstanding: {},
    targets: [],
    lastActivityMs: 0,
    idle: false,
    alarms,
  };
}

describe('narflow status output', () => {
  it('ensures raised alarms are listed under the table with actor, name, time and detail', () => {
    const status = {
      host: 'h1',
      pid: 42,
      startedAt: '2026-11-24T10:00:00.000Z',
      nodes: [
        {
          node: 'db',
          actors: [
            {
              node: 'db',
              actor: 'db.0',
              state: 'running',
              restarts: 0,
              stats: stats({
                database_unavailable: {
                  sinceMs: Date.UTC(2026, 10, 24, 10, 5),
                  detail: 'ECONNREFUSED: connect',
                },
              }),
            },
          ],
        },
      ],
    } as unknown as HostStatus;
    const text = formatStatus(status);
    expect(text).toContain('db    db.0   running');
    expect(text).toMatch(/db\.0 .* 1\.5s ago, 24\.8 KiB, every 1\.0s\n/);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'ALARM db.0 database_unavailable since 2026-11-24T10:05:00.000Z: ECONNREFUSED: connect',
    );
    const quiet = formatStatus({
      ...status,
      nodes: [{ ...status.nodes[0]!, actors: [{ ...status.nodes[0]!.actors[0]!, stats: stats({}) }] }],
    } as HostStatus);
    expect(quiet).not.toContain('ALARM');
    // A costly checkpoint stretches the wait (host.checkpointMaxLoad): the column shows the wait now.
    const stretched = formatStatus({
      ...status,
      nodes: [{ ...status.nodes[0]!, actors: [{ ...status.nodes[0]!.actors[0]!, stats: stats({}, 7450) }] }],
    } as HostStatus);
    expect(stretched).toMatch(/db\.0 .* 1\.5s ago, 24\.8 KiB, every 7\.5s\n/);
  });

  it('ensures a repartition in progress is shown above the alarms with the layouts and the pause start', () => {
    const text = formatStatus({
      host: 'h1',
      pid: 42,
      startedAt: '2026-11-24T10:00:00.000Z',
      repartition: {
        since: '2026-11-24T10:07:00.000Z',
        changes: [
          {
            node: 'dedup',
            from: { partitions: 4, keyGroups: 1024, virtualNodes: 128 },
            to: { partitions: 6, keyGroups: 1024, virtualNodes: 128 },
          },
        ],
      },
      nodes: [],
    });
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'REPARTITION dedup: 4 → 6 actors, 1024 → 1024 key groups; pipeline paused since 2026-11-24T10:07:00.000Z',
    );
  });
});
