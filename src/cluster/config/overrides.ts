/**
 * `--set path=value` overrides, applied to the parsed document before validation.
 * Paths: `host.metrics.port`, `nodes[0].partitions`, `nodes[ep-1].settings.rule` (a list entry chosen
 * by its `id`). The value is read as YAML, so `4` is a number, `[a, b]` a list, `true` a boolean.
 * Missing mappings on the way are created; selecting a missing entry or indexing a non-list is a problem.
 */
import { parse as parseYaml } from 'yaml';
import { formatPath, type PathSegment } from './errors.js';

type Step = { readonly key: string } | { readonly index: number } | { readonly id: string };

export interface SetProblem {
  /** The expression as given on the command line. */
  readonly expr: string;
  /** The path part of the expression (the whole expression when it has no `=`). */
  readonly path: string;
  readonly problem: string;
}

export interface SetResult {
  readonly data: unknown;
  /** The overrides that were applied, with list entries chosen by id resolved to indexes. */
  readonly applied: { readonly expr: string; readonly path: PathSegment[] }[];
  readonly problems: SetProblem[];
}

const STEP = /^(?:\.?([A-Za-z0-9_-]+)|\[([^\]]+)\])/;

function parsePath(text: string): Step[] | undefined {
  const steps: Step[] = [];
  let rest = text;
  if (rest.startsWith('.') || rest.startsWith('[')) return undefined;
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) return undefined;
    const [whole, key, selector] = m;
    if (key !== undefined) steps.push({ key });
    else if (selector !== undefined && /^\d+$/.test(selector)) steps.push({ index: Number(selector) });
    else if (selector !== undefined) steps.push({ id: selector.trim() });
    rest = rest.slice(whole.length);
  }
  return steps.length > 0 ? steps : undefined;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

function stepText(step: Step): string {
  if ('key' in step) return step.key;
  return 'index' in step ? `[${step.index}]` : `[${step.id}]`;
}

/** Sets `value` at `steps` inside `root`; returns the resolved path or a problem text. */
function setAt(root: Record<string, unknown>, steps: Step[], value: unknown): PathSegment[] | string {
  let container: unknown = root;
  const resolved: PathSegment[] = [];
  for (let i = 0; i < steps.length; i += 1) {
    const step = steps[i] as Step;
    const last = i === steps.length - 1;
    const here = resolved.length === 0 ? 'the document' : formatPath(resolved);
    if ('key' in step) {
      if (!isMapping(container))
        return `cannot set key "${step.key}": ${here} is ${kindOf(container)}, not a mapping`;
      if (last) {
        container[step.key] = value;
      } else if (container[step.key] === undefined || container[step.key] === null) {
        const next = steps[i + 1] as Step;
        if (!('key' in next))
          return `cannot select ${stepText(next)}: ${formatPath([...resolved, step.key])} is missing`;
        container[step.key] = {};
      }
      resolved.push(step.key);
      container = container[step.key];
      continue;
    }
    if (!Array.isArray(container))
      return `cannot select ${stepText(step)}: ${here} is ${kindOf(container)}, not a list`;
    let index: number;
    if ('index' in step) {
      index = step.index;
      if (index >= container.length) {
        return `${here} has ${container.length} entries; there is no ${formatPath([...resolved, index])}`;
      }
    } else {
      const id = step.id;
      index = container.findIndex((e) => isMapping(e) && e['id'] === id);
      if (index < 0) {
        const ids = container.flatMap((e) => (isMapping(e) && typeof e['id'] === 'string' ? [e['id']] : []));
        const what = here === 'nodes' ? 'node' : `entry in ${here}`;
        return `no ${what} with id "${id}" (ids: ${ids.join(', ') || 'none'})`;
      }
    }
    if (last) container[index] = value;
    resolved.push(index);
    container = container[index];
  }
  return resolved;
}

/** Applies the overrides in order to a copy of `data`; every problem is reported, none stops the rest. */
export function applySets(data: unknown, sets: readonly string[]): SetResult {
  const problems: SetProblem[] = [];
  const applied: { expr: string; path: PathSegment[] }[] = [];
  if (sets.length === 0) return { data, applied, problems };
  const root: unknown = data === null || data === undefined ? {} : structuredClone(data);
  for (const expr of sets) {
    const eq = expr.indexOf('=');
    if (eq < 0) {
      problems.push({
        expr,
        path: expr,
        problem: 'expected path=value (for example host.metrics.port=9464)',
      });
      continue;
    }
    const pathText = expr.slice(0, eq).trim();
    const steps = parsePath(pathText);
    if (!steps) {
      problems.push({
        expr,
        path: pathText,
        problem: `expected a path like host.metrics.port, nodes[0].partitions or nodes[<id>].settings.x, got "${pathText}"`,
      });
      continue;
    }
    let value: unknown;
    try {
      value = parseYaml(expr.slice(eq + 1), { prettyErrors: false }) as unknown;
    } catch (err) {
      problems.push({
        expr,
        path: pathText,
        problem: `value is not valid YAML: ${err instanceof Error ? err.message : String(err)}`,
      });
      continue;
    }
    if (!isMapping(root)) {
      problems.push({
        expr,
        path: pathText,
        problem: `cannot set: the document is ${kindOf(root)}, not a mapping`,
      });
      continue;
    }
    const result = setAt(root, steps, value);
    if (typeof result === 'string') problems.push({ expr, path: pathText, problem: result });
    else applied.push({ expr, path: result });
  }
  return { data: root, applied, problems };
}
