/**
 * The ingest's memory of requests in flight and answered, per peer and sequence number, so a
 * retransmission is answered "Request already fulfilled" once the first copy is durable, without
 * being logged again. Bounded: one entry per peer and 16-bit sequence number, and requests older
 * than the window are let go (`expire`, and as a peer's new ones come in), so a GSN costs about its
 * requests within the window and one that went quiet nothing. Not kept across restarts; the
 * handler's own window (in its checkpoint) catches retransmissions that arrive after one.
 */
import { hash } from 'node:crypto';

export interface RequestRecord {
  readonly fingerprint: bigint;
  readonly atMs: number;
  /** Resolves with the cause the first copy was answered with, once it is durable. */
  readonly answered: Promise<number>;
}

/** Past this many expired places at the front, a peer's arrival order is compacted. */
const COMPACT_AFTER = 4096;

/** One peer's requests by sequence number, and the order they came in (to let old ones go). */
class PeerRequests {
  readonly bySeq = new Map<number, RequestRecord>();
  #seqs: number[] = [];
  #times: number[] = [];
  #head = 0;

  add(seq: number, r: RequestRecord): void {
    this.bySeq.set(seq, r);
    this.#seqs.push(seq);
    this.#times.push(r.atMs);
  }

  /** Lets the requests received before `oldest` go (in arrival order, so a clock set back only delays it). */
  expire(oldest: number): void {
    const seqs = this.#seqs;
    const times = this.#times;
    let h = this.#head;
    while (h < times.length && (times[h] as number) < oldest) {
      const seq = seqs[h] as number;
      const r = this.bySeq.get(seq);
      if (r !== undefined && r.atMs < oldest) this.bySeq.delete(seq);
      h++;
    }
    if (h > COMPACT_AFTER && h * 2 > times.length) {
      this.#seqs = seqs.slice(h);
      this.#times = times.slice(h);
      h = 0;
    }
    this.#head = h;
  }
}

export class RequestTable {
  readonly #peers = new Map<string, PeerRequests>();

  constructor(private readonly windowMs: number) {}

  /** The earlier copy of this request, when it is one (same sequence and content, within the window). */
  earlier(address: string, seq: number, fingerprint: bigint, nowMs: number): RequestRecord | undefined {
    const r = this.#peers.get(address)?.bySeq.get(seq);
    if (r === undefined || r.fingerprint !== fingerprint || nowMs - r.atMs > this.windowMs) return undefined;
    return r;
  }

  record(address: string, seq: number, r: RequestRecord): void {
    let p = this.#peers.get(address);
    if (p === undefined) {
      p = new PeerRequests();
      this.#peers.set(address, p);
    }
    p.add(seq, r);
    p.expire(r.atMs - this.windowMs);
  }

  /** Lets every request older than the window at `nowMs` go; peers left with none are forgotten. */
  expire(nowMs: number): void {
    for (const [address, p] of this.#peers) {
      p.expire(nowMs - this.windowMs);
      if (p.bySeq.size === 0) this.#peers.delete(address);
    }
  }

  /** The peer restarted (Node Alive Request): its sequence numbers start again. */
  forget(address: string): void {
    this.#peers.delete(address);
  }

  /** Peers with requests remembered. */
  get peers(): number {
    return this.#peers.size;
  }

  /** Requests remembered, all peers together. */
  get size(): number {
    let n = 0;
    for (const p of this.#peers.values()) n += p.bySeq.size;
    return n;
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
