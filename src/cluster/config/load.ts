/**
 * Options in, filled options out: read the file, apply `--set` overrides, import plugins, validate
 * everything, and either return the config with every default applied or throw one ConfigError
 * listing every problem in document order.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import { RulesFileError } from '../../actors/nodes/rules-errors.js';
import { offsetOf, parseConfigText, positionOf, type ParsedFile } from './document.js';
import {
  ConfigError,
  formatPath,
  toConfigIssue,
  type ConfigIssue,
  type PathIssue,
  type PathSegment,
} from './errors.js';
import { applySets, type SetResult } from './overrides.js';
import { loadPlugins } from './plugins.js';
import type { NarflowConfig } from './schema.js';
import { readRulesFiles, rulesIssue, rulesProblemIssues } from './rules-files.js';
import { validateConfig } from './validate.js';

export interface LoadOptions {
  readonly registry: NodeTypeRegistry;
  /** `path=value` overrides, applied in order (the CLI's `--set`). */
  readonly sets?: readonly string[];
  /** Replaces `host.dataDir` (the CLI's `--data-dir`); resolved against the process cwd. */
  readonly dataDir?: string;
}

export interface LoadedConfig extends NarflowConfig {
  /** The config file, absolute. */
  readonly file: string;
  /** Plugin modules as absolute file URLs, in config order. */
  readonly plugins: string[];
  /** Findings that do not stop a start, one line each: `<file>: <path>: <text>`. */
  readonly warnings: string[];
}

/** Each node type's `resolveFiles`: absolute paths in its settings, and the files they name checked. */
async function resolveNodeFiles(
  config: NarflowConfig,
  configDir: string,
  registry: NodeTypeRegistry,
): Promise<{ nodes: NarflowConfig['nodes']; issues: ConfigIssue[] }> {
  const issues: ConfigIssue[] = [];
  const nodes: NarflowConfig['nodes'] = [];
  for (const node of config.nodes) {
    const type = registry.get(node.type);
    if (type?.resolveFiles === undefined) {
      nodes.push(node);
      continue;
    }
    try {
      nodes.push({ ...node, settings: await type.resolveFiles(node.settings, configDir) });
    } catch (err) {
      if (!(err instanceof RulesFileError)) throw err;
      issues.push(...rulesProblemIssues(err, node.id));
      nodes.push(node);
    }
  }
  return { nodes, issues };
}

function fileIssue(file: string, text: string, expected: string): ConfigIssue {
  return { file, path: '', expected, message: `${file}: ${text}` };
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

/**
 * Issues tied to the file and its positions, in document order (stable for equal positions). An
 * issue inside a value given by `--set` says so, since the file does not show that value.
 */
function placeIssues(
  file: string,
  parsed: ParsedFile,
  issues: readonly PathIssue[],
  sets: SetResult,
): ConfigIssue[] {
  return issues
    .map((issue, n) => ({ issue, n, offset: offsetOf(parsed, issue.path) }))
    .sort((a, b) => a.offset - b.offset || a.n - b.n)
    .map(({ issue, offset }) => {
      const placed = toConfigIssue(file, issue, positionOf(parsed, offset));
      const set = sets.applied.findLast((s) => startsWith(issue.path, s.path));
      return set ? { ...placed, message: `${placed.message} (from --set ${set.expr})` } : placed;
    });
}

export async function loadConfig(file: string, opts: LoadOptions): Promise<LoadedConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError([fileIssue(file, `cannot read: ${reason}`, 'a readable file')]);
  }
  const outcome = parseConfigText(file, text);
  if (!outcome.ok) throw new ConfigError(outcome.issues);
  const parsed = outcome.file;

  const sets = applySets(parsed.data, opts.sets ?? []);
  const setIssues = sets.problems.map((p): ConfigIssue => ({
    file,
    path: p.path,
    value: p.expr,
    expected: 'path=value',
    message: `--set ${p.expr}: ${p.problem}`,
  }));
  const plugins = await loadPlugins(
    typeof sets.data === 'object' && sets.data !== null
      ? (sets.data as Record<string, unknown>)['plugins']
      : undefined,
    path.dirname(absolute),
    opts.registry,
  );
  const rules = await readRulesFiles(sets.data, file, opts.registry);
  const result = validateConfig(rules.data, opts.registry, { typesComplete: plugins.issues.length === 0 });
  const inRulesFiles: ConfigIssue[] = [];
  const inConfig = result.issues.filter((issue) => {
    const moved = rulesIssue(issue, rules.sources);
    if (moved) inRulesFiles.push(moved);
    return moved === undefined;
  });
  const issues = [
    ...setIssues,
    ...placeIssues(file, parsed, [...plugins.issues, ...inConfig], sets),
    ...rules.issues,
    ...inRulesFiles,
  ];
  if (issues.length > 0 || !result.config) throw new ConfigError(issues);
  const nodes = await resolveNodeFiles(result.config, path.dirname(absolute), opts.registry);
  if (nodes.issues.length > 0) throw new ConfigError(nodes.issues);

  const warnings = [
    ...parsed.warnings,
    ...result.warnings.map((w) => `${file}: ${formatPath(w.path)}: ${w.text}`),
  ];
  const config = { ...result.config, nodes: nodes.nodes };
  const dataDir = path.resolve(opts.dataDir ?? config.host.dataDir);
  return { ...config, host: { ...config.host, dataDir }, file: absolute, plugins: plugins.urls, warnings };
}
