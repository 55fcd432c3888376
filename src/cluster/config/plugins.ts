/**
 * Plugins: modules named in `plugins:` (paths relative to the config file) that export
 * `nodeTypes: NodeType[]`. Their types are registered before node settings are validated.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeType, NodeTypeRegistry } from '../../actors/nodes/registry.js';
import type { PathIssue } from './errors.js';

const KINDS = new Set(['EI', 'EP', 'AP', 'OE', 'OI']);
const NODE_TYPE_SHAPE =
  'node type { name, kind: EI|EP|AP|OE|OI, description, settings: zod schema, checkpoint, create() }';

export interface PluginResult {
  /** Absolute file URLs of the plugin modules, in config order (including ones that failed). */
  readonly urls: string[];
  readonly issues: PathIssue[];
}

function isNodeType(value: unknown): value is NodeType {
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

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (err) {
      issues.push({ ...at, problem: `cannot load "${entry}": ${reason(err)}` });
      continue;
    }
    const types = mod['nodeTypes'];
    if (!Array.isArray(types)) {
      issues.push({
        ...at,
        problem: `"${entry}" does not export nodeTypes (expected an array of node types)`,
      });
      continue;
    }
    for (const [k, type] of types.entries()) {
      if (!isNodeType(type)) {
        issues.push({ ...at, problem: `"${entry}" nodeTypes[${k}]: expected ${NODE_TYPE_SHAPE}` });
        continue;
      }
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
