/**
 * The two pieces of bookkeeping every metrics family of the host needs: turning an actor's cumulative
 * values into increments (`SeriesMarks`), and keeping label values bounded (`BoundedLabels`).
 */

/**
 * How a lower cumulative value is read: `high-water` (restored from a checkpoint and replayed: never
 * counted again), `baseline` (the source restarted from 0: the lower value is the new baseline), or
 * `from-zero` (the source restarted and counted `value` since).
 */
export type MarkMode = 'high-water' | 'baseline' | 'from-zero';

/** The last cumulative value per actor and series. Marks outlive the actor's series on purpose. */
export class SeriesMarks {
  readonly #marks = new Map<string, Map<string, number>>();

  /** Increment owed for a new cumulative value of one series of one actor. */
  advance(actor: string, series: string, value: number, mode: MarkMode): number {
    let marks = this.#marks.get(actor);
    if (marks === undefined) {
      marks = new Map();
      this.#marks.set(actor, marks);
    }
    const prev = marks.get(series) ?? 0;
    if (value > prev || mode !== 'high-water') marks.set(series, value);
    if (value < prev && mode === 'from-zero') return value;
    return value > prev ? value - prev : 0;
  }
}

export const OVERFLOW_LABEL = 'other';

/** Label values given out per scope (a node, or a node and family): at most `max`, then `other`. */
export class BoundedLabels {
  readonly #seen = new Map<string, Set<string>>();

  constructor(private readonly max: number) {}

  label(scope: string, value: string): string {
    let seen = this.#seen.get(scope);
    if (seen === undefined) {
      seen = new Set();
      this.#seen.set(scope, seen);
    }
    if (seen.has(value)) return value;
    if (seen.size >= this.max) return OVERFLOW_LABEL;
    seen.add(value);
    return value;
  }
}
