/** The registry every thread uses: built-in node types plus the config's plug-in modules. */
import { NodeTypeRegistry, type NodeType } from './registry.js';
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
  let mod: { nodeTypes?: unknown };
  try {
    mod = (await import(url)) as { nodeTypes?: unknown };
  } catch (err) {
    throw new PluginLoadError(url, `cannot be loaded: ${(err as Error).message}`);
  }
  if (!Array.isArray(mod.nodeTypes))
    throw new PluginLoadError(url, 'expected an export `nodeTypes: NodeType[]`');
  for (const t of mod.nodeTypes as NodeType[]) registry.register(t);
}

export async function loadRegistry(plugins: readonly string[]): Promise<NodeTypeRegistry> {
  const registry = new NodeTypeRegistry();
  registerBuiltins(registry);
  for (const p of plugins) await registerPlugin(registry, p);
  return registry;
}
