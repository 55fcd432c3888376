/**
 * The ingest's memory of requests in flight and answered, per peer and sequence number, so a
 * retransmission is answered "Request already fulfilled" once the first copy is durable, without
 * being logged again. The requests are kept in a `PeerWindow` of their own (paged, 24 bytes a
 * request, pages wholly older than the window let go by `expire`), and a request still in flight
 * also by its promise until it settles. Not kept across restarts; the handler's own window (in its
 * checkpoint) catches retransmissions that arrive after one.
 */
import { PeerWindow } from './peer-window.js';

const ANSWERED: Promise<void> = Promise.resolve();

export class RequestTable {
  readonly #seen: PeerWindow;
  /** Requests not yet answered, by `address|seq`: what a retransmission of them waits for. */
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(windowMs: number) {
    this.#seen = new PeerWindow(windowMs);
  }

  /**
   * When this request is a copy of one recorded (same sequence and content, within the window):
   * what to wait for before answering it (settled already once the first copy was answered).
   */
  earlier(address: string, seq: number, fingerprint: bigint, nowMs: number): Promise<unknown> | undefined {
    if (!this.#seen.has(address, seq, fingerprint, nowMs)) return undefined;
    return this.#inFlight.get(`${address}|${seq}`) ?? ANSWERED;
  }

  /**
   * Records a request taken at `atMs`; `answered` resolves once it was answered. Should it reject
   * (its append failed), the request is forgotten, so a copy of it is taken again, not answered.
   */
  record(address: string, seq: number, fingerprint: bigint, atMs: number, answered: Promise<unknown>): void {
    this.#seen.set(address, seq, fingerprint, atMs);
    const key = `${address}|${seq}`;
    this.#inFlight.set(key, answered);
    const settled = (failed: boolean): void => {
      if (this.#inFlight.get(key) !== answered) return;
      this.#inFlight.delete(key);
      if (failed) this.#seen.unset(address, seq);
    };
    answered.then(
      () => settled(false),
      () => settled(true),
    );
  }

  /** Lets the requests older than the window at `nowMs` go (by pages); peers left with none are forgotten. */
  expire(nowMs: number): void {
    this.#seen.prune(nowMs);
  }

  /** The peer restarted (Node Alive Request): its sequence numbers start again. */
  forget(address: string): void {
    this.#seen.forget(address);
  }

  /** Peers with requests remembered. */
  get peers(): number {
    return this.#seen.peers;
  }

  /** Requests remembered (pages not yet let go included), all peers together. */
  get size(): number {
    return this.#seen.size();
  }
}
