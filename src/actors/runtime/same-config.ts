/**
 * Whether two plan values (node configs, output specs: JSON data) are the same, whatever the order
 * of keys in their mappings. A host compares the running plan with a new one to decide which actors
 * to restart, and an actor compares its checkpointed outputs with the plan's to decide whether to
 * reconfigure; a difference in key order alone (a map re-validated, a node type's schema filling
 * defaults in another order) must change nothing.
 */
export function sameConfig(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameConfig(v, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // Keys holding undefined are absent in JSON: compare the keys that hold values.
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && sameConfig(x[k], y[k]));
}
