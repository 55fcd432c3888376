/**
 * Config problems: every one names the file, the path inside it, the value and what was expected,
 * and all of them are reported together before anything starts.
 */

/** A key or list index on the way to a value inside the config document. */
export type PathSegment = string | number;

export interface ConfigIssue {
  /** The config file as it was given (relative paths stay relative). */
  readonly file: string;
  /** `a.b[2].c`; empty for the document as a whole; for a `--set` problem, the path the set names. */
  readonly path: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
  /** What the value should be, in words (`integer 1–65535`, `one of: memory, redis`, …). */
  readonly expected: string;
  /** The whole line as printed: `<file>: <path>: expected <expected>, got <value>` and variants. */
  readonly message: string;
  /** 1-based position in the file of the value (or its nearest existing parent), when known. */
  readonly line?: number;
  readonly column?: number;
}

export type ConfigErrorCode = 'invalid_config';

export class ConfigError extends Error {
  readonly code: ConfigErrorCode = 'invalid_config';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * A problem found at a path of the document, before it is tied to a file and a position.
 * Without `problem`, the printed text is `expected <expected>, got <value>` (or `required, …`).
 */
export interface PathIssue {
  readonly path: readonly PathSegment[];
  readonly expected: string;
  /** Whether the document holds a value at `path`. */
  readonly present: boolean;
  /** The value at `path`; when not `present`, a default that failed validation (if any). */
  readonly value?: unknown;
  /** Replaces the `expected …, got …` text, for problems that read better another way. */
  readonly problem?: string;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['nodes', 2, 'settings', 'listen']` → `nodes[2].settings.listen`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

const MAX_VALUE_CHARS = 80;

/** A value as JSON, shortened when long; non-JSON numbers (`.inf`, `.nan`) printed as such. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}`;
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch (err) {
    text = `(unprintable value: ${err instanceof Error ? err.message : String(err)})`;
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** The text after `<file>: <path>: ` for a path issue. */
export function describeProblem(issue: PathIssue): string {
  if (issue.problem !== undefined) return issue.problem;
  if (!issue.present && issue.value === undefined) return `required, expected ${issue.expected}`;
  const got = `expected ${issue.expected}, got ${formatValue(issue.value)}`;
  return issue.present ? got : `${got} (a default, not written in the file)`;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Ties a path issue to the file (as given) and its position. */
export function toConfigIssue(file: string, issue: PathIssue, pos: Position | undefined): ConfigIssue {
  const path = formatPath(issue.path);
  const where = path === '' ? `${file}: ` : `${file}: ${path}: `;
  return {
    file,
    path,
    ...(issue.present || issue.value !== undefined ? { value: issue.value } : {}),
    expected: issue.expected,
    message: where + describeProblem(issue),
    ...(pos ? { line: pos.line, column: pos.column } : {}),
  };
}
