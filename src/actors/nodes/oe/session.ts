/**
 * One open session (seed FIG. 16: "active session"): per accepted record (held or already
 * emitted) its record key, for de-duplication, and its sequence number; the records it still
 * holds; and what completeness needs: the final record's sequence number n and how many distinct
 * numbers of 1..n are there. Sessions hold at most a few dozen records, so per-record work is a
 * scan of the session's keys, not a Set per session; the three per-record values share one array
 * (one array's growth slack per session instead of three: about 250 bytes less per session). A
 * held record is kept packed (held-record.ts).
 */
import type { Held } from './held-record.js';

/** Which timer list a session is on (see session-table.ts). */
export const LIST_NONE = 0;
/** Waiting for inactivity: S-CDR sessions, and G-CDR sessions holding no records. */
export const LIST_IDLE = 1;
/** G-CDR sessions holding records, waiting for completeness or `maxHoldMs`. */
export const LIST_HOLD = 2;

export class Session {
  /**
   * Per accepted record, in acceptance order, three slots: record key, sequence number (0: none),
   * and the record while it is held (null once emitted). The first `emitted` records are out.
   */
  readonly items: Array<string | number | Held | null> = [];
  emitted = 0;
  /** Sequence number of the highest final record (0: a final record without one), -1: none yet. */
  finalSeq = -1;
  /** Distinct sequence numbers in 1..finalSeq among the accepted records. */
  covered = 0;
  /** Tick time of the last record. */
  updatedAt: number;
  /** Tick time the oldest held record arrived (hold list order). */
  holdSince: number;
  /** Stamp of its last move to a list tail: orders lists after a restore. */
  order = 0;
  list = LIST_NONE;
  prev: Session | null = null;
  next: Session | null = null;
  /** Bumped at each change (session-journal.ts): tells a chunk's version from a later one. */
  version = 0;
  /** The durable journal chunk holding its latest version (0: none, or it changed since). */
  chunk = 0;
  /** Its place in the journal's list of dirty sessions (-1: not dirty) (session-journal.ts). */
  slot = -1;
  /** Whether a journal chunk was cut with a version of it: closing it then writes a tombstone. */
  written = false;

  constructor(
    readonly key: string,
    readonly group: number,
    readonly type: number,
    now: number,
  ) {
    this.updatedAt = now;
    this.holdSince = now;
  }

  /** Records accepted (held or emitted). */
  get accepted(): number {
    return this.items.length / 3;
  }

  /** Records held. */
  get held(): number {
    return this.items.length / 3 - this.emitted;
  }

  keyAt(i: number): string {
    return this.items[3 * i] as string;
  }

  seqAt(i: number): number {
    return this.items[3 * i + 1] as number;
  }

  /** Sequence numbers of every accepted record. */
  seqList(): number[] {
    const out: number[] = [];
    for (let i = 1; i < this.items.length; i += 3) out.push(this.items[i] as number);
    return out;
  }

  /** Whether a final record arrived and every sequence number 1..n is there. */
  get complete(): boolean {
    return this.finalSeq >= 0 && this.covered === this.finalSeq;
  }

  /**
   * Accepts and holds a record with its key and sequence number, as `record.hold()` gives it; false
   * (and nothing changes) when the session already has that key.
   */
  admit(recordKey: string, seq: number, record: { hold(): Held }): boolean {
    const items = this.items;
    let seqKnown = seq === 0;
    for (let i = 0; i < items.length; i += 3) {
      if (items[i] === recordKey) return false;
      if (items[i + 1] === seq) seqKnown = true;
    }
    items.push(recordKey, seq, record.hold());
    if (!seqKnown && seq <= this.finalSeq) this.covered++;
    return true;
  }

  /** Adds an accepted record from a snapshot (`record` null: emitted already). */
  restoreItem(recordKey: string, seq: number, record: Held | null): void {
    this.items.push(recordKey, seq, record);
  }

  /** The held records were emitted: keys and numbers stay for de-duplication and completeness. */
  release(): void {
    const items = this.items;
    for (let i = 3 * this.emitted + 2; i < items.length; i += 3) items[i] = null;
    this.emitted = items.length / 3;
  }

  /** Held records in arrival order. */
  heldRecords(): Held[] {
    const out: Held[] = [];
    for (let i = 3 * this.emitted + 2; i < this.items.length; i += 3) out.push(this.items[i] as Held);
    return out;
  }

  /** A final record numbered `seq` (0: unnumbered) arrived: the highest one defines n. */
  final(seq: number): void {
    if (seq <= this.finalSeq) return;
    this.finalSeq = seq;
    this.covered = countDistinct(this.seqList(), seq);
  }
}

/** Distinct values of `seqs` in 1..upTo. */
export function countDistinct(seqs: readonly number[], upTo: number): number {
  if (upTo <= 0) return 0;
  const sorted = seqs.filter((s) => s > 0 && s <= upTo).sort((a, b) => a - b);
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) n++;
  return n;
}

/**
 * The numbers missing from 1..max(n, highest seen) as ranges, "3,5-7"; empty when none is. Without
 * a final record, numbers after the highest one seen are not "missing": the session may go on.
 */
export function missingSequenceNumbers(seqs: readonly number[], finalSeq: number): string {
  const sorted = seqs.filter((s) => s > 0).sort((a, b) => a - b);
  const upTo = Math.max(finalSeq, sorted.length > 0 ? (sorted[sorted.length - 1] as number) : 0);
  const parts: string[] = [];
  let expect = 1;
  const gap = (to: number): void => {
    if (to >= expect) parts.push(to === expect ? String(expect) : `${expect}-${to}`);
  };
  for (const s of sorted) {
    if (s > upTo) break;
    if (s > expect) gap(s - 1);
    if (s >= expect) expect = s + 1;
  }
  gap(upTo);
  return parts.join(',');
}

/**
 * The held records in emission order: by sequence number, unnumbered ones last, ties in arrival
 * order.
 */
export function emissionOrder(s: Session): Held[] {
  const from = s.emitted;
  const n = s.accepted;
  const rank = (i: number): number => {
    const q = s.seqAt(i);
    return q === 0 ? Number.MAX_VALUE : q;
  };
  let sorted = true;
  for (let i = from + 1; i < n && sorted; i++) sorted = rank(i - 1) <= rank(i);
  const idx: number[] = [];
  for (let i = from; i < n; i++) idx.push(i);
  if (!sorted) idx.sort((a, b) => rank(a) - rank(b) || a - b);
  return idx.map((i) => s.items[3 * i + 2] as Held);
}
