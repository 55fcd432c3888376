/**
 * A node's `rules:` block may live in its own file (`rulesFile:`, relative to the config file): YAML
 * or JSON, or the node type's own rule syntax (the seed's formats). The file is read before
 * validation and its value takes the place of `rules:`; problems inside it are reported against
 * that file, with the line where it is known.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import { formatRulesFileProblem, RulesFileError } from '../../actors/nodes/rules-errors.js';
import { offsetOf, parseConfigText, positionOf, type ParsedFile } from './document.js';
import { describeProblem, formatPath, type ConfigIssue, type PathIssue } from './errors.js';

/** A rules file that was read, by node index. `parsed` is set for YAML/JSON files (positions). */
export interface RulesSource {
  readonly file: string;
  readonly parsed?: ParsedFile;
  /** The file could not be read or parsed (its problems are reported; the missing rules are not). */
  readonly failed?: true;
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function rulesProblemIssues(err: RulesFileError, nodeId: unknown): ConfigIssue[] {
  return err.problems.map((p) => ({
    file: p.file,
    path: '',
    expected: 'a valid rules or table file',
    message: `${formatRulesFileProblem(p)} (node ${String(nodeId)})`,
    ...(p.line === undefined ? {} : { line: p.line }),
  }));
}

/**
 * Replaces every node's `rulesFile` with `rules` read from it. Returns the document with those
 * nodes replaced (the input is not changed), the sources by node index, and the problems.
 */
export async function readRulesFiles(
  data: unknown,
  configFile: string,
  registry: NodeTypeRegistry,
): Promise<{ data: unknown; sources: Map<number, RulesSource>; issues: ConfigIssue[] }> {
  const sources = new Map<number, RulesSource>();
  const issues: ConfigIssue[] = [];
  if (!isMapping(data) || !Array.isArray(data['nodes'])) return { data, sources, issues };
  const configDir = path.dirname(path.resolve(configFile));
  const nodes: unknown[] = [];
  for (const [i, node] of (data['nodes'] as unknown[]).entries()) {
    const given = isMapping(node) ? node['rulesFile'] : undefined;
    if (!isMapping(node) || typeof given !== 'string' || given === '') {
      nodes.push(node);
      continue;
    }
    const at = (text: string): ConfigIssue => ({
      file: configFile,
      path: `nodes[${i}].rulesFile`,
      value: given,
      expected: 'a readable rules file',
      message: `${configFile}: nodes[${i}].rulesFile: ${text}`,
    });
    const { rulesFile: _given, ...rest } = node;
    nodes.push(rest);
    sources.set(i, { file: given, failed: true });
    if (node['rules'] !== undefined) {
      issues.push(at('rules are given both here and in rules:; keep one'));
      continue;
    }
    const file = path.resolve(configDir, given);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      issues.push(at(`cannot read ${given}: ${reason(err)}`));
      continue;
    }
    if (YAML_EXTENSIONS.has(path.extname(file).toLowerCase())) {
      const outcome = parseConfigText(given, text);
      if (!outcome.ok) {
        issues.push(...outcome.issues);
        continue;
      }
      rest['rules'] = outcome.file.data;
      sources.set(i, { file: given, parsed: outcome.file });
      continue;
    }
    const type = typeof node['type'] === 'string' ? registry.get(node['type']) : undefined;
    if (type === undefined) continue; // the unknown type is reported by validation
    if (type.parseRulesFile === undefined) {
      issues.push(at(`node type "${type.name}" reads rules files as YAML only (.yaml, .yml or .json)`));
      continue;
    }
    try {
      rest['rules'] = type.parseRulesFile(text, given);
      sources.set(i, { file: given });
    } catch (err) {
      if (err instanceof RulesFileError) issues.push(...rulesProblemIssues(err, node['id']));
      else issues.push(at(`cannot parse ${given}: ${reason(err)}`));
    }
  }
  return { data: { ...data, nodes }, sources, issues };
}

/**
 * An issue at `nodes[i].rules…` of a node whose rules came from a file, told against that file;
 * `null` when that file failed (already reported, so what its absence causes is not).
 */
export function rulesIssue(
  issue: PathIssue,
  sources: ReadonlyMap<number, RulesSource>,
): ConfigIssue | null | undefined {
  const [nodes, index, key, ...rest] = issue.path;
  if (nodes !== 'nodes' || typeof index !== 'number') return undefined;
  const source = sources.get(index);
  if (source === undefined) return undefined;
  if (key === 'settings' && rest[0] === 'rules') return source.failed === true ? null : undefined;
  if (key !== 'rules') return undefined;
  if (source.failed === true) return null;
  const where = formatPath(rest);
  const pos = source.parsed ? positionOf(source.parsed, offsetOf(source.parsed, rest)) : undefined;
  const place = pos ? `${source.file}:${pos.line}` : source.file;
  return {
    file: source.file,
    path: where,
    ...(issue.present ? { value: issue.value } : {}),
    expected: issue.expected,
    message: `${place}: ${where === '' ? '' : `${where}: `}${describeProblem(issue)}`,
    ...(pos ? { line: pos.line, column: pos.column } : {}),
  };
}
