/**
 * Routing on one edge: which of the edge's N destination actors (targets, by index 0..N−1) gets
 * a record. The router is deterministic and its only mutable state (the round-robin position) goes
 * into the producing actor's checkpoint, so routing replays the same way after a restart.
 */
import type { Nar } from '../../protocols/nar/nar.js';

/** `route` result: send the record to every target. */
export const ROUTE_ALL = -2;
/** `route` result: no target matched (equals): the caller quarantines or drops per `unmatched`. */
export const ROUTE_NONE = -1;

/** Copy every record to every target. */
export interface AllRouting {
  readonly type: 'all';
}
/** Targets in turn, 0, 1, …, N−1, 0, … regardless of content. */
export interface RoundRobinRouting {
  readonly type: 'round-robin';
}
/** Even spread by one attribute: hash of its text modulo N (missing hashes as the empty string). */
export interface HashRouting {
  readonly type: 'hash';
  readonly attribute: string;
}
/**
 * A value list per channel: `channels[i]` lists the values of `attribute` routed to target i, so
 * there is one channel per target. Values match by text (see `attributeText`): the number 5, the
 * bigint 5n and the string "5" all match a channel value 5 or "5"; "05" and "5.0" match only
 * themselves as strings.
 */
export interface EqualsRouting {
  readonly type: 'equals';
  readonly attribute: string;
  readonly channels: ReadonlyArray<ReadonlyArray<string | number>>;
  readonly unmatched: 'quarantine' | 'drop';
}
/**
 * Consistent hashing of a session key: the key's hash picks one of `keyGroups` key groups, and
 * key groups are placed on the targets by a hash ring with `virtualNodes` points per target.
 */
export interface SessionRouting {
  readonly type: 'session';
  readonly attributes: readonly string[];
  readonly keyGroups: number;
  readonly virtualNodes: number;
}

export type RoutingSpec = AllRouting | RoundRobinRouting | HashRouting | EqualsRouting | SessionRouting;

/** What a router keeps in its actor's checkpoint (msgpack-serialisable); `null` when stateless. */
export type RouterState = null | {
  readonly type: 'round-robin';
  /** Number of targets when the state was taken; a restore onto another count is refused. */
  readonly targets: number;
  /** Index of the target the next record goes to. */
  readonly next: number;
};

export interface EdgeRouter {
  readonly spec: RoutingSpec;
  /** The destination actor ids; `route` returns indexes into this list. */
  readonly targets: readonly string[];
  /** A target index, `ROUTE_ALL` or `ROUTE_NONE`. */
  route(record: Nar): number;
  state(): RouterState;
  /** Restore a `state()` value; `null` or `undefined` (a first start) resets to the initial state. */
  restore(state: unknown): void;
}

export interface SessionRouter extends EdgeRouter {
  readonly spec: SessionRouting;
  readonly keyGroups: number;
  /** The key group (0..keyGroups−1) of a record's session key. */
  keyGroupOf(record: Nar): number;
  /** The target index of key group `g`. */
  targetOfKeyGroup(g: number): number;
  /** The current assignment: entry g is the target index owning key group g. */
  assignment(): readonly number[];
}
