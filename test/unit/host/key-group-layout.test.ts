import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../src/actors/nodes/load.js';
import type { NarflowConfig } from '../../../src/cluster/config/schema.js';
import { keyGroupLayoutIssues } from '../../../src/cluster/host/key-group-layout.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'narflow-layout-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(dedupPartitions: number, enhancePartitions = 2): NarflowConfig {
  return {
    nodes: [
      { id: 'enhance', type: 'enhance-ep', partitions: enhancePartitions },
      { id: 'dedup', type: 'order-enhancer-oe', partitions: dedupPartitions },
    ],
  } as unknown as NarflowConfig;
}

describe('key-group layout check at start', () => {
  it('ensures an order enhancer with state may not change its partitions; other nodes and fresh data may', async () => {
    const registry = await loadRegistry([]);
    expect(await keyGroupLayoutIssues(config(2), registry, dir, 'c.yaml')).toEqual([]);
    for (const p of [0, 1, 2, 3]) await mkdir(join(dir, 'actors', 'dedup', String(p)), { recursive: true });
    for (const p of [0, 1]) await mkdir(join(dir, 'actors', 'enhance', String(p)), { recursive: true });
    expect(await keyGroupLayoutIssues(config(4, 5), registry, dir, 'c.yaml')).toEqual([]);
    const [issue, ...rest] = await keyGroupLayoutIssues(config(6), registry, dir, 'c.yaml');
    expect(rest).toEqual([]);
    expect(issue?.message).toBe(
      'c.yaml: nodes[1].partitions: expected 4, got 6: node "dedup" (type "order-enhancer-oe") holds ' +
        `per-key-group state in 4 actors under ${join(dir, 'actors', 'dedup')}, and key groups cannot move ` +
        'between actors with their state yet (moved sessions would lose their duplicate history); keep the ' +
        'partitions, or start from an empty data directory',
    );
  });
});
