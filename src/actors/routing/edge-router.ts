/**
 * `createRouter` builds the router for one edge from its routing spec and the edge's destination
 * actors. Stateless routers (all, hash, equals, session) replay trivially; round-robin keeps its
 * position in `state()` for the producing actor's checkpoint.
 */
import type { Nar } from '../../protocols/nar/nar.js';
import { describe, EqualsRouter, restoreStateless } from './equals-router.js';
import { RoutingError } from './errors.js';
import { attributeText } from './key-groups.js';
import { hashString } from './murmur3.js';
import { ConsistentSessionRouter } from './session-router.js';
import {
  ROUTE_ALL,
  type AllRouting,
  type EdgeRouter,
  type HashRouting,
  type RoundRobinRouting,
  type RouterState,
  type RoutingSpec,
  type SessionRouter,
  type SessionRouting,
} from './types.js';

export {
  ROUTE_ALL,
  ROUTE_NONE,
  type AllRouting,
  type EdgeRouter,
  type EqualsRouting,
  type HashRouting,
  type RoundRobinRouting,
  type RouterState,
  type RoutingSpec,
  type SessionRouter,
  type SessionRouting,
} from './types.js';

class AllRouter implements EdgeRouter {
  constructor(
    readonly spec: AllRouting,
    readonly targets: readonly string[],
  ) {}

  route(_record: Nar): number {
    return ROUTE_ALL;
  }

  state(): RouterState {
    return null;
  }

  restore(state: unknown): void {
    restoreStateless('all', state);
  }
}

class RoundRobinRouter implements EdgeRouter {
  #next = 0;

  constructor(
    readonly spec: RoundRobinRouting,
    readonly targets: readonly string[],
  ) {}

  route(_record: Nar): number {
    const target = this.#next;
    this.#next = target + 1 === this.targets.length ? 0 : target + 1;
    return target;
  }

  state(): RouterState {
    return { type: 'round-robin', targets: this.targets.length, next: this.#next };
  }

  restore(state: unknown): void {
    if (state === null || state === undefined) {
      this.#next = 0;
      return;
    }
    const n = this.targets.length;
    const s = state as { type?: unknown; targets?: unknown; next?: unknown };
    if (
      typeof state !== 'object' ||
      s.type !== 'round-robin' ||
      s.targets !== n ||
      typeof s.next !== 'number' ||
      !Number.isInteger(s.next) ||
      s.next < 0 ||
      s.next >= n
    ) {
      throw new RoutingError(
        'state_mismatch',
        `round-robin: expected state { type: "round-robin", targets: ${n}, next: 0–${n - 1} }, got ${describe(state)}`,
      );
    }
    this.#next = s.next;
  }
}

class HashRouter implements EdgeRouter {
  readonly #attribute: string;

  constructor(
    readonly spec: HashRouting,
    readonly targets: readonly string[],
  ) {
    this.#attribute = spec.attribute;
  }

  route(record: Nar): number {
    return hashString(attributeText(record[this.#attribute])) % this.targets.length;
  }

  state(): RouterState {
    return null;
  }

  restore(state: unknown): void {
    restoreStateless('hash', state);
  }
}

/** Builds the router for an edge; `targets` are the destination actor ids, distinct, at least one. */
export function createRouter(spec: SessionRouting, targets: readonly string[]): SessionRouter;
export function createRouter(spec: RoutingSpec, targets: readonly string[]): EdgeRouter;
export function createRouter(spec: RoutingSpec, targets: readonly string[]): EdgeRouter {
  const ids = checkTargets(targets);
  switch (spec.type) {
    case 'all':
      return new AllRouter(spec, ids);
    case 'round-robin':
      return new RoundRobinRouter(spec, ids);
    case 'hash':
      checkAttribute('hash', spec.attribute);
      return new HashRouter(spec, ids);
    case 'equals':
      checkAttribute('equals', spec.attribute);
      return new EqualsRouter(spec, ids);
    case 'session':
      return new ConsistentSessionRouter(spec, ids);
    default:
      throw new RoutingError(
        'invalid_spec',
        `expected routing type all, round-robin, hash, equals or session, got ${describe((spec as { type?: unknown }).type)}`,
      );
  }
}

/** True when `router` is a session router (it exposes key groups and their assignment). */
export function isSessionRouter(router: EdgeRouter): router is SessionRouter {
  return router.spec.type === 'session';
}

function checkTargets(targets: readonly string[]): readonly string[] {
  if (targets.length === 0) {
    throw new RoutingError('no_targets', 'expected at least one destination actor on the edge, got none');
  }
  const seen = new Set<string>();
  for (const id of targets) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new RoutingError('invalid_spec', `expected destination actor ids to be non-empty strings`, {
        target: id,
      });
    }
    if (seen.has(id)) {
      throw new RoutingError('duplicate_target', `expected distinct destination actors, got "${id}" twice`, {
        target: id,
      });
    }
    seen.add(id);
  }
  return Object.freeze([...targets]);
}

function checkAttribute(type: string, attribute: unknown): void {
  if (typeof attribute !== 'string' || attribute.length === 0) {
    throw new RoutingError('invalid_spec', `${type}: expected attribute to be a non-empty attribute name`, {
      attribute,
    });
  }
}
