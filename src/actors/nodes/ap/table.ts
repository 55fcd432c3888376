/**
 * The aggregation look-up table (seed: "the Aggregator's Look-Up table"): open aggregates by
 * matching key, in insertion order (a Map), plus a doubly linked recency list, least recently
 * updated first, for the idle timeout and the key cap. Updating an aggregate moves it to the
 * recency tail without touching the Map's order, so flushes still go in insertion order.
 */
import type { AttributeValue, Nar } from '../../../protocols/nar/nar.js';
import type { Aggregate } from './actions.js';

export interface Entry extends Aggregate {
  readonly key: string;
  /** Tick time of the last NAR merged into it. */
  updatedAt: number;
  prev: Entry | null;
  next: Entry | null;
}

/** One aggregate as kept in a snapshot. */
export interface EntrySnapshot {
  record: Nar;
  pending: number;
  updatedAt: number;
  avgSum: Array<number | bigint | null> | null;
  avgCount: number[] | null;
}

export class TableStateError extends Error {
  override readonly name = 'TableStateError';
  readonly code = 'invalid_snapshot' as const;
}

/**
 * One key component, tagged and length-prefixed so concatenations cannot collide: `s<len>:<text>`,
 * `i<len>:<digits>` for integers (numbers and bigints of equal value give the same text),
 * `n<len>:<text>` for other numbers, `t`/`f` for booleans, `z` for null.
 */
function keyPart(v: AttributeValue): string {
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'bigint': {
      const t = v.toString();
      return `i${t.length}:${t}`;
    }
    case 'number': {
      if (Number.isInteger(v)) {
        const t = Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
        return `i${t.length}:${t}`;
      }
      const t = String(v);
      return `n${t.length}:${t}`;
    }
    case 'boolean':
      return v ? 't' : 'f';
    default:
      return 'z';
  }
}

export class AggregateTable {
  readonly #byKey = new Map<string, Entry>();
  #head: Entry | null = null;
  #tail: Entry | null = null;
  /** Index of the key attribute that was absent in the last `keyOf` that returned undefined. */
  missing = -1;

  constructor(readonly keyAttributes: readonly string[]) {}

  get size(): number {
    return this.#byKey.size;
  }

  /** The matching key of `r`, or undefined when a key attribute is absent (see `missing`). */
  keyOf(r: Nar): string | undefined {
    let key = '';
    for (let i = 0; i < this.keyAttributes.length; i++) {
      const v = r[this.keyAttributes[i] as string];
      if (v === undefined) {
        this.missing = i;
        return undefined;
      }
      key += keyPart(v);
    }
    return key;
  }

  get(key: string): Entry | undefined {
    return this.#byKey.get(key);
  }

  /** Adds an aggregate at the end of both orders. */
  add(entry: Entry): void {
    this.#byKey.set(entry.key, entry);
    this.#append(entry);
  }

  /** The aggregate was updated: it becomes the most recently updated. */
  touch(entry: Entry, now: number): void {
    entry.updatedAt = now;
    if (this.#tail === entry) return;
    this.#unlink(entry);
    this.#append(entry);
  }

  remove(entry: Entry): void {
    this.#byKey.delete(entry.key);
    this.#unlink(entry);
  }

  /** The least recently updated aggregate. */
  oldest(): Entry | null {
    return this.#head;
  }

  /** In insertion order. */
  values(): IterableIterator<Entry> {
    return this.#byKey.values();
  }

  #append(e: Entry): void {
    e.prev = this.#tail;
    e.next = null;
    if (this.#tail === null) this.#head = e;
    else this.#tail.next = e;
    this.#tail = e;
  }

  #unlink(e: Entry): void {
    if (e.prev === null) this.#head = e.next;
    else e.prev.next = e.next;
    if (e.next === null) this.#tail = e.prev;
    else e.next.prev = e.prev;
    e.prev = null;
    e.next = null;
  }

  /** Plain data: entries in insertion order, and the recency order as indices into them. */
  snapshot(): { entries: EntrySnapshot[]; recency: number[] } {
    const index = new Map<Entry, number>();
    const entries: EntrySnapshot[] = [];
    for (const e of this.#byKey.values()) {
      index.set(e, entries.length);
      entries.push({
        record: { ...e.record },
        pending: e.pending,
        updatedAt: e.updatedAt,
        avgSum: e.avgSum === null ? null : [...e.avgSum],
        avgCount: e.avgCount === null ? null : [...e.avgCount],
      });
    }
    const recency: number[] = [];
    for (let e = this.#head; e !== null; e = e.next) recency.push(index.get(e) as number);
    return { entries, recency };
  }

  /** Replaces the content with a snapshot's (keys are rebuilt from the records). */
  restore(entries: readonly EntrySnapshot[], recency: readonly number[]): void {
    this.#byKey.clear();
    this.#head = this.#tail = null;
    const made: Entry[] = [];
    for (const s of entries) {
      const key = this.keyOf(s.record);
      if (key === undefined || this.#byKey.has(key)) {
        throw new TableStateError('aggregate snapshot: expected records with distinct, complete keys');
      }
      const e: Entry = {
        key,
        record: { ...s.record },
        pending: s.pending,
        updatedAt: s.updatedAt,
        avgSum: s.avgSum === null ? null : [...s.avgSum],
        avgCount: s.avgCount === null ? null : [...s.avgCount],
        prev: null,
        next: null,
      };
      this.#byKey.set(key, e);
      made.push(e);
    }
    if (recency.length !== made.length || new Set(recency).size !== made.length) {
      throw new TableStateError('aggregate snapshot: expected the recency order to list every entry once');
    }
    for (const i of recency) {
      const e = made[i];
      if (e === undefined)
        throw new TableStateError(`aggregate snapshot: recency index ${i} is out of range`);
      this.#append(e);
    }
  }
}
