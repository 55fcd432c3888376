/**
 * Problems in files a node's config refers to: a rules file in a node type's own format, or a
 * table a rule reads (an IP-range table, a lookup CSV). Each names the file and, when known, the
 * line, so the config loader can report it like any other config error.
 */
export interface RulesFileProblem {
  /** The file as the config names it (or resolved, when it was relative). */
  readonly file: string;
  /** 1-based line, when the problem is on one line. */
  readonly line?: number;
  /** What is wrong and what was expected, e.g. `expected "field,action", got "bytes"`. */
  readonly message: string;
}

export class RulesFileError extends Error {
  override readonly name = 'RulesFileError';
  readonly code = 'invalid_rules_file' as const;
  constructor(readonly problems: readonly RulesFileProblem[]) {
    super(problems.map(formatRulesFileProblem).join('\n'));
  }
}

export function formatRulesFileProblem(p: RulesFileProblem): string {
  return `${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.message}`;
}
