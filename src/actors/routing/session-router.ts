/**
 * The `session` router: session key → key group (fixed count) → target, with key groups placed on
 * the targets by a consistent-hash ring. The assignment is computed once per router; a change of
 * targets builds a new router, and `keyGroupMoves` lists which key groups (with their
 * order-enhancer state) must move between the two.
 */
import type { Nar } from '../../protocols/nar/nar.js';
import { RoutingError } from './errors.js';
import { HashRing } from './hash-ring.js';
import { checkKeyGroups, sessionKey } from './key-groups.js';
import { hashString } from './murmur3.js';
import { restoreStateless } from './equals-router.js';
import type { RouterState, SessionRouter, SessionRouting } from './types.js';

export class ConsistentSessionRouter implements SessionRouter {
  readonly spec: SessionRouting;
  readonly targets: readonly string[];
  readonly keyGroups: number;
  readonly #attributes: readonly string[];
  readonly #owner: Int32Array;
  readonly #assignment: readonly number[];

  constructor(spec: SessionRouting, targets: readonly string[]) {
    this.spec = spec;
    this.targets = targets;
    const attributes: unknown = spec.attributes;
    if (
      !Array.isArray(attributes) ||
      attributes.length === 0 ||
      !attributes.every((a) => typeof a === 'string' && a.length > 0)
    ) {
      throw new RoutingError(
        'invalid_spec',
        'session: expected attributes to be a non-empty list of attribute names',
        { attributes },
      );
    }
    checkKeyGroups(spec.keyGroups);
    this.keyGroups = spec.keyGroups;
    this.#attributes = Object.freeze([...spec.attributes]);
    const owners = new HashRing(targets, spec.virtualNodes).assignIndexes(spec.keyGroups);
    this.#owner = Int32Array.from(owners);
    this.#assignment = Object.freeze(owners);
  }

  keyGroupOf(record: Nar): number {
    return hashString(sessionKey(record, this.#attributes)) % this.keyGroups;
  }

  route(record: Nar): number {
    return this.#owner[this.keyGroupOf(record)] as number;
  }

  targetOfKeyGroup(g: number): number {
    if (!Number.isInteger(g) || g < 0 || g >= this.keyGroups) {
      throw new RoutingError(
        'invalid_argument',
        `session: expected a key group 0–${this.keyGroups - 1}, got ${String(g)}`,
        { keyGroup: g },
      );
    }
    return this.#owner[g] as number;
  }

  assignment(): readonly number[] {
    return this.#assignment;
  }

  state(): RouterState {
    return null;
  }

  restore(state: unknown): void {
    restoreStateless('session', state);
  }
}

export interface KeyGroupMove {
  readonly keyGroup: number;
  /** Actor id owning the key group before. */
  readonly from: string;
  /** Actor id owning it after. */
  readonly to: string;
}

/** The key groups whose owning actor differs between two session routers over the same key groups. */
export function keyGroupMoves(before: SessionRouter, after: SessionRouter): KeyGroupMove[] {
  if (before.keyGroups !== after.keyGroups) {
    throw new RoutingError(
      'invalid_argument',
      `session: expected both routers to use the same number of key groups, got ${before.keyGroups} and ${after.keyGroups}`,
    );
  }
  const a = before.assignment();
  const b = after.assignment();
  const moves: KeyGroupMove[] = [];
  for (let g = 0; g < before.keyGroups; g++) {
    const from = before.targets[a[g] as number] as string;
    const to = after.targets[b[g] as number] as string;
    if (from !== to) moves.push({ keyGroup: g, from, to });
  }
  return moves;
}
