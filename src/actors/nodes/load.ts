/** The registry every thread uses: built-in node types plus the config's plug-in modules. */
import { NODE_TYPE_SHAPE, readPluginModule } from './plugin-module.js';
import { NodeTypeRegistry } from './registry.js';
import { registerBuiltins } from './builtin.js';

export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
  readonly code = 'plugin_load';
  constructor(
    readonly plugin: string,
    reason: string,
  ) {
    super(`plug-in ${plugin}: ${reason}`);
  }
}

/** Imports one plug-in module and registers its `nodeTypes` export. */
export async function registerPlugin(registry: NodeTypeRegistry, url: string): Promise<void> {
  const read = await readPluginModule(url);
  if (read.kind === 'load_failed') throw new PluginLoadError(url, `cannot be loaded: ${read.reason}`);
  if (read.kind === 'no_node_types' || read.invalid.length > 0)
    throw new PluginLoadError(url, `expected an export nodeTypes: ${NODE_TYPE_SHAPE}[]`);
  for (const t of read.types) if (registry.get(t.name) !== t) registry.register(t);
}

export async function loadRegistry(plugins: readonly string[]): Promise<NodeTypeRegistry> {
  const registry = new NodeTypeRegistry();
  registerBuiltins(registry);
  for (const p of plugins) await registerPlugin(registry, p);
  return registry;
}
