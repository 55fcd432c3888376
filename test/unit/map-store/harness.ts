/** What the shared contract suites need from a store under test, and small helpers they share. */
import { expect, vi } from 'vitest';
import type { JsonValue, MapChange, MapNode, MapStore } from '../../../src/cluster/map-store/types.js';

export interface StoreHarness {
  readonly store: MapStore;
  /** Opens another store on the same map (another host); closed by `cleanup`. */
  peer(): MapStore;
  /** Every problem reported through the stores' `onError`. */
  readonly errors: Error[];
  cleanup(): Promise<void>;
}

export type OpenHarness = () => Promise<StoreHarness>;

export const node = (id: string, extra: Record<string, JsonValue> = {}): MapNode => ({ id, ...extra });

export const nodesOf = (...nodes: MapNode[]): Record<string, MapNode> =>
  Object.fromEntries(nodes.map((n) => [n.id, n]));

export interface Collector {
  readonly changes: MapChange[];
  readonly errors: Error[];
  stop(): Promise<void>;
  /** Waits until a change reaching `version` was delivered. */
  until(version: number): Promise<void>;
}

export async function collect(store: MapStore): Promise<Collector> {
  const changes: MapChange[] = [];
  const errors: Error[] = [];
  const stop = await store.watch((c) => changes.push(c), { onError: (e) => errors.push(e) });
  return {
    changes,
    errors,
    stop,
    until: (version) =>
      vi.waitFor(() => expect(changes.at(-1)?.to).toBeGreaterThanOrEqual(version), {
        timeout: 5_000,
        interval: 5,
      }),
  };
}

/** Rebuilds the map a watcher would hold by applying its changes to `start`. */
export function replay(
  start: Record<string, MapNode>,
  changes: readonly MapChange[],
): Record<string, MapNode> {
  const nodes = { ...start };
  for (const c of changes) {
    for (const id of c.removed) delete nodes[id];
    for (const n of c.added) nodes[n.id] = n;
    for (const { after } of c.changed) nodes[after.id] = after;
  }
  return nodes;
}
