/** What the host agent reports of itself and its actors (`narflow status`, the admin API). */
import type { ActorStatsMessage } from '../../actors/runtime/protocol.js';
import type { ActorPlan } from './plan.js';
import type { LayoutChange } from './repartition.js';

export interface ActorStatus {
  readonly node: string;
  readonly actor: string;
  state: 'starting' | 'running' | 'restarting' | 'stopped';
  restarts: number;
  stats: ActorStatsMessage | undefined;
}

export interface HostStatus {
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** While key groups move (the pipeline is paused): what changes, since when (ISO time). */
  readonly repartition?: { readonly changes: readonly LayoutChange[]; readonly since: string } | undefined;
  readonly nodes: Array<{
    node: string;
    type: string;
    actors: ActorStatus[];
  }>;
}

export function newStatus(a: ActorPlan): ActorStatus {
  return { node: a.node.id, actor: a.actorId, state: 'starting', restarts: 0, stats: undefined };
}
