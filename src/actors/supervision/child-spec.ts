/**
 * Supervisor flags and child specifications: defaults and validation (STYLE.md 3.1, 3.2, 3.11).
 * Everything is checked before the first child starts, and every problem is reported at once.
 */
import type {
  BackoffSpec,
  ChildSpec,
  ChildType,
  RestartType,
  ShutdownSpec,
  Strategy,
  SupervisorFlags,
} from './types.js';

export type SupervisorConfigCode =
  | 'invalid_strategy'
  | 'invalid_intensity'
  | 'invalid_period'
  | 'invalid_backoff'
  | 'invalid_child_spec'
  | 'invalid_child_id'
  | 'invalid_start'
  | 'invalid_restart_type'
  | 'invalid_shutdown'
  | 'invalid_child_type'
  | 'duplicate_child_name'
  | 'unknown_key';

export interface ConfigIssue {
  readonly code: SupervisorConfigCode;
  /** Path of the offending value, e.g. `flags.intensity` or `children[2].shutdown`. */
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;
}

/** A supervisor's flags or child list are invalid; `code` is the first issue, `issues` holds all of them. */
export class SupervisorConfigError extends Error {
  override readonly name = 'SupervisorConfigError';
  readonly code: SupervisorConfigCode;
  readonly field: string;
  readonly value: unknown;
  readonly issues: readonly ConfigIssue[];

  constructor(supervisor: string, issues: readonly [ConfigIssue, ...ConfigIssue[]]) {
    super(`supervisor "${supervisor}": ${issues.map(formatIssue).join('; ')}`);
    this.code = issues[0].code;
    this.field = issues[0].field;
    this.value = issues[0].value;
    this.issues = issues;
  }
}

function formatIssue(issue: ConfigIssue): string {
  return `${issue.field}: expected ${issue.expected}, got ${printValue(issue.value)} (${issue.code})`;
}

function printValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export interface FilledBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly jitter: number;
  readonly resetAfterMs: number;
}

export interface FilledFlags {
  readonly strategy: Strategy;
  readonly intensity: number;
  /** Seconds. */
  readonly period: number;
  readonly backoff: FilledBackoff | undefined;
}

export interface FilledChildSpec {
  readonly id: string;
  readonly start: ChildSpec['start'];
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  readonly type: ChildType;
  readonly backoff: FilledBackoff | undefined;
}

const STRATEGIES: readonly Strategy[] = ['one_for_one', 'one_for_all', 'rest_for_one'];
const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const CHILD_TYPES: readonly ChildType[] = ['worker', 'supervisor'];
const FLAG_KEYS = new Set(['strategy', 'intensity', 'period', 'backoff']);
const CHILD_KEYS = new Set(['id', 'start', 'restart', 'shutdown', 'type', 'backoff']);
const BACKOFF_KEYS = new Set(['initialMs', 'maxMs', 'factor', 'jitter', 'resetAfterMs']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function unknownKeys(
  obj: Record<string, unknown>,
  allowed: Set<string>,
  path: string,
  out: ConfigIssue[],
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) {
      out.push({ code: 'unknown_key', field: `${path}.${key}`, value: obj[key], expected: 'no such key' });
    }
  }
}

function checkBackoff(value: unknown, path: string, out: ConfigIssue[]): FilledBackoff | undefined {
  if (value === undefined) return undefined;
  const bad = (field: string, v: unknown, expected: string): void => {
    out.push({ code: 'invalid_backoff', field: `${path}${field}`, value: v, expected });
  };
  if (!isRecord(value)) {
    bad('', value, 'an object { initialMs, maxMs, factor, jitter, resetAfterMs? }');
    return undefined;
  }
  unknownKeys(value, BACKOFF_KEYS, path, out);
  const before = out.length;
  const { initialMs, maxMs, factor, jitter, resetAfterMs } = value;
  if (!isFiniteNumber(initialMs) || initialMs < 0) bad('.initialMs', initialMs, 'a number of ms >= 0');
  if (!isFiniteNumber(maxMs) || (isFiniteNumber(initialMs) && maxMs < initialMs)) {
    bad('.maxMs', maxMs, 'a number of ms >= initialMs');
  }
  if (!isFiniteNumber(factor) || factor < 1) bad('.factor', factor, 'a number >= 1');
  if (!isFiniteNumber(jitter) || jitter < 0 || jitter > 1) bad('.jitter', jitter, 'a number from 0 to 1');
  if (resetAfterMs !== undefined && (!isFiniteNumber(resetAfterMs) || resetAfterMs < 0)) {
    bad('.resetAfterMs', resetAfterMs, 'a number of ms >= 0');
  }
  if (out.length !== before) return undefined;
  const spec = value as unknown as BackoffSpec;
  return { ...spec, resetAfterMs: spec.resetAfterMs ?? spec.initialMs };
}

function checkFlags(flags: unknown, out: ConfigIssue[]): FilledFlags {
  const f: Record<string, unknown> = isRecord(flags) ? flags : {};
  if (!isRecord(flags)) {
    out.push({ code: 'invalid_child_spec', field: 'flags', value: flags, expected: 'an object' });
  }
  unknownKeys(f, FLAG_KEYS, 'flags', out);
  const strategy = f['strategy'] ?? 'one_for_one';
  const intensity = f['intensity'] ?? 1;
  const period = f['period'] ?? 5;
  if (!STRATEGIES.includes(strategy as Strategy)) {
    out.push({
      code: 'invalid_strategy',
      field: 'flags.strategy',
      value: strategy,
      expected: STRATEGIES.join(' | '),
    });
  }
  if (!isNonNegativeInteger(intensity)) {
    out.push({
      code: 'invalid_intensity',
      field: 'flags.intensity',
      value: intensity,
      expected: 'an integer >= 0',
    });
  }
  if (!isNonNegativeInteger(period) || period === 0) {
    out.push({
      code: 'invalid_period',
      field: 'flags.period',
      value: period,
      expected: 'an integer > 0 (seconds)',
    });
  }
  const backoff = checkBackoff(f['backoff'], 'flags.backoff', out);
  return {
    strategy: strategy as Strategy,
    intensity: intensity as number,
    period: period as number,
    backoff,
  };
}

function checkChild(
  spec: unknown,
  path: string,
  flags: FilledFlags,
  out: ConfigIssue[],
): FilledChildSpec | undefined {
  if (!isRecord(spec)) {
    out.push({
      code: 'invalid_child_spec',
      field: path,
      value: spec,
      expected: 'an object { id, start, ... }',
    });
    return undefined;
  }
  const before = out.length;
  unknownKeys(spec, CHILD_KEYS, path, out);
  const { id, start } = spec;
  const restart = spec['restart'] ?? 'permanent';
  const type = spec['type'] ?? 'worker';
  if (typeof id !== 'string' || id.length === 0) {
    out.push({ code: 'invalid_child_id', field: `${path}.id`, value: id, expected: 'a non-empty string' });
  }
  if (typeof start !== 'function') {
    out.push({ code: 'invalid_start', field: `${path}.start`, value: start, expected: 'a function' });
  }
  if (!RESTART_TYPES.includes(restart as RestartType)) {
    const expected = RESTART_TYPES.join(' | ');
    out.push({ code: 'invalid_restart_type', field: `${path}.restart`, value: restart, expected });
  }
  if (!CHILD_TYPES.includes(type as ChildType)) {
    out.push({
      code: 'invalid_child_type',
      field: `${path}.type`,
      value: type,
      expected: CHILD_TYPES.join(' | '),
    });
  }
  const shutdown = spec['shutdown'] ?? (type === 'supervisor' ? 'infinity' : 5000);
  if (shutdown !== 'brutal_kill' && shutdown !== 'infinity' && !isNonNegativeInteger(shutdown)) {
    const expected = "'brutal_kill' | 'infinity' | an integer of ms >= 0";
    out.push({ code: 'invalid_shutdown', field: `${path}.shutdown`, value: shutdown, expected });
  }
  const backoff =
    spec['backoff'] === undefined ? flags.backoff : checkBackoff(spec['backoff'], `${path}.backoff`, out);
  if (out.length !== before) return undefined;
  return {
    id: id as string,
    start: start as ChildSpec['start'],
    restart: restart as RestartType,
    shutdown: shutdown as ShutdownSpec,
    type: type as ChildType,
    backoff,
  };
}

function throwIfAny(supervisor: string, issues: ConfigIssue[]): void {
  const [first, ...rest] = issues;
  if (first !== undefined) throw new SupervisorConfigError(supervisor, [first, ...rest]);
}

/** Validates the flags and the whole child list; throws one `SupervisorConfigError` listing every issue. */
export function validateSupervisor(
  supervisor: string,
  flags: SupervisorFlags,
  children: readonly ChildSpec[],
): { flags: FilledFlags; children: FilledChildSpec[] } {
  const issues: ConfigIssue[] = [];
  const filledFlags = checkFlags(flags, issues);
  const filled: FilledChildSpec[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(children)) {
    issues.push({ code: 'invalid_child_spec', field: 'children', value: children, expected: 'an array' });
  } else {
    children.forEach((spec: unknown, index) => {
      const child = checkChild(spec, `children[${index}]`, filledFlags, issues);
      if (child === undefined) return;
      if (seen.has(child.id)) {
        const field = `children[${index}].id`;
        issues.push({
          code: 'duplicate_child_name',
          field,
          value: child.id,
          expected: 'an id unique within the supervisor',
        });
        return;
      }
      seen.add(child.id);
      filled.push(child);
    });
  }
  throwIfAny(supervisor, issues);
  return { flags: filledFlags, children: filled };
}

/** Validates one spec given to `startChild` against the supervisor's flags (default backoff). */
export function validateChildSpec(supervisor: string, flags: FilledFlags, spec: ChildSpec): FilledChildSpec {
  const issues: ConfigIssue[] = [];
  const child = checkChild(spec, 'child', flags, issues);
  throwIfAny(supervisor, issues);
  if (child === undefined) throw new Error('child spec validation returned nothing without an issue');
  return child;
}
