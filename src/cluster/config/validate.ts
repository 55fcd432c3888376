/**
 * Collects every problem of a config document at once: the schema, each node's settings against its
 * type's schema, and the graph. Returns the filled config only when there is none.
 */
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import type { PathIssue } from './errors.js';
import { checkGraph } from './graph.js';
import { configSchema, type NarflowConfig } from './schema.js';
import { configWarnings, type PathWarning } from './warnings.js';
import { fromZodIssues, parseParams } from './zod-issues.js';

export interface Validation {
  readonly issues: PathIssue[];
  readonly warnings: PathWarning[];
  /** Present when `issues` is empty and every node type was known (`typesComplete`). */
  readonly config?: NarflowConfig;
}

export interface ValidateOptions {
  /**
   * False when some plugin failed to load: node types are then not checked against the registry
   * (the missing ones would be reported as unknown, hiding the real cause).
   */
  readonly typesComplete: boolean;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `nodes[i].settings.rules…` → `nodes[i].rules…`. */
function movedToRules(issue: PathIssue, i: number): PathIssue {
  const p = issue.path;
  if (p[0] !== 'nodes' || p[1] !== i || p[2] !== 'settings' || p[3] !== 'rules') return issue;
  return { ...issue, path: ['nodes', i, 'rules', ...p.slice(4)] };
}

/** Each node's settings through its type's schema; parsed settings by node index. */
function checkSettings(
  nodes: unknown,
  registry: NodeTypeRegistry,
  opts: ValidateOptions,
): { issues: PathIssue[]; parsed: Map<number, unknown> } {
  const issues: PathIssue[] = [];
  const parsed = new Map<number, unknown>();
  if (!Array.isArray(nodes)) return { issues, parsed };
  const none = opts.typesComplete && registry.names().length === 0;
  nodes.forEach((node, i) => {
    if (!isMapping(node) || typeof node['type'] !== 'string') return;
    const type = registry.get(node['type']);
    if (!type) {
      if (none) {
        issues.push({
          path: ['nodes', i, 'type'],
          expected: 'a registered node type (none are registered)',
          present: true,
          value: node['type'],
        });
      }
      return;
    }
    let raw = node['settings'] === undefined ? {} : node['settings'];
    const rules = node['rules'];
    if (rules !== undefined && isMapping(raw)) {
      if (raw['rules'] !== undefined) {
        issues.push({
          path: ['nodes', i, 'rules'],
          expected: 'rules in one place',
          present: true,
          value: rules,
          problem: 'rules are given both here and in settings.rules; keep one',
        });
      }
      raw = { ...raw, rules };
    }
    try {
      const result = type.settings.safeParse(raw, parseParams);
      if (result.success) parsed.set(i, result.data);
      else {
        const found = fromZodIssues(result.error.issues, raw, ['nodes', i, 'settings']);
        // Rules written as the node's `rules:` block are reported there.
        issues.push(...(rules === undefined ? found : found.map((issue) => movedToRules(issue, i))));
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      issues.push({
        path: ['nodes', i, 'settings'],
        expected: `settings for node type "${type.name}"`,
        present: node['settings'] !== undefined,
        value: node['settings'],
        problem: `the settings schema of node type "${type.name}" failed: ${reason}`,
      });
    }
  });
  return { issues, parsed };
}

export function validateConfig(
  data: unknown,
  registry: NodeTypeRegistry,
  opts: ValidateOptions = { typesComplete: true },
): Validation {
  const schema = configSchema(opts.typesComplete ? registry.names() : []);
  const result = schema.safeParse(data, parseParams);
  const issues: PathIssue[] = result.success ? [] : fromZodIssues(result.error.issues, data, []);
  const nodes = isMapping(data) ? data['nodes'] : undefined;
  const settings = checkSettings(nodes, registry, opts);
  issues.push(...settings.issues, ...checkGraph(nodes, registry, settings.parsed));
  if (issues.length > 0 || !result.success || !opts.typesComplete) return { issues, warnings: [] };
  const config: NarflowConfig = {
    ...result.data,
    // `rules` and `rulesFile` are folded into the settings the type parsed.
    nodes: result.data.nodes.map(({ rules: _rules, rulesFile: _file, ...node }, i) => ({
      ...node,
      settings: settings.parsed.get(i),
    })),
  };
  return { issues, warnings: configWarnings(config, registry), config };
}
