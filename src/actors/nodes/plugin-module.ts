/**
 * A plug-in module: imported by URL, it must export `nodeTypes: NodeType[]`. One reader serves the
 * config loader (which reports problems as config errors) and the worker threads (which register
 * the same types before creating their handler).
 */
import type { NodeType } from './registry.js';

const KINDS = new Set(['EI', 'EP', 'AP', 'OE', 'OI']);
export const NODE_TYPE_SHAPE =
  'node type { name, kind: EI|EP|AP|OE|OI, description, settings: zod schema, checkpoint, create() }';

export function isNodeType(value: unknown): value is NodeType {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  const settings = t['settings'];
  return (
    typeof t['name'] === 'string' &&
    t['name'] !== '' &&
    typeof t['kind'] === 'string' &&
    KINDS.has(t['kind']) &&
    typeof settings === 'object' &&
    settings !== null &&
    typeof (settings as { safeParse?: unknown }).safeParse === 'function' &&
    (t['checkpoint'] === 'periodic' || t['checkpoint'] === 'on-request') &&
    typeof t['create'] === 'function'
  );
}

export type PluginModule =
  | { readonly kind: 'load_failed'; readonly reason: string }
  | { readonly kind: 'no_node_types' }
  /** `types` in export order; `invalid` holds the indexes of entries that are not node types. */
  | { readonly kind: 'read'; readonly types: readonly NodeType[]; readonly invalid: readonly number[] };

/** Imports the module and checks its `nodeTypes` export; never throws. */
export async function readPluginModule(url: string): Promise<PluginModule> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    return { kind: 'load_failed', reason: err instanceof Error ? err.message : String(err) };
  }
  const exported = mod['nodeTypes'];
  if (!Array.isArray(exported)) return { kind: 'no_node_types' };
  const types: NodeType[] = [];
  const invalid: number[] = [];
  exported.forEach((t: unknown, i) => (isNodeType(t) ? types.push(t) : invalid.push(i)));
  return { kind: 'read', types, invalid };
}
