/**
 * Messages that arrive in one event-loop turn go into the input log as one entry (at most
 * MAX_MESSAGES_PER_ENTRY): one append, one actor-loop step and one output batch per burst instead of
 * per message. Each message's promise resolves once its entry is durable. What the ingest learned of
 * each message (`D`, e.g. its decoded records) is handed with the sealed entry to `sealed`, so the
 * handler in the same thread need not decode it again.
 */
import { encodeEntries, MAX_MESSAGES_PER_ENTRY } from './entry.js';

export class EntryBatcher<D = undefined> {
  #parts: Uint8Array[] = [];
  #decoded: (D | undefined)[] = [];
  #waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  #scheduled = false;

  constructor(
    private readonly append: (payload: Uint8Array) => Promise<number>,
    private readonly sealed: (payload: Uint8Array, decoded: readonly (D | undefined)[]) => void = () => {},
  ) {}

  /** Logs one message (`part`, see encodeEntry) with what the ingest learned of it. */
  log(part: Uint8Array, decoded: D | undefined): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#parts.push(part);
    this.#decoded.push(decoded);
    if (this.#parts.length >= MAX_MESSAGES_PER_ENTRY) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    return done;
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#parts.length === 0) return;
    const payload = encodeEntries(this.#parts);
    this.sealed(payload, this.#decoded);
    const waiters = this.#waiters;
    this.#parts = [];
    this.#decoded = [];
    this.#waiters = [];
    this.append(payload).then(
      () => {
        for (const w of waiters) w.resolve();
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
      },
    );
  }
}
