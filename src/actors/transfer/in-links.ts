/**
 * Consumer side of all links into one actor. Each arriving batch is checked against the producer's
 * high-water mark (re-sent batches are dropped), appended to the actor's input log, and acknowledged
 * to its producer only once the log made it durable (DESIGN rule 1, 4). Credits bound what a
 * producer may have in this actor's mailbox: one credit per batch, returned when the batch was
 * processed (or dropped), so a slow consumer slows its producers and memory stays bounded. The data
 * time producers send (with batches and alone) goes to `onTime` once what it covers is appended.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Watermarks } from '../durability/watermarks.js';
import type { LinkToConsumer, LinkToProducer } from '../runtime/protocol.js';
import { ENTRY_BATCH } from '../runtime/entries.js';

export interface AppendTarget {
  append(kind: number, payload: Uint8Array): number;
  readonly lastLsn: number;
}

interface PendingAck {
  readonly lsn: number;
  readonly producer: string;
  readonly sequence: number;
}

export class InLinks {
  readonly #ports = new Map<string, MessagePort>();
  #pendingAcks: PendingAck[] = [];
  #redeliveredDropped = 0;

  constructor(
    private readonly log: AppendTarget,
    /** Marks of everything appended (durable or not): decides what is a re-sent batch. */
    private readonly appended: Watermarks,
    private readonly mailboxBatches: number,
    private readonly onAppended: (lsn: number, payload: Uint8Array) => void,
    private readonly onTime: (producer: string, upTo: number) => void,
  ) {}

  get redeliveredDropped(): number {
    return this.#redeliveredDropped;
  }

  connect(producer: string, port: MessagePort): void {
    this.disconnect(producer);
    this.#ports.set(producer, port);
    port.on('message', (m: LinkToConsumer) => this.#onMessage(producer, m));
    port.start();
    this.#post(producer, { type: 'credit', batches: this.mailboxBatches });
  }

  disconnect(producer: string): void {
    const port = this.#ports.get(producer);
    if (port === undefined) return;
    port.removeAllListeners('message');
    port.close();
    this.#ports.delete(producer);
  }

  closeAll(): void {
    for (const producer of [...this.#ports.keys()]) this.disconnect(producer);
  }

  /** The batch from `producer` was processed: its mailbox slot is free again. */
  grantCredit(producer: string): void {
    this.#post(producer, { type: 'credit', batches: 1 });
  }

  /** Called after each group commit: acknowledge what became durable, once per producer. */
  durable(durableLsn: number): void {
    if (this.#pendingAcks.length === 0) return;
    const highest = new Map<string, number>();
    let i = 0;
    for (; i < this.#pendingAcks.length; i++) {
      const p = this.#pendingAcks[i] as PendingAck;
      if (p.lsn > durableLsn) break;
      highest.set(p.producer, Math.max(highest.get(p.producer) ?? 0, p.sequence));
    }
    if (i === 0) return;
    this.#pendingAcks = this.#pendingAcks.slice(i);
    for (const [producer, sequence] of highest) this.#post(producer, { type: 'ack', sequence });
  }

  #onMessage(producer: string, m: LinkToConsumer): void {
    if (m.type === 'batch') this.#onBatch(producer, m);
    this.onTime(producer, m.upTo);
  }

  #onBatch(producer: string, m: Extract<LinkToConsumer, { type: 'batch' }>): void {
    if (!this.appended.accept(producer, m.sequence)) {
      // Already in the log: acknowledge once everything appended so far is durable.
      this.#redeliveredDropped++;
      this.#pendingAcks.push({ lsn: this.log.lastLsn, producer, sequence: m.sequence });
      this.grantCredit(producer);
      return;
    }
    const lsn = this.log.append(ENTRY_BATCH, m.bytes);
    this.#pendingAcks.push({ lsn, producer, sequence: m.sequence });
    this.onAppended(lsn, m.bytes);
  }

  #post(producer: string, m: LinkToProducer): void {
    this.#ports.get(producer)?.postMessage(m);
  }
}
