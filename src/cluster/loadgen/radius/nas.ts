/**
 * One simulated NAS sending RADIUS accounting (RFC 2866) from its own address: `window` lanes, each
 * with one request in flight and its own Identifiers, so a session's records go one after the other
 * (the next once the previous was answered) while the NAS's sessions interleave across lanes. A
 * request unanswered after `timeoutMs` is retransmitted with the same Identifier and authenticator
 * (RFC 5080 §2.2.1), `retries` times, then given up (the lane moves on). Every response must carry the
 * Identifier of a request in flight and verify with the secret and that request's authenticator
 * (RFC 2865 §3); one that verifies for the previous request of its Identifier is a late answer to a
 * retransmission. The rate hands out credits; time is passed in (ms of the run).
 */
import { DecodeError } from '../../../protocols/errors.js';
import { RadiusCode, verifyResponse } from '../../../protocols/radius/index.js';
import type { Ledger, NasCounts } from './ledger.js';
import { requestBytes, type PreparedRadiusRun } from './prepare.js';

export interface NasIo {
  send(nas: number, bytes: Uint8Array): void;
}

export interface NasConfig {
  readonly secret: string;
  readonly timeoutMs: number;
  readonly retries: number;
}

export type ResponseVerdict = 'answered' | 'late' | 'bad';

export class SimulatedNas {
  readonly #run: PreparedRadiusRun;
  /** Next request of each of the NAS's lanes (index: lane of the NAS). */
  readonly #cursor: Int32Array;
  readonly #end: Int32Array;
  /** Lanes (of the NAS) free to send, in the order they became free. */
  #ready: number[] = [];
  #head = 0;
  /** By Identifier: the request in flight (-1: none), its last transmission, its retransmissions. */
  readonly #inFlight = new Int32Array(256).fill(-1);
  readonly #sentMs = new Float64Array(256);
  readonly #tries = new Uint16Array(256);
  /** By Identifier: the last request that had it and is no longer in flight (-1: none). */
  readonly #previous = new Int32Array(256).fill(-1);
  #outstanding = 0;
  #remaining = 0;
  #credit = 0;
  #down = false;
  #stopped = false;
  readonly #counts: NasCounts;

  constructor(
    readonly index: number,
    private readonly cfg: NasConfig,
    private readonly ledger: Ledger,
    private readonly io: NasIo,
  ) {
    const run = ledger.run;
    this.#run = run;
    const W = run.window;
    this.#cursor = run.laneFirst.slice(index * W, (index + 1) * W);
    this.#end = new Int32Array(W);
    for (let l = 0; l < W; l++) {
      const n = run.laneCount[index * W + l] as number;
      this.#end[l] = (this.#cursor[l] as number) + n;
      this.#remaining += n;
      if (n > 0) this.#ready.push(l);
    }
    this.#counts = ledger.perNas[index] as NasCounts;
  }

  get outstanding(): number {
    return this.#outstanding;
  }

  /** Nothing in flight and nothing more to send. */
  get idle(): boolean {
    return this.#outstanding === 0 && (this.#remaining === 0 || this.#stopped);
  }

  /** The rate allows `n` more first transmissions. */
  grant(n: number): void {
    this.#credit += n;
  }

  /** The run stops sending new requests (those in flight still complete). */
  stopNew(): void {
    this.#stopped = true;
    this.#credit = 0;
  }

  /** Sends while there is credit and a free lane. */
  pump(now: number): void {
    if (this.#down || this.#stopped) return;
    while (this.#credit > 0 && this.#head < this.#ready.length) {
      const lane = this.#ready[this.#head++] as number;
      const r = this.#cursor[lane] as number;
      this.#cursor[lane] = r + 1;
      const bytes = requestBytes(this.#run, r);
      const id = bytes[1] as number;
      if (this.#inFlight[id] !== -1) throw new Error(`NAS ${this.index}: Identifier ${id} already in flight`);
      this.#inFlight[id] = r;
      this.#sentMs[id] = now;
      this.#tries[id] = 0;
      this.#outstanding++;
      this.#remaining--;
      this.#credit--;
      this.ledger.sent(r, now);
      this.io.send(this.index, bytes);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#ready.length) {
      this.#ready = this.#ready.slice(this.#head);
      this.#head = 0;
    }
  }

  /** A datagram from the server. */
  receive(bytes: Uint8Array, now: number): ResponseVerdict {
    if (this.#down) return 'late';
    const verdict = this.#verdict(bytes);
    if (verdict === 'bad') this.#counts.badResponses++;
    else if (verdict === 'late') this.#counts.lateResponses++;
    if (verdict !== 'answered') return verdict;
    const id = bytes[1] as number;
    const r = this.#inFlight[id] as number;
    this.ledger.answered(r, now - (this.#sentMs[id] as number));
    this.#done(id, r);
    return verdict;
  }

  /** Retransmissions, and requests given up after their retries. */
  checkTimeouts(now: number): void {
    if (this.#down || this.#outstanding === 0) return;
    for (let id = 0; id < 256; id++) {
      const r = this.#inFlight[id] as number;
      if (r < 0 || now - (this.#sentMs[id] as number) < this.cfg.timeoutMs) continue;
      if ((this.#tries[id] as number) < this.cfg.retries) {
        this.#tries[id] = (this.#tries[id] as number) + 1;
        this.#sentMs[id] = now;
        this.ledger.retransmitted(r);
        this.io.send(this.index, requestBytes(this.#run, r));
      } else {
        this.ledger.unanswered(r);
        this.#done(id, r);
      }
    }
  }

  /** Restart storm: silent from now on (nothing sent, answers lost, no timeouts). */
  goDown(): void {
    this.#down = true;
  }

  /** Back: every request in flight is retransmitted at once, then the backlog of credit floods out. */
  restart(now: number): void {
    this.#down = false;
    this.#counts.restarts++;
    for (let id = 0; id < 256; id++) {
      const r = this.#inFlight[id] as number;
      if (r < 0) continue;
      this.#sentMs[id] = now;
      this.ledger.retransmitted(r);
      this.io.send(this.index, requestBytes(this.#run, r));
    }
    this.pump(now);
  }

  #verdict(bytes: Uint8Array): ResponseVerdict {
    if (bytes.length < 20 || bytes[0] !== RadiusCode.AccountingResponse) return 'bad';
    const id = bytes[1] as number;
    try {
      const r = this.#inFlight[id] as number;
      if (r >= 0 && verifyResponse(bytes, this.#authenticator(r), this.cfg.secret)) return 'answered';
      const p = this.#previous[id] as number;
      if (p >= 0 && verifyResponse(bytes, this.#authenticator(p), this.cfg.secret)) {
        // An answer to a request given up still means the server has it.
        this.ledger.answered(p, undefined);
        return 'late';
      }
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
    }
    return 'bad';
  }

  #authenticator(r: number): Uint8Array {
    const at = this.#run.reqOffset[r] as number;
    return this.#run.pool.subarray(at + 4, at + 20);
  }

  /** Request `r` (Identifier `id`) is no longer in flight: its lane moves on. */
  #done(id: number, r: number): void {
    this.#inFlight[id] = -1;
    this.#previous[id] = r;
    this.#outstanding--;
    const lane = (this.#run.reqLane[r] as number) - this.index * this.#run.window;
    if ((this.#cursor[lane] as number) < (this.#end[lane] as number)) this.#ready.push(lane);
  }
}
