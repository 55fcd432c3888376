/**
 * The entries an actor has yet to handle, in log order. Entries appended while the actor runs are
 * kept in memory for the loop, up to `maxBytes` of payload; past that the kept ones are let go and
 * those entries, like the ones the log held at start, are read back from the log when their turn
 * comes. So an actor whose outputs are refused for a long time (a database down behind it) keeps
 * taking input into its durable log without its memory growing with the backlog.
 *
 * Invariant: positions up to `fromLogUntil` are read from the log; the kept entries are exactly the
 * appended ones after it, contiguous.
 */

export interface Entry {
  readonly lsn: number;
  readonly kind: number;
  readonly payload: Uint8Array;
}

/** Reads up to `max` durable entries from `from` (an input log). */
export type ReadEntries = (from: number, max: number) => Promise<readonly Entry[]>;

const READ_SLICE = 256;

export class InputQueue {
  #kept: Entry[] = [];
  #keptBytes = 0;
  /** Entries read from the log and not yet handled (a slice ahead of the loop). */
  #read: readonly Entry[] = [];
  #readAt = 0;
  #fromLogUntil: number;
  /** Entries appended since start that were not kept (read back from the log instead). */
  #letGo = 0;

  constructor(
    /** The last entry the log held at start. */
    lastLsn: number,
    private readonly maxBytes: number,
    private readonly readEntries: ReadEntries,
  ) {
    this.#fromLogUntil = lastLsn;
  }

  /** An entry was appended after start. */
  appended(e: Entry): void {
    if (e.lsn <= this.#fromLogUntil) return;
    if (this.#keptBytes + e.payload.length > this.maxBytes) {
      this.#letGo += this.#kept.length + 1;
      this.#kept = [];
      this.#keptBytes = 0;
      this.#fromLogUntil = e.lsn;
      return;
    }
    this.#kept.push(e);
    this.#keptBytes += e.payload.length;
  }

  /** The entry at `position` (undefined: not readable from the log yet). */
  async at(position: number): Promise<Entry | undefined> {
    if (position <= this.#fromLogUntil) return this.#fromLog(position);
    const head = this.#kept[0];
    if (head === undefined || head.lsn !== position) {
      throw new Error(
        `input position ${position} is not in memory (kept entries start at ${head?.lsn ?? 'nothing'})`,
      );
    }
    return head;
  }

  /** The loop handled the entry at `lsn`. */
  handled(lsn: number): void {
    const head = this.#kept[0];
    if (head?.lsn !== lsn) return;
    this.#kept.shift();
    this.#keptBytes -= head.payload.length;
  }

  /** Entries up to this position are read from the log. */
  get fromLogUntil(): number {
    return this.#fromLogUntil;
  }

  /** Payload bytes of the entries kept in memory. */
  get keptBytes(): number {
    return this.#keptBytes;
  }

  /** Appended entries let go from memory since start. */
  get letGo(): number {
    return this.#letGo;
  }

  async #fromLog(position: number): Promise<Entry | undefined> {
    const read = this.#read;
    let i = this.#readAt;
    if (i >= read.length || (read[i] as Entry).lsn > position) i = read.length;
    while (i < read.length && (read[i] as Entry).lsn < position) i++;
    if (i < read.length) {
      this.#readAt = i;
      return read[i];
    }
    this.#read = await this.readEntries(position, READ_SLICE);
    this.#readAt = 0;
    const first = this.#read[0];
    return first?.lsn === position ? first : undefined;
  }
}
