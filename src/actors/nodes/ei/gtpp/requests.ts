/**
 * The ingest's memory of requests in flight and answered, per peer and sequence number, so a
 * retransmission is answered "Request already fulfilled" once the first copy is durable, without
 * being logged again. The requests are kept in a `PeerWindow` of their own (paged, 24 bytes a
 * request, pages wholly older than the window let go by `expire`), and a request still in flight
 * also as a `PendingRequest` until it settles. Not kept across restarts; the handler's own window
 * (in its checkpoint) catches retransmissions that arrive after one.
 */
import { FirstAnswer } from '../datagram/first-answer.js';
import { PeerWindow } from './peer-window.js';

/** A request taken and not yet answered: copies of it that arrive meanwhile wait here. */
export type PendingRequest = FirstAnswer<void>;

/** What `earlier` finds of a copy's first request: answered already, or still pending. */
export type Earlier = 'answered' | PendingRequest;

export class RequestTable {
  readonly #seen: PeerWindow;
  /** Requests not yet answered, by peer address and sequence number. */
  readonly #pending = new Map<string, Map<number, PendingRequest>>();

  constructor(windowMs: number) {
    this.#seen = new PeerWindow(windowMs);
  }

  /**
   * When this request is a copy of one recorded (same sequence and content, within the window):
   * whether the first copy was answered, or what to wait on until it is. Undefined: not a copy.
   */
  earlier(address: string, seq: number, fingerprint: bigint, nowMs: number): Earlier | undefined {
    if (!this.#seen.has(address, seq, fingerprint, nowMs)) return undefined;
    return this.#pending.get(address)?.get(seq) ?? 'answered';
  }

  /** Records a request taken at `atMs`; call `settle` with what it returns once it is answered or failed. */
  record(address: string, seq: number, fingerprint: bigint, atMs: number): PendingRequest {
    this.#seen.set(address, seq, fingerprint, atMs);
    const request: PendingRequest = new FirstAnswer<void>();
    let peer = this.#pending.get(address);
    if (peer === undefined) this.#pending.set(address, (peer = new Map()));
    peer.set(seq, request);
    return request;
  }

  /**
   * The request was answered (`failed` false: its copies are answered now), or its append failed:
   * then it is forgotten, so a copy of it is taken again, not answered.
   */
  settle(address: string, seq: number, request: PendingRequest, failed: boolean): void {
    const peer = this.#pending.get(address);
    if (peer?.get(seq) === request) {
      peer.delete(seq);
      if (peer.size === 0) this.#pending.delete(address);
      if (failed) this.#seen.unset(address, seq);
    }
    if (!failed) request.answer();
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
