/**
 * Producer side of one link (this actor → one consumer actor). Sealed batches wait here until the
 * consumer grants credit; sent batches are kept (as a copy) until the consumer acknowledges them as
 * durable, and are sent again, in order, when the link is re-connected to a restarted consumer.
 * Each batch carries the producer's data time when it was sealed; when nothing is queued, the
 * producer's latest data time goes alone (`time`), so the consumer's clock moves on while the
 * producer is quiet (input-clock.ts).
 */
import type { MessagePort } from 'node:worker_threads';
import type { LinkToConsumer, LinkToProducer } from '../runtime/protocol.js';

interface Sealed {
  readonly sequence: number;
  readonly bytes: Uint8Array;
  readonly upTo: number;
}

export class OutLink {
  #port: MessagePort | undefined;
  #credits = 0;
  /** Sealed, not yet sent (no credit or no port). */
  readonly #queue: Sealed[] = [];
  /** Sent, awaiting the consumer's durable acknowledgement. */
  #unacked: Sealed[] = [];
  #acked = 0;
  #lastSealed = 0;
  /** The producer's latest data time, and the latest the consumer was sent (on this port). */
  #upTo = 0;
  #sentUpTo = 0;

  constructor(
    readonly target: string,
    private readonly onProgress: () => void,
  ) {}

  /** Highest sequence the consumer acknowledged as durable. */
  get acked(): number {
    return this.#acked;
  }

  get lastSealed(): number {
    return this.#lastSealed;
  }

  /** Batches sealed but not yet handed to the consumer. */
  get backlog(): number {
    return this.#queue.length;
  }

  /** Batches not yet acknowledged (queued or in flight). */
  get outstanding(): number {
    return this.#queue.length + this.#unacked.length;
  }

  get connected(): boolean {
    return this.#port !== undefined;
  }

  /** Replay after a restart starts sequences here; anything at or below was acknowledged before. */
  startAt(nextSequence: number): void {
    this.#lastSealed = nextSequence - 1;
    this.#acked = Math.max(this.#acked, nextSequence - 1);
  }

  connect(port: MessagePort): void {
    this.disconnect();
    this.#port = port;
    this.#credits = 0;
    this.#sentUpTo = 0;
    // Everything in flight on the old port may be lost: send it again, before newer batches.
    this.#queue.unshift(...this.#unacked);
    this.#unacked = [];
    port.on('message', (m: LinkToProducer) => this.#onMessage(m));
    port.start();
  }

  disconnect(): void {
    if (this.#port === undefined) return;
    this.#port.removeAllListeners('message');
    this.#port.close();
    this.#port = undefined;
    this.#credits = 0;
  }

  /** A sealed batch, stamped with the producer's data time now. */
  send(sequence: number, bytes: Uint8Array): void {
    this.#lastSealed = sequence;
    this.#queue.push({ sequence, bytes, upTo: this.#upTo });
    this.#pump();
  }

  /**
   * The producer's data time moved on: batches sealed from now on carry it, and the consumer learns
   * it alone once nothing is queued before it.
   */
  time(upTo: number): void {
    if (upTo <= this.#upTo) return;
    this.#upTo = upTo;
    this.#pump();
  }

  #onMessage(m: LinkToProducer): void {
    if (m.type === 'credit') {
      this.#credits += m.batches;
      this.#pump();
    } else if (m.sequence > this.#acked) {
      this.#acked = m.sequence;
      let i = 0;
      while (i < this.#unacked.length && (this.#unacked[i] as Sealed).sequence <= m.sequence) i++;
      if (i > 0) this.#unacked.splice(0, i);
    }
    this.onProgress();
  }

  #pump(): void {
    const port = this.#port;
    if (port === undefined) return;
    while (this.#credits > 0 && this.#queue.length > 0) {
      const item = this.#queue.shift() as Sealed;
      if (item.sequence <= this.#acked) continue;
      const wire = item.bytes.slice();
      const msg: LinkToConsumer = { type: 'batch', sequence: item.sequence, bytes: wire, upTo: item.upTo };
      port.postMessage(msg, [wire.buffer]);
      this.#unacked.push(item);
      this.#credits--;
      if (item.upTo > this.#sentUpTo) this.#sentUpTo = item.upTo;
    }
    // Time needs no credit: it is a promise about the batches before it, not a batch.
    if (this.#queue.length === 0 && this.#upTo > this.#sentUpTo) {
      this.#sentUpTo = this.#upTo;
      port.postMessage({ type: 'time', upTo: this.#upTo } satisfies LinkToConsumer);
    }
  }
}
