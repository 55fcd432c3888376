/**
 * Messages that arrive in one event-loop turn go into the input log as one entry (at most
 * MAX_MESSAGES_PER_ENTRY): one append, one actor-loop step and one output batch per burst instead of
 * per message. Each message's callback runs once its entry is durable (no promise per message:
 * every request waits on one). What the ingest learned of each message (`D`, e.g. its decoded
 * records) is handed with the sealed entry to `sealed`, so the handler in the same thread need not
 * decode it again.
 */
import { ByteWriter } from '../../../../protocols/byte-writer.js';
import {
  addToEntries,
  beginEntries,
  endEntries,
  MAX_MESSAGES_PER_ENTRY,
  type DatagramEntry,
} from './entry.js';

/** Room the batch buffer starts with; it grows for larger bursts, and starts again after one past KEEP_BYTES. */
const BATCH_BYTES = 256 << 10;
const KEEP_BYTES = 4 << 20;

/** Runs once a message is durable (`err` undefined) or its append failed. */
export type Durable = (err: unknown) => void;

/**
 * Runs every message's callback, even when one throws, and hands what the first threw to `fault`.
 */
function settle(waiters: readonly Durable[], err: unknown, fault: (thrown: unknown) => void): void {
  let first: { readonly thrown: unknown } | undefined;
  for (const w of waiters) {
    try {
      w(err);
    } catch (thrown) {
      first ??= { thrown };
    }
  }
  if (first !== undefined) fault(first.thrown);
}

/** A callback that threw is a fault of the ingest: it fails the actor, which its supervisor restarts. */
const rethrow = (thrown: unknown): never => {
  throw thrown;
};

export class EntryBatcher<D = undefined> {
  /** The entry being filled: each message is written into it once, as it arrives. */
  #w = new ByteWriter(BATCH_BYTES);
  #count = 0;
  #decoded: (D | undefined)[] = [];
  #waiters: Durable[] = [];
  #scheduled = false;

  constructor(
    private readonly append: (payload: Uint8Array) => Promise<number>,
    private readonly sealed: (payload: Uint8Array, decoded: readonly (D | undefined)[]) => void = () => {},
    private readonly fault: (thrown: unknown) => void = rethrow,
  ) {}

  /** Logs one message; `durable` runs once it is (with no error), or with the append's failure. */
  add(entry: DatagramEntry, decoded: D | undefined, durable: Durable): void {
    this.#waiters.push(durable);
    if (this.#count === 0) beginEntries(this.#w);
    addToEntries(this.#w, entry);
    this.#count++;
    this.#decoded.push(decoded);
    if (this.#count >= MAX_MESSAGES_PER_ENTRY) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#count === 0) return;
    endEntries(this.#w, this.#count);
    const payload = this.#w.take();
    if (this.#w.capacity > KEEP_BYTES) this.#w = new ByteWriter(BATCH_BYTES);
    this.sealed(payload, this.#decoded);
    const waiters = this.#waiters;
    this.#count = 0;
    this.#decoded = [];
    this.#waiters = [];
    this.append(payload).then(
      () => settle(waiters, undefined, this.fault),
      (err: unknown) => settle(waiters, err ?? new Error('append failed'), this.fault),
    );
  }
}
