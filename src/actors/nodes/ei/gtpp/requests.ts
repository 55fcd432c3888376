/**
 * The ingest's memory of requests in flight and answered, per peer and sequence number, so a
 * retransmission is answered "Request already fulfilled" once the first copy is durable, without
 * being logged again. Bounded: one entry per peer and 16-bit sequence number. Not kept across
 * restarts; the handler's own window (in its checkpoint) catches retransmissions that arrive after one.
 */
import { hash } from 'node:crypto';

export interface RequestRecord {
  readonly fingerprint: bigint;
  readonly atMs: number;
  /** Resolves with the cause the first copy was answered with, once it is durable. */
  readonly answered: Promise<number>;
}

export class RequestTable {
  readonly #peers = new Map<string, Map<number, RequestRecord>>();

  constructor(private readonly windowMs: number) {}

  /** The earlier copy of this request, when it is one (same sequence and content, within the window). */
  earlier(address: string, seq: number, fingerprint: bigint, nowMs: number): RequestRecord | undefined {
    const r = this.#peers.get(address)?.get(seq);
    if (r === undefined || r.fingerprint !== fingerprint || nowMs - r.atMs > this.windowMs) return undefined;
    return r;
  }

  record(address: string, seq: number, r: RequestRecord): void {
    let p = this.#peers.get(address);
    if (p === undefined) {
      p = new Map();
      this.#peers.set(address, p);
    }
    p.set(seq, r);
  }

  /** The peer restarted (Node Alive Request): its sequence numbers start again. */
  forget(address: string): void {
    this.#peers.delete(address);
  }

  get peers(): number {
    return this.#peers.size;
  }
}

/**
 * A retransmission repeats the request byte for byte; a new request that reuses a sequence number
 * (after the 16-bit counter wrapped, or the GSN restarted) differs in its records. 64 bits of MD5 over
 * the message after its header tell them apart.
 */
export function fingerprint(message: Uint8Array, headerLength: number): bigint {
  return hash('md5', message.subarray(headerLength), 'buffer').readBigUInt64BE(0);
}
