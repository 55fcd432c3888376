/**
 * Where a node that keeps state per session key group (the order enhancer) has its key groups:
 * how many actors, how many key groups, and the ring that places groups on actors. The layout the
 * actors' state was made under is kept beside it, in `<dataDir>/actors/<node>/layout.json`; a
 * plan whose layout differs means key groups must move with their state (repartition.ts) before
 * the new actors may run, or a session moved without its history would bill late duplicates again.
 */
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyGroupPlacement, NodeTypeRegistry } from '../../actors/nodes/registry.js';
import { fsyncDir, isErrno, writeFileDurably } from '../../actors/durability/fs-util.js';
import { HashRing } from '../../actors/routing/hash-ring.js';
import { DEFAULT_VIRTUAL_NODES } from '../../actors/routing/key-groups.js';
import { actorId, type HostPlan, type NodePlan } from './plan.js';

export interface KeyGroupLayout {
  readonly partitions: number;
  readonly keyGroups: number;
  readonly virtualNodes: number;
}

export const LAYOUT_FILE = 'layout.json';

export class LayoutFileError extends Error {
  override readonly name = 'LayoutFileError';
  readonly code = 'invalid_layout_file';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

export function nodeDirOf(dataDir: string, node: string): string {
  return join(dataDir, 'actors', node);
}

/** Nodes of the plan whose type keeps state per key group, with their key groups. */
export function keyedNodes(
  plan: HostPlan,
  registry: NodeTypeRegistry,
): Array<{ node: NodePlan; keyGroups: number }> {
  const out: Array<{ node: NodePlan; keyGroups: number }> = [];
  for (const node of plan.nodes) {
    const type = registry.get(node.type);
    if (type?.sessionInput === undefined || type.repartition === undefined) continue;
    out.push({ node, keyGroups: type.sessionInput(node.settings).keyGroups });
  }
  return out;
}

/** The layout a plan gives a node: its partitions and key groups, and the ring of the edges into it. */
export function layoutOf(plan: HostPlan, node: NodePlan, keyGroups: number): KeyGroupLayout {
  // Virtual nodes when no edge routes into the node by session: the routing schema's default.
  let virtualNodes = DEFAULT_VIRTUAL_NODES;
  for (const n of plan.nodes) {
    for (const d of n.destinations) {
      if (d.to.includes(node.id) && d.routing.type === 'session') virtualNodes = d.routing.virtualNodes;
    }
  }
  return { partitions: node.partitions, keyGroups, virtualNodes };
}

/** Whether state made under `a` is where `b` expects it (one actor holds every key group either way). */
export function sameLayout(a: KeyGroupLayout, b: KeyGroupLayout): boolean {
  if (a.partitions === 1 && b.partitions === 1) return true;
  return a.partitions === b.partitions && a.keyGroups === b.keyGroups && a.virtualNodes === b.virtualNodes;
}

/** Key group → actor under `layout`, exactly as the `session` router places them; `slots` ≥ partitions. */
export function placementOf(node: string, layout: KeyGroupLayout, slots: number): KeyGroupPlacement {
  const ids = Array.from({ length: layout.partitions }, (_, p) => actorId(node, p));
  const ownerOf =
    layout.partitions === 1
      ? new Array<number>(layout.keyGroups).fill(0)
      : new HashRing(ids, layout.virtualNodes).assignIndexes(layout.keyGroups);
  return { keyGroups: layout.keyGroups, actors: Math.max(slots, layout.partitions), ownerOf };
}

/** Partition numbers with an actor directory under the node's directory, ascending. */
export async function actorSlots(dataDir: string, node: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir(nodeDirOf(dataDir, node));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .sort((a, b) => a - b);
}

const isCount = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;

/** The layout recorded for a node, or undefined when none is. */
export async function readLayout(dataDir: string, node: string): Promise<KeyGroupLayout | undefined> {
  const file = join(nodeDirOf(dataDir, node), LAYOUT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new LayoutFileError(file, `expected JSON, got a parse error: ${(err as Error).message}`);
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (
    o['version'] !== 1 ||
    !isCount(o['partitions'], 1 << 16) ||
    !isCount(o['keyGroups'], 1 << 20) ||
    !isCount(o['virtualNodes'], 1 << 16)
  ) {
    throw new LayoutFileError(
      file,
      'expected { version: 1, partitions ≥ 1, keyGroups ≥ 1, virtualNodes ≥ 1 }',
    );
  }
  return { partitions: o['partitions'], keyGroups: o['keyGroups'], virtualNodes: o['virtualNodes'] };
}

/** Records a node's layout durably (temp file, fsync, rename, directory fsync). */
export async function writeLayout(dataDir: string, node: string, layout: KeyGroupLayout): Promise<void> {
  const dir = nodeDirOf(dataDir, node);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${LAYOUT_FILE}.tmp`);
  await writeFileDurably(tmp, new TextEncoder().encode(`${JSON.stringify({ version: 1, ...layout })}\n`));
  await rename(tmp, join(dir, LAYOUT_FILE));
  await fsyncDir(dir);
}

/**
 * The layout a node's state on disk was made under: the recorded one; for state kept before
 * layouts were recorded, the partitions its actor directories show, with the plan's key groups
 * and ring (assumed unchanged); undefined when the node has no state.
 */
export async function layoutOnDisk(
  dataDir: string,
  node: string,
  planned: KeyGroupLayout,
): Promise<KeyGroupLayout | undefined> {
  const recorded = await readLayout(dataDir, node);
  if (recorded !== undefined) return recorded;
  const slots = await actorSlots(dataDir, node);
  if (slots.length === 0) return undefined;
  return { ...planned, partitions: (slots[slots.length - 1] as number) + 1 };
}
