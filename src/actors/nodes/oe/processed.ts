/**
 * The processed-session list (seed FIG. 16: "already propagated sessions") of one key group and
 * record type: session key → the record time it was closed at, in seconds, and whether it was
 * forced out incomplete. An entry is stamped with its key group's watermark (the highest record
 * time seen in the group) when its session closes, so stamps only grow and the entries form a FIFO
 * in stamp order: expiry pops from the head, and an entry costs one Map slot plus one queue slot,
 * no object of its own (about 80–100 bytes with its key; see bench/order-enhancer.ts).
 * Entries closed before the group saw any usable record time are *pending*: they sit at the head
 * of the queue and get the group's first watermark as their stamp.
 * Expiry is by record time only, never by count: an entry goes when
 * watermark − stamp > window, so a duplicate inside the window is never taken for a new session.
 */

/** Second of 2017-07-14: stamps are kept relative to it, so they stay small integers (Smis). */
const BASE_SECOND = 1_500_000_000;
/** Below this many popped slots the queue is not compacted. */
const COMPACT_AFTER = 4096;

/** The list value of an entry stamped `second`: stamp and forced bit in one small integer. */
export function pack(second: number, forced: boolean): number {
  return (second - BASE_SECOND) * 2 + (forced ? 1 : 0);
}

/**
 * The first stamp (second) still inside the window when a key group's watermark is `watermarkMs`:
 * stamps are whole seconds (rounded down), and an entry goes when even its latest possible
 * millisecond is more than the window behind the watermark.
 */
export function cutoffSecond(watermarkMs: number, windowMs: number): number {
  return Math.ceil((watermarkMs - windowMs - 999) / 1000);
}

/** Whether a packed entry (a `lookup` result) marks a session forced out incomplete. */
export function isForced(packed: number): boolean {
  return packed - 2 * Math.floor(packed / 2) === 1;
}

/** The stamp (second) of a packed, stamped entry. */
export function secondOf(packed: number): number {
  return Math.floor(packed / 2) + BASE_SECOND;
}

/** Plain-data form: parallel lists in queue order; `seconds` null for pending entries. */
export interface ProcessedListSnapshot {
  keys: string[];
  seconds: Array<number | null>;
  /** 1 for a session forced out incomplete, else 0. */
  forced: number[];
}

export class ProcessedList {
  readonly #map = new Map<string, number>();
  #queue: string[] = [];
  #head = 0;
  /** Queue entries from `#head` on that have no stamp yet (their map value is the forced bit). */
  #pending = 0;
  /** Entries added since the list was made (restored ones included): the journal's positions. */
  #ops = 0;
  /**
   * The first `journaled` of the `ops` added entries are in durable journal chunks
   * (processed-journal.ts); the ones after it go into the checkpoint itself.
   */
  journaled = 0;

  get size(): number {
    return this.#map.size;
  }

  get ops(): number {
    return this.#ops;
  }

  /** The packed entry of a processed session, or undefined. */
  lookup(key: string): number | undefined {
    return this.#map.get(key);
  }

  /**
   * Adds a closed session stamped `second` (null: the group has no watermark yet). Returns false
   * when the key was already there (it is then left as it was).
   */
  add(key: string, second: number | null, forced: boolean): boolean {
    if (this.#map.has(key)) return false;
    if (second === null) {
      // Pending entries stay at the head: a group has no watermark only before its first one.
      this.#map.set(key, forced ? 1 : 0);
      this.#pending++;
    } else this.#map.set(key, pack(second, forced));
    this.#queue.push(key);
    this.#ops++;
    return true;
  }

  /** The group's first watermark: pending entries get it as their stamp. */
  stampPending(second: number): void {
    for (let i = this.#head; i < this.#head + this.#pending; i++) {
      const key = this.#queue[i] as string;
      this.#map.set(key, pack(second, this.#map.get(key) === 1));
    }
    this.#pending = 0;
  }

  /** Removes entries stamped before `cutoffSecond`; returns how many went. */
  expireBefore(cutoffSecond: number): number {
    if (this.#pending > 0) return 0;
    const queue = this.#queue;
    let head = this.#head;
    let removed = 0;
    while (head < queue.length) {
      const key = queue[head] as string;
      const packed = this.#map.get(key);
      if (packed !== undefined) {
        if (secondOf(packed) >= cutoffSecond) break;
        this.#map.delete(key);
        removed++;
      }
      head++;
    }
    this.#head = head;
    if (head > COMPACT_AFTER && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      this.#head = 0;
    }
    return removed;
  }

  /**
   * Removes every stamped entry and hands each to `take` (key and packed value), oldest first;
   * pending entries stay. Returns how many went (to a spill segment).
   */
  takeStamped(take: (key: string, packed: number) => void): number {
    const queue = this.#queue;
    const from = this.#head + this.#pending;
    let n = 0;
    for (let i = from; i < queue.length; i++) {
      const key = queue[i] as string;
      const packed = this.#map.get(key);
      if (packed === undefined) continue;
      take(key, packed);
      this.#map.delete(key);
      n++;
    }
    this.#queue = queue.slice(this.#head, from);
    this.#head = 0;
    return n;
  }

  /**
   * The entries in queue order; `from`: only those added at or after that position (of `ops`),
   * still in the list (newer entries are at the tail, and expire last).
   */
  snapshot(from = 0): ProcessedListSnapshot {
    const live = this.#queue.length - this.#head;
    const n = Math.max(0, Math.min(live, this.#ops - from));
    const first = live - n;
    const out: ProcessedListSnapshot = {
      keys: new Array<string>(n),
      seconds: new Array<number | null>(n),
      forced: new Array<number>(n),
    };
    for (let i = 0; i < n; i++) {
      const key = this.#queue[this.#head + first + i] as string;
      const packed = this.#map.get(key) as number;
      const pending = first + i < this.#pending;
      out.keys[i] = key;
      out.seconds[i] = pending ? null : secondOf(packed);
      out.forced[i] = (pending ? packed === 1 : isForced(packed)) ? 1 : 0;
    }
    return out;
  }

  /**
   * Adds a snapshot's entries in their order. Pending entries must come first and stamps must not
   * decrease (both hold for a snapshot this class took); returns a description of the first
   * violation, or undefined.
   */
  restore(s: ProcessedListSnapshot): string | undefined {
    let last = -Infinity;
    for (let i = 0; i < s.keys.length; i++) {
      const key = s.keys[i];
      const second = s.seconds[i];
      if (typeof key !== 'string') return `entry ${i}: expected a session key`;
      if (second === null) {
        if (this.#queue.length > this.#pending + this.#head) return `entry ${i}: pending after stamped`;
      } else if (typeof second !== 'number' || !Number.isSafeInteger(second) || second < last) {
        return `entry ${i}: expected an integer second not below the one before`;
      } else last = second;
      if (!this.add(key, second ?? null, s.forced[i] === 1)) return `entry ${i}: "${key}" twice`;
    }
    return undefined;
  }
}
