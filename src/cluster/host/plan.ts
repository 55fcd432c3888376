/**
 * What a host runs, derived from the validated config: one actor per node partition, its outputs
 * expanded from node ids to actor ids, and the links (producer actor → consumer actor) between them.
 */
import { join } from 'node:path';
import type { RoutingSpec } from '../../actors/routing/edge-router.js';
import type { ActorRuntimeSettings, OutputSpec } from '../../actors/runtime/protocol.js';
import type {
  BackoffSpec,
  RestartType,
  ShutdownSpec,
  SupervisorFlags,
} from '../../actors/supervision/types.js';
import type { NodeKind } from '../../actors/nodes/registry.js';

export interface NodePlan {
  readonly id: string;
  readonly type: string;
  readonly kind: NodeKind;
  readonly partitions: number;
  readonly settings: unknown;
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  readonly backoff?: BackoffSpec | undefined;
  readonly poisonAfter: number;
  readonly destinations: ReadonlyArray<{
    readonly to: readonly string[];
    readonly channel: string;
    readonly routing: RoutingSpec;
  }>;
}

export interface HostPlan {
  readonly hostId: string;
  readonly dataDir: string;
  readonly plugins: readonly string[];
  readonly runtime: ActorRuntimeSettings;
  readonly startTimeoutMs: number;
  readonly root: SupervisorFlags;
  readonly pipeline: SupervisorFlags;
  readonly metrics: { readonly enabled: boolean; readonly host: string; readonly port: number };
  readonly nodes: readonly NodePlan[];
}

export interface ActorPlan {
  readonly actorId: string;
  readonly node: NodePlan;
  readonly partition: number;
  readonly outputs: readonly OutputSpec[];
}

export interface Link {
  readonly producer: string;
  readonly consumer: string;
}

export function actorId(nodeId: string, partition: number): string {
  return `${nodeId}.${partition}`;
}

/** An actor's own directory: input log, checkpoint, work files. */
export function actorDirOf(dataDir: string, nodeId: string, partition: number): string {
  return join(dataDir, 'actors', nodeId, String(partition));
}

export function actorsOf(node: NodePlan): string[] {
  return Array.from({ length: node.partitions }, (_, p) => actorId(node.id, p));
}

/** Nodes in an order where every node comes after all nodes that send to it. */
export function topologicalOrder(nodes: readonly NodePlan[]): NodePlan[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  for (const n of nodes)
    for (const d of n.destinations) for (const t of d.to) indegree.set(t, (indegree.get(t) ?? 0) + 1);
  const ready = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const out: NodePlan[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    const n = byId.get(id) as NodePlan;
    out.push(n);
    for (const d of n.destinations) {
      for (const t of d.to) {
        const left = (indegree.get(t) ?? 0) - 1;
        indegree.set(t, left);
        if (left === 0) ready.push(t);
      }
    }
  }
  if (out.length !== nodes.length) throw new Error('the data-flow graph has a cycle');
  return out;
}

export function planActors(plan: HostPlan): ActorPlan[] {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const actors: ActorPlan[] = [];
  for (const node of topologicalOrder(plan.nodes)) {
    const outputs: OutputSpec[] = node.destinations.map((d) => ({
      channel: d.channel,
      routing: d.routing,
      targets: d.to.flatMap((t) => actorsOf(byId.get(t) as NodePlan)),
    }));
    for (let p = 0; p < node.partitions; p++)
      actors.push({ actorId: actorId(node.id, p), node, partition: p, outputs });
  }
  return actors;
}

/** The actors with a link into `actor`, in link order. */
export function producersOf(links: readonly Link[], actor: string): string[] {
  return links.filter((l) => l.consumer === actor).map((l) => l.producer);
}

export function linksOf(actors: readonly ActorPlan[]): Link[] {
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const a of actors) {
    for (const o of a.outputs) {
      for (const t of o.targets) {
        const key = `${a.actorId}>${t}`;
        if (seen.has(key)) continue;
        seen.add(key);
        links.push({ producer: a.actorId, consumer: t });
      }
    }
  }
  return links;
}
