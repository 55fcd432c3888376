/**
 * Nodes that keep state per session key group (the order enhancer) may not change their number of
 * partitions over existing state: moving key groups with their state between actors is not
 * implemented, and a key group that moved without its state would forget its sessions, so late
 * duplicates of closed sessions would be billed again. A start that would do so is refused.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import type { ConfigIssue } from '../config/errors.js';
import type { NarflowConfig } from '../config/schema.js';

/** Partition numbers that have an actor directory (state) under `<dataDir>/actors/<node>/`. */
async function partitionsWithState(dataDir: string, node: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir(join(dataDir, 'actors', node));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

export async function keyGroupLayoutIssues(
  config: NarflowConfig,
  registry: NodeTypeRegistry,
  dataDir: string,
  file: string,
): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  for (const [i, node] of config.nodes.entries()) {
    if (registry.get(node.type)?.sessionInput === undefined) continue;
    const existing = await partitionsWithState(dataDir, node.id);
    if (existing.length === 0) continue;
    const before = Math.max(...existing) + 1;
    if (before === node.partitions) continue;
    const path = `nodes[${i}].partitions`;
    issues.push({
      file,
      path,
      value: node.partitions,
      expected: `${before}`,
      message:
        `${file}: ${path}: expected ${before}, got ${node.partitions}: node "${node.id}" (type "${node.type}") ` +
        `holds per-key-group state in ${before} actors under ${join(dataDir, 'actors', node.id)}, and ` +
        'key groups cannot move between actors with their state yet (moved sessions would lose their ' +
        'duplicate history); keep the partitions, or start from an empty data directory',
    });
  }
  return issues;
}
