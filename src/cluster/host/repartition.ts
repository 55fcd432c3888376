/**
 * Repartitioning a node that keeps state per key group: its key groups move, with their state, to
 * the actors a new layout places them on (key-group-layout.ts). It happens between two runs of the
 * node's actors, with the state on disk, in three steps:
 *  1. Quiescence. Every actor of the node, and of every node upstream of it, has handled its whole
 *     input log (its checkpoint covers the last entry). Upstream actors then replay nothing under
 *     the old routing, and the node's actors have nothing left that only they could take. The
 *     host gets there by draining the old layout; a node that is not quiescent is not touched.
 *  2. A journal. The node type re-places the joined state of all its actors (`repartition`), and
 *     the new checkpoint of every actor slot is written to `repartition.tmp/`, fsynced, and the
 *     directory renamed to `repartition/`: the commit point.
 *  3. Apply. Each slot's checkpoint is replaced by its journal copy, the layout is recorded and the
 *     journal removed. A start finds a committed journal and applies it again (idempotent), or an
 *     uncommitted one and removes it (the old state is untouched).
 * Each actor keeps its input log, input position, producer high-water marks and output sequences;
 * only its state and ledger change (held records that moved count as `movedOut` at the actor they
 * left and `movedIn` at the actor they joined). Slots past the new partitions keep their
 * directory with an empty state, so an actor id that comes back later resumes its output
 * sequences above what its consumers saw. New slots start empty, with the node's output specs.
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  CHECKPOINT_PREV_FILE,
  decodeCheckpointFile,
  encodeCheckpointFile,
} from '../../actors/durability/checkpoint.js';
import { fsyncDir, isErrno, writeFileDurably } from '../../actors/durability/fs-util.js';
import { InputLog } from '../../actors/durability/input-log.js';
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import {
  actorCheckpointStore,
  encodeCheckpoint,
  loadActorCheckpoint,
  type CheckpointContent,
} from '../../actors/runtime/checkpoint-content.js';
import { emptyLedger } from '../../actors/runtime/ledger.js';
import {
  actorSlots,
  keyedNodes,
  layoutOf,
  layoutOnDisk,
  nodeDirOf,
  placementOf,
  sameLayout,
  writeLayout,
  type KeyGroupLayout,
} from './key-group-layout.js';
import { actorDirOf, type HostPlan, type NodePlan } from './plan.js';

export interface LayoutChange {
  readonly node: string;
  readonly from: KeyGroupLayout;
  readonly to: KeyGroupLayout;
}

export interface RepartitionSummary extends LayoutChange {
  /** Key groups whose actor changed. */
  readonly keyGroupsMoved: number;
  /** Held records that changed actor with their key group. */
  readonly recordsMoved: number;
  /** Actor slots with state on disk after the move (past the partitions: retired, empty). */
  readonly slots: number;
  readonly ms: number;
}

export type RepartitionErrorCode = 'not_quiescent' | 'invalid_journal' | 'unknown_node_type';

export class RepartitionError extends Error {
  override readonly name = 'RepartitionError';
  constructor(
    readonly code: RepartitionErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

const JOURNAL = 'repartition';
const JOURNAL_TMP = 'repartition.tmp';
const JOURNAL_PLAN = 'plan.json';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** Nodes with a path to `node` in the plan's graph. */
export function upstreamOf(plan: HostPlan, node: string): NodePlan[] {
  const found = new Set<string>();
  const todo = [node];
  while (todo.length > 0) {
    const target = todo.pop() as string;
    for (const n of plan.nodes) {
      if (found.has(n.id) || !n.destinations.some((d) => d.to.includes(target))) continue;
      found.add(n.id);
      todo.push(n.id);
    }
  }
  return plan.nodes.filter((n) => found.has(n.id));
}

export class Repartitioner {
  constructor(
    private readonly registry: NodeTypeRegistry,
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {}

  /** Keyed nodes whose layout differs between two plans (nodes in only one of them: none). */
  changesBetween(from: HostPlan, to: HostPlan): LayoutChange[] {
    const before = new Map(keyedNodes(from, this.registry).map((k) => [k.node.id, k]));
    const changes: LayoutChange[] = [];
    for (const k of keyedNodes(to, this.registry)) {
      const old = before.get(k.node.id);
      if (old === undefined) continue;
      const a = layoutOf(from, old.node, old.keyGroups);
      const b = layoutOf(to, k.node, k.keyGroups);
      if (!sameLayout(a, b)) changes.push({ node: k.node.id, from: a, to: b });
    }
    return changes;
  }

  /** Keyed nodes of the plan whose state on disk was made under another layout. */
  async changesOnDisk(plan: HostPlan): Promise<LayoutChange[]> {
    const changes: LayoutChange[] = [];
    for (const k of keyedNodes(plan, this.registry)) {
      const to = layoutOf(plan, k.node, k.keyGroups);
      const from = await layoutOnDisk(this.dataDir, k.node.id, to);
      if (from !== undefined && !sameLayout(from, to)) changes.push({ node: k.node.id, from, to });
    }
    return changes;
  }

  /** Records the plan's layout of every keyed node (after a start or an applied plan). */
  async recordLayouts(plan: HostPlan): Promise<void> {
    for (const k of keyedNodes(plan, this.registry)) {
      await writeLayout(this.dataDir, k.node.id, layoutOf(plan, k.node, k.keyGroups));
    }
  }

  /**
   * The plan as the state on disk was made: each changed node with its old partitions, and the
   * edges into it routing with its old key groups and ring. Running it, then draining it, makes
   * the state quiescent under the layout it was made in.
   */
  withOldLayouts(plan: HostPlan, changes: readonly LayoutChange[]): HostPlan {
    const old = new Map(changes.map((c) => [c.node, c.from]));
    const keyed = new Map(keyedNodes(plan, this.registry).map((k) => [k.node.id, k.node]));
    const nodes = plan.nodes.map((n): NodePlan => {
      const destinations = n.destinations.map((d) => {
        const target = d.to.find((t) => old.has(t));
        const layout = target === undefined ? undefined : old.get(target);
        const node = target === undefined ? undefined : keyed.get(target);
        if (layout === undefined || node === undefined) return d;
        // The old actors hold key groups placed by session routing: records go where their state is,
        // whatever routing the new plan gives a node that will have one actor.
        if (layout.partitions === 1 && d.routing.type !== 'session') return d;
        const type = this.registry.get(node.type);
        const attributes = type?.sessionInput?.(node.settings).attributes ?? [];
        const routing = {
          type: 'session' as const,
          attributes,
          keyGroups: layout.keyGroups,
          virtualNodes: layout.virtualNodes,
        };
        return { ...d, routing };
      });
      const layout = old.get(n.id);
      return { ...n, partitions: layout?.partitions ?? n.partitions, destinations };
    });
    return { ...plan, nodes };
  }

  /**
   * Actors that must be quiescent before the changed nodes' state moves, with what they have not
   * handled; empty when the move may go ahead. `plan` is the one the state was made under.
   */
  async unquiescent(plan: HostPlan, changes: readonly LayoutChange[]): Promise<string[]> {
    const dirs = new Set<string>();
    for (const c of changes) {
      const slots = await actorSlots(this.dataDir, c.node);
      for (const s of slots) dirs.add(actorDirOf(this.dataDir, c.node, s));
      for (const n of upstreamOf(plan, c.node)) {
        for (let p = 0; p < n.partitions; p++) dirs.add(actorDirOf(this.dataDir, n.id, p));
      }
    }
    const problems: string[] = [];
    for (const dir of dirs) {
      if (!(await exists(join(dir, 'log')))) continue;
      const position = (await loadActorCheckpoint(dir))?.position ?? 1;
      const log = await InputLog.open(join(dir, 'log'), {
        segmentBytes: plan.runtime.segmentBytes,
        groupCommitMs: 0,
      });
      const last = log.lastLsn;
      await log.close();
      if (last >= position) {
        problems.push(`${dir}: input entries ${position}–${last} are not covered by its checkpoint`);
      }
    }
    return problems;
  }

  /**
   * Moves the changed nodes' key groups with their state (`from`: the plan the state was made
   * under, `to`: the new one). Refuses with `not_quiescent`, touching nothing, unless every actor
   * concerned has handled its whole input.
   */
  async migrate(
    from: HostPlan,
    to: HostPlan,
    changes: readonly LayoutChange[],
  ): Promise<RepartitionSummary[]> {
    const problems = await this.unquiescent(from, changes);
    if (problems.length > 0) {
      throw new RepartitionError(
        'not_quiescent',
        `cannot move key groups of ${changes.map((c) => `"${c.node}"`).join(', ')}: expected every actor of ` +
          `the node and upstream of it to have handled its whole input, but:\n  ${problems.join('\n  ')}`,
        { problems },
      );
    }
    const out: RepartitionSummary[] = [];
    for (const c of changes) {
      const node = to.nodes.find((n) => n.id === c.node) as NodePlan;
      out.push(await this.#migrateNode(node, c));
    }
    return out;
  }

  /** Finishes what a crash interrupted: committed journals are applied, uncommitted ones removed. */
  async recover(): Promise<void> {
    let nodes: string[];
    try {
      nodes = await readdir(join(this.dataDir, 'actors'));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    for (const node of nodes) {
      const dir = nodeDirOf(this.dataDir, node);
      await rm(join(dir, JOURNAL_TMP), { recursive: true, force: true });
      if (!(await exists(join(dir, JOURNAL)))) continue;
      this.log.warn({ node }, 'repartition: finishing a committed move of key groups');
      await applyJournal(this.dataDir, node);
    }
  }

  async #migrateNode(node: NodePlan, change: LayoutChange): Promise<RepartitionSummary> {
    const started = Date.now();
    const written = await writeJournal(this.registry, this.dataDir, node, change);
    await applyJournal(this.dataDir, node.id);
    return { ...change, ...written, ms: Date.now() - started };
  }
}

/**
 * Step 2: the new checkpoint of every actor slot of `node`, written to its journal and committed
 * (the directory renamed into place). The actors' state is not touched yet.
 */
export async function writeJournal(
  registry: NodeTypeRegistry,
  dataDir: string,
  node: NodePlan,
  change: LayoutChange,
): Promise<{ keyGroupsMoved: number; recordsMoved: number; slots: number }> {
  const type = registry.get(node.type);
  if (type?.repartition === undefined) {
    throw new RepartitionError(
      'unknown_node_type',
      `node "${node.id}": type "${node.type}" cannot repartition`,
    );
  }
  const onDisk = await actorSlots(dataDir, node.id);
  const slots = Math.max(change.from.partitions, change.to.partitions, (onDisk[onDisk.length - 1] ?? -1) + 1);
  const contents: Array<CheckpointContent | undefined> = [];
  for (let s = 0; s < slots; s++) contents.push(await loadActorCheckpoint(actorDirOf(dataDir, node.id, s)));
  const placement = placementOf(node.id, change.to, slots);
  const result = type.repartition(
    node.settings,
    contents.map((c) => c?.state),
    placement,
    contents.map((_, s) => actorDirOf(dataDir, node.id, s)),
  );
  const template = contents.find((c) => c !== undefined);
  const journal = join(nodeDirOf(dataDir, node.id), JOURNAL_TMP);
  await rm(journal, { recursive: true, force: true });
  await mkdir(journal, { recursive: true });
  let recordsMoved = 0;
  for (let s = 0; s < slots; s++) {
    const movedIn = result.moved.reduce((n, row, f) => n + (f === s ? 0 : (row[s] ?? 0)), 0);
    const movedOut = (result.moved[s] ?? []).reduce((n, v, t) => n + (t === s ? 0 : v), 0);
    recordsMoved += movedOut;
    const base: CheckpointContent = contents[s] ?? {
      version: 1,
      position: 1,
      state: null,
      outputs: { next: {}, routers: [] },
      outputSpecs: template?.outputSpecs ?? [],
      processedMarks: {},
      ledger: emptyLedger(),
      quarantinedByReason: {},
      duplicatesByReason: {},
      quarantineOrdinal: 0,
    };
    const ledger = { ...emptyLedger(), ...base.ledger };
    const content: CheckpointContent = {
      ...base,
      state: result.states[s] ?? null,
      ledger: {
        ...ledger,
        held: result.held[s] ?? 0,
        movedIn: ledger.movedIn + movedIn,
        movedOut: ledger.movedOut + movedOut,
      },
    };
    await writeFileDurably(join(journal, `${s}.ckpt`), encodeCheckpointFile(encodeCheckpoint(content)));
  }
  const plan = { version: 1, node: node.id, slots, from: change.from, to: change.to };
  await writeFileDurably(join(journal, JOURNAL_PLAN), new TextEncoder().encode(JSON.stringify(plan)));
  await fsyncDir(journal);
  await rename(journal, join(nodeDirOf(dataDir, node.id), JOURNAL));
  await fsyncDir(nodeDirOf(dataDir, node.id));
  const before = placementOf(node.id, change.from, slots).ownerOf;
  const keyGroupsMoved =
    change.from.keyGroups === change.to.keyGroups
      ? placement.ownerOf.filter((o, g) => o !== before[g]).length
      : placement.keyGroups;
  return { keyGroupsMoved, recordsMoved, slots };
}

/** Step 3: installs a committed journal's checkpoints and layout, then removes the journal. Idempotent. */
export async function applyJournal(dataDir: string, node: string): Promise<void> {
  const journal = join(nodeDirOf(dataDir, node), JOURNAL);
  const planFile = join(journal, JOURNAL_PLAN);
  let plan: { slots: number; to: KeyGroupLayout };
  try {
    plan = JSON.parse(await readFile(planFile, 'utf8')) as typeof plan;
  } catch (err) {
    throw new RepartitionError(
      'invalid_journal',
      `${planFile}: expected the journal's plan: ${(err as Error).message}`,
    );
  }
  if (!Number.isInteger(plan.slots) || plan.slots < 1 || typeof plan.to !== 'object' || plan.to === null) {
    throw new RepartitionError('invalid_journal', `${planFile}: expected { slots ≥ 1, to: layout }`);
  }
  for (let s = 0; s < plan.slots; s++) {
    const file = join(journal, `${s}.ckpt`);
    const payload = decodeCheckpointFile(await readFile(file), file);
    const store = actorCheckpointStore(actorDirOf(dataDir, node, s));
    await store.save(payload);
    // The previous checkpoint holds the state of the old layout: it must never be restored.
    await rm(join(store.dir, CHECKPOINT_PREV_FILE), { force: true });
    await fsyncDir(store.dir);
  }
  await writeLayout(dataDir, node, plan.to);
  await rm(journal, { recursive: true, force: true });
  await fsyncDir(nodeDirOf(dataDir, node));
}
