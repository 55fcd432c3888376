/**
 * The aggregation actions (seed: "Accumulate, Maximum, Minimum, Average etc.") applied to the action
 * fields of an aggregate. One `ActionSet` per node: field names and action codes in two arrays, and
 * every per-record step is a loop with a switch — no closure or object is made per record.
 *
 * null and missing values are skipped by every action; a field that never saw a value is null.
 *   sum    numbers add; if either side is a bigint the result is a bigint (a fractional number
 *          added to a bigint gives a number, since a bigint cannot hold it)
 *   min    smallest value: numbers and bigints compare numerically, strings lexicographically
 *   max    largest value, compared like min
 *   avg    sum / count of the values seen, emitted as a number
 *   count  the number of NARs merged into the aggregate (null values included)
 *   first  first non-null value
 *   last   last non-null value
 */
import type { AttributeValue, Nar } from '../../../protocols/nar/nar.js';

export const ACTION_NAMES = ['sum', 'max', 'min', 'avg', 'count', 'first', 'last'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** Accepted spellings (case-insensitive), the seed's words included. */
const ALIASES: ReadonlyMap<string, ActionName> = new Map([
  ['sum', 'sum'],
  ['accumulate', 'sum'],
  ['max', 'max'],
  ['maximum', 'max'],
  ['min', 'min'],
  ['minimum', 'min'],
  ['avg', 'avg'],
  ['average', 'avg'],
  ['count', 'count'],
  ['first', 'first'],
  ['last', 'last'],
]);

export const ACTION_WORDS = [...ALIASES.keys()].join(', ');

/** The canonical action for an accepted spelling, or undefined. */
export function actionName(text: string): ActionName | undefined {
  return ALIASES.get(text.toLowerCase());
}

const SUM = 0;
const MAX = 1;
const MIN = 2;
const AVG = 3;
const COUNT = 4;
const FIRST = 5;
const LAST = 6;
const CODES: Readonly<Record<ActionName, number>> = {
  sum: SUM,
  max: MAX,
  min: MIN,
  avg: AVG,
  count: COUNT,
  first: FIRST,
  last: LAST,
};

type Numeric = number | bigint;

/** numbers add; a bigint on either side makes a bigint, unless the number is fractional. */
export function addValues(a: Numeric, b: Numeric): Numeric {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  const n = (typeof a === 'number' ? a : b) as number;
  const big = (typeof a === 'bigint' ? a : b) as bigint;
  return Number.isInteger(n) ? big + BigInt(n) : Number(big) + n;
}

/** Negative, zero or positive; both numeric (number/bigint, compared exactly) or both strings. */
export function compareValues(a: Numeric | string, b: Numeric | string): number {
  if (typeof a === 'string' || typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  // number/bigint comparisons with < and > are exact in JavaScript.
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNumeric(v: AttributeValue): v is Numeric {
  return typeof v === 'bigint' || (typeof v === 'number' && !Number.isNaN(v));
}

/** A record value an action cannot take, with what it expected. */
export interface ValueProblem {
  readonly attribute: string;
  readonly action: ActionName;
  readonly expected: string;
}

/** The aggregate an ActionSet works on: the stored record and the running average state. */
export interface Aggregate {
  readonly record: Nar;
  /** NARs merged since the last emission (0: the action fields are re-initialised). */
  pending: number;
  /** Per action index: running sum and count of an `avg` field (null when the node has no avg). */
  avgSum: Array<Numeric | null> | null;
  avgCount: number[] | null;
}

export interface ActionRule {
  readonly field: string;
  readonly action: ActionName;
}

export class ActionSet {
  readonly fields: readonly string[];
  readonly names: readonly ActionName[];
  readonly #codes: readonly number[];
  readonly hasAvg: boolean;
  /** True when a field's value is computed at emission (count, avg) rather than stored. */
  readonly #computed: boolean;

  constructor(rules: readonly ActionRule[]) {
    this.fields = rules.map((r) => r.field);
    this.names = rules.map((r) => r.action);
    this.#codes = rules.map((r) => CODES[r.action]);
    this.hasAvg = this.#codes.includes(AVG);
    this.#computed = this.hasAvg || this.#codes.includes(COUNT);
  }

  /** Fresh average state for a new aggregate (null when no action is avg). */
  newAvgSums(): Array<Numeric | null> | null {
    return this.hasAvg ? new Array<Numeric | null>(this.#codes.length).fill(null) : null;
  }

  newAvgCounts(): number[] | null {
    return this.hasAvg ? new Array<number>(this.#codes.length).fill(0) : null;
  }

  /**
   * The first value of `r` that its action cannot take given the aggregate (numeric actions need
   * numbers or bigints; min/max need numbers, bigints or strings, of the same kind as the values
   * before), or undefined when all are acceptable. Checked before anything changes.
   */
  problem(agg: Aggregate | undefined, r: Nar): ValueProblem | undefined {
    const open = agg !== undefined && agg.pending > 0;
    for (let i = 0; i < this.#codes.length; i++) {
      const v = r[this.fields[i] as string];
      if (v === undefined || v === null) continue;
      const code = this.#codes[i];
      if (code === SUM || code === AVG) {
        if (!isNumeric(v)) return this.#problem(i, 'a number or bigint');
      } else if (code === MIN || code === MAX) {
        const acc = open ? agg.record[this.fields[i] as string] : null;
        if (typeof v === 'string') {
          if (acc !== undefined && acc !== null && typeof acc !== 'string')
            return this.#problem(i, 'a number or bigint, like the earlier values');
        } else if (isNumeric(v)) {
          if (typeof acc === 'string') return this.#problem(i, 'a string, like the earlier values');
        } else {
          return this.#problem(i, 'a number, bigint or string');
        }
      }
    }
    return undefined;
  }

  #problem(i: number, expected: string): ValueProblem {
    return { attribute: this.fields[i] as string, action: this.names[i] as ActionName, expected };
  }

  /** The first NAR since the aggregate was opened or re-initialised: the action fields take its values. */
  start(agg: Aggregate, r: Nar): void {
    const rec = agg.record;
    for (let i = 0; i < this.#codes.length; i++) {
      const f = this.fields[i] as string;
      const v = r[f] ?? null;
      if (this.#codes[i] === AVG) {
        (agg.avgSum as Array<Numeric | null>)[i] = v as Numeric | null;
        (agg.avgCount as number[])[i] = v === null ? 0 : 1;
      }
      rec[f] = v;
    }
  }

  /** A further NAR with the same key: each action applied to its field. */
  merge(agg: Aggregate, r: Nar): void {
    const rec = agg.record;
    for (let i = 0; i < this.#codes.length; i++) {
      const f = this.fields[i] as string;
      const v = r[f];
      if (v === undefined || v === null) continue;
      const acc = rec[f];
      switch (this.#codes[i]) {
        case SUM:
          rec[f] = acc === undefined || acc === null ? v : addValues(acc as Numeric, v as Numeric);
          break;
        case MAX:
          if (acc === undefined || acc === null || compareValues(v as Numeric, acc as Numeric) > 0)
            rec[f] = v;
          break;
        case MIN:
          if (acc === undefined || acc === null || compareValues(v as Numeric, acc as Numeric) < 0)
            rec[f] = v;
          break;
        case AVG: {
          const sums = agg.avgSum as Array<Numeric | null>;
          const s = sums[i] ?? null;
          sums[i] = s === null ? (v as Numeric) : addValues(s, v as Numeric);
          (agg.avgCount as number[])[i] = ((agg.avgCount as number[])[i] ?? 0) + 1;
          break;
        }
        case FIRST:
          if (acc === undefined || acc === null) rec[f] = v;
          break;
        case LAST:
          rec[f] = v;
          break;
        // COUNT is computed at emission.
      }
    }
  }

  /** Writes the computed fields (count, avg) of the aggregate into `out` (a copy of its record). */
  finish(agg: Aggregate, out: Nar): void {
    if (!this.#computed) return;
    for (let i = 0; i < this.#codes.length; i++) {
      const code = this.#codes[i];
      if (code === COUNT) out[this.fields[i] as string] = agg.pending;
      else if (code === AVG) {
        const n = (agg.avgCount as number[])[i] ?? 0;
        const s = (agg.avgSum as Array<Numeric | null>)[i] ?? null;
        out[this.fields[i] as string] = n === 0 || s === null ? null : Number(s) / n;
      }
    }
  }

  /** After an emission that keeps the aggregate: the action fields start again from nothing. */
  reset(agg: Aggregate): void {
    const rec = agg.record;
    for (let i = 0; i < this.#codes.length; i++) {
      rec[this.fields[i] as string] = null;
      if (this.#codes[i] === AVG) {
        (agg.avgSum as Array<Numeric | null>)[i] = null;
        (agg.avgCount as number[])[i] = 0;
      }
    }
    agg.pending = 0;
  }
}
