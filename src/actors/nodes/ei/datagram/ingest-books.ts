/**
 * What every datagram ingest keeps beside its sockets: event counts (in all and per peer, for
 * `IngestStats`), the appends still in flight (stop waits for them, `idle` asks), the check of the
 * receive buffer the kernel granted, and the start of the quarantine-replay pick-up, which
 * reconciles its own (file) entries only, not the datagrams of the same log.
 */
import type { IngestContext, IngestSource } from '../../../runtime/actor.js';
import { isDatagramEntry } from './entry.js';

/** Receive buffers below this are too small for bursts (PERF-NOTES: 4 MiB is lossless to 200k pps). */
export const MIN_RECEIVE_BUFFER = 4 * 1024 * 1024;

export class IngestBooks {
  readonly #events: Record<string, number> = {};
  readonly #peers: Record<string, Record<string, number>> = {};
  /** Requests taken and not yet settled (answered, or their append failed). */
  #open = 0;
  /** What `settled` waits on: run once nothing is open. */
  #whenIdle: (() => void)[] = [];

  /** One event, also under `peer` when given. */
  count(event: string, peer?: string): void {
    this.#events[event] = (this.#events[event] ?? 0) + 1;
    if (peer === undefined) return;
    const p = (this.#peers[peer] ??= {});
    p[event] = (p[event] ?? 0) + 1;
  }

  /** Copies for a stats report. */
  events(): Record<string, number> {
    return { ...this.#events };
  }

  peers(): Record<string, Record<string, number>> {
    return Object.fromEntries(Object.entries(this.#peers).map(([k, v]) => [k, { ...v }]));
  }

  /** A request is in flight until the matching `end`. */
  begin(): void {
    this.#open++;
  }

  end(): void {
    if (--this.#open > 0) return;
    const idle = this.#whenIdle;
    this.#whenIdle = [];
    for (const done of idle) done();
  }

  get busy(): boolean {
    return this.#open > 0;
  }

  /** Resolves once nothing is in flight (stop calls it once no new request can come). */
  settled(): Promise<void> {
    if (this.#open === 0) return Promise.resolve();
    return new Promise((resolve) => this.#whenIdle.push(resolve));
  }
}

/** Raises (or clears) `receive_buffer_small` for the buffer the kernel granted; true when small. */
export function checkReceiveBuffer(ctx: IngestContext, granted: number, asked: number): boolean {
  const small = granted < MIN_RECEIVE_BUFFER;
  ctx.alarm(
    'receive_buffer_small',
    small,
    `UDP receive buffer ${granted} bytes granted of ${asked} asked; raise net.core.rmem_max`,
  );
  return small;
}

/** Starts the replay pick-up on the datagram EI's log: it sees only its own (file) entries. */
export async function startReplays(replays: IngestSource | undefined, ctx: IngestContext): Promise<void> {
  await replays?.start({
    ...ctx,
    pendingEntries: async () => (await ctx.pendingEntries()).filter((e) => !isDatagramEntry(e.payload)),
  });
}
