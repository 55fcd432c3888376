/**
 * Collects the problems of one table or rules file so all of them are reported at once (up to a
 * cap: a file of garbage should not produce a million-line error), then throws one RulesFileError.
 */
import { RulesFileError, type RulesFileProblem } from '../../rules-errors.js';

/** Problems reported per file; the rest are summed up in one last line. */
export const MAX_PROBLEMS = 20;

export class ProblemList {
  readonly #problems: RulesFileProblem[] = [];
  #more = 0;

  constructor(private readonly file: string) {}

  add(line: number | undefined, message: string): void {
    if (this.#problems.length >= MAX_PROBLEMS) {
      this.#more++;
      return;
    }
    this.#problems.push(
      line === undefined ? { file: this.file, message } : { file: this.file, line, message },
    );
  }

  throwIfAny(): void {
    if (this.#problems.length > 0) this.fail();
  }

  /** Throws the problems collected (at least one must have been added). */
  fail(): never {
    // In line order (stable), whatever order the checks found them in; file-wide problems last.
    const problems = [...this.#problems].sort(
      (a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER),
    );
    if (this.#more > 0) problems.push({ file: this.file, message: `and ${this.#more} more problems` });
    throw new RulesFileError(problems);
  }
}

/** Lines of a text file with 1-based numbers; a trailing `\r` is removed. */
export function numberedLines(text: string): Array<{ line: number; text: string }> {
  return text.split('\n').map((t, i) => ({ line: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t }));
}
