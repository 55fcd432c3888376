/**
 * The data-flow map in the map store is the master copy of the nodes a host runs. The config
 * file seeds it when the store is empty; afterwards changes arrive through the store (POST /map,
 * `narflow apply`, or another host writing Redis) and are validated like a config file before the
 * host applies them.
 */
import { parse as parseYaml } from 'yaml';
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import { validateConfig, type LoadedConfig, type NodeConfig } from '../config/index.js';
import { formatPath, toConfigIssue } from '../config/errors.js';
import { MemoryMapStore, RedisMapStore, type MapNode, type MapStore } from '../map-store/index.js';

export function createMapStore(config: LoadedConfig, onError: (err: Error) => void): MapStore {
  const m = config.mapStore;
  return m.type === 'redis'
    ? new RedisMapStore(m.url, m.mapId, { onError })
    : new MemoryMapStore({ onError });
}

export function nodesToMap(nodes: readonly NodeConfig[]): Record<string, MapNode> {
  return Object.fromEntries(nodes.map((n) => [n.id, JSON.parse(JSON.stringify(n)) as MapNode]));
}

export type MapValidation =
  { readonly ok: true; readonly config: LoadedConfig } | { readonly ok: false; readonly problems: string[] };

/** Validates a map's nodes in the context of the running config (host, store, supervision stay). */
export function validateMapNodes(
  base: LoadedConfig,
  nodes: unknown,
  registry: NodeTypeRegistry,
): MapValidation {
  const { file, plugins, warnings: _w, ...rest } = base;
  const data = { ...rest, nodes };
  const v = validateConfig(data, registry);
  if (v.config === undefined || v.issues.length > 0) {
    return { ok: false, problems: v.issues.map((i) => toConfigIssue('map', i, undefined).message) };
  }
  const warnings = v.warnings.map((w) => `map: ${formatPath(w.path)}: ${w.text}`);
  return { ok: true, config: { ...v.config, file, plugins, warnings } };
}

/** The nodes in force: the store's when it has a map, else the config's (written to the store). */
export async function seedMap(
  store: MapStore,
  config: LoadedConfig,
  registry: NodeTypeRegistry,
): Promise<{ config: LoadedConfig; version: number; seeded: boolean }> {
  const current = await store.get();
  if (current.version === 0) {
    const r = await store.compareAndSet(0, nodesToMap(config.nodes));
    if (r.ok) return { config, version: r.version, seeded: true };
  }
  const map = await store.get();
  const v = validateMapNodes(config, Object.values(map.nodes), registry);
  if (!v.ok)
    throw new Error(
      `the map in the store (version ${map.version}) is not valid:\n  ${v.problems.join('\n  ')}`,
    );
  return { config: v.config, version: map.version, seeded: false };
}

/** Body of POST /map: YAML or JSON with a `nodes` list, validated before it is stored. */
export async function applyMapBody(
  store: MapStore,
  base: LoadedConfig,
  registry: NodeTypeRegistry,
  body: string,
): Promise<{ status: number; body: unknown }> {
  let doc: unknown;
  try {
    doc = parseYaml(body);
  } catch (err) {
    return { status: 400, body: { error: `map: not YAML or JSON: ${(err as Error).message}` } };
  }
  const nodes = (doc as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes))
    return { status: 400, body: { error: 'map: expected an object with a "nodes" list' } };
  const v = validateMapNodes(base, nodes, registry);
  if (!v.ok) return { status: 400, body: { error: 'map: not valid', problems: v.problems } };
  const next = nodesToMap(v.config.nodes);
  const map = await store.update(() => next);
  return { status: 200, body: { version: map.version, nodes: Object.keys(next) } };
}
