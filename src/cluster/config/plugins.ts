/**
 * Plugins: modules named in `plugins:` (paths relative to the config file) that export
 * `nodeTypes: NodeType[]`. Their types are registered before node settings are validated.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE_TYPE_SHAPE, readPluginModule } from '../../actors/nodes/plugin-module.js';
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import type { PathIssue } from './errors.js';

export interface PluginResult {
  /** Absolute file URLs of the plugin modules, in config order (including ones that failed). */
  readonly urls: string[];
  readonly issues: PathIssue[];
}

/**
 * Imports each plugin and registers its node types. A type object already registered (the same
 * module loaded again) is skipped; a different type under a taken name is a problem.
 * Entries that are not strings are left to the schema, which reports them.
 */
export async function loadPlugins(
  entries: unknown,
  configDir: string,
  registry: NodeTypeRegistry,
): Promise<PluginResult> {
  const urls: string[] = [];
  const issues: PathIssue[] = [];
  if (!Array.isArray(entries)) return { urls, issues };
  for (const [i, entry] of entries.entries()) {
    if (typeof entry !== 'string' || entry === '') continue;
    const url = pathToFileURL(path.resolve(configDir, entry)).href;
    urls.push(url);
    const at = {
      path: ['plugins', i],
      expected: 'a module exporting nodeTypes: NodeType[]',
      present: true,
      value: entry,
    };
    const read = await readPluginModule(url);
    if (read.kind === 'load_failed') {
      issues.push({ ...at, problem: `cannot load "${entry}": ${read.reason}` });
      continue;
    }
    if (read.kind === 'no_node_types') {
      issues.push({
        ...at,
        problem: `"${entry}" does not export nodeTypes (expected an array of node types)`,
      });
      continue;
    }
    for (const k of read.invalid) {
      issues.push({ ...at, problem: `"${entry}" nodeTypes[${k}]: expected ${NODE_TYPE_SHAPE}` });
    }
    for (const type of read.types) {
      const existing = registry.get(type.name);
      if (existing === type) continue;
      if (existing) {
        issues.push({
          ...at,
          problem: `"${entry}" registers node type "${type.name}", which is already registered`,
        });
        continue;
      }
      registry.register(type);
    }
  }
  return { urls, issues };
}
