/** The difference between two versions of the map: pure, shared by every store. */
import type { DataFlowMap, JsonValue, MapChange, MapNode } from './types.js';

/** Structural equality of JSON values: object key order is irrelevant, array order is not. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i] as JsonValue));
  }
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k] as JsonValue, b[k] as JsonValue));
}

const byId = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/**
 * Nodes added, removed and changed from `before` to `after`, each list ordered by node id.
 * `notices` is empty: they come from the store's announcements, not from the nodes.
 */
export function diffMaps(before: DataFlowMap, after: DataFlowMap): MapChange {
  const added: MapNode[] = [];
  const removed: string[] = [];
  const changed: Array<{ before: MapNode; after: MapNode }> = [];
  for (const id of Object.keys(after.nodes).sort(byId)) {
    const next = after.nodes[id] as MapNode;
    const prev = Object.hasOwn(before.nodes, id) ? before.nodes[id] : undefined;
    if (prev === undefined) added.push(next);
    else if (!jsonEqual(prev, next)) changed.push({ before: prev, after: next });
  }
  for (const id of Object.keys(before.nodes).sort(byId)) {
    if (!Object.hasOwn(after.nodes, id)) removed.push(id);
  }
  return { from: before.version, to: after.version, added, removed, changed, notices: [] };
}
