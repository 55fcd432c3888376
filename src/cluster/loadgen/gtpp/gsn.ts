/**
 * One simulated GSN (GGSN, SGSN, P-GW or S-GW) talking GTP' to a charging gateway: its own sequence
 * counter (16 bit, wrapping) and restart counter, a window of outstanding requests, retransmission of
 * the same bytes after the timeout, the duplicate scenarios (lost response, fail-over with Cancel,
 * lost request with Release), back-off on "no resources", Redirection and Node Alive handling, and
 * the restart of a restart storm. Sockets are behind `GsnIo`; time is passed in (ms of the run).
 */
import type { Endpoint } from '../args.js';
import {
  Cause,
  PacketTransferCommand,
  type GtppFrame,
  type GtppVersion,
} from '../../../protocols/gtpp/index.js';
import type { GsnPlan } from './plan.js';
import { emptyCounts, type GsnCounts, type Ledger } from './ledger.js';
import { cancelOrRelease, frameOf, patchSequence, possiblyDuplicated } from './requests.js';
import {
  answerOf,
  Kind,
  redirectTarget,
  request,
  RequestTable,
  sameEndpoint,
  Trick,
  type KindValue,
  type Req,
} from './window.js';

export interface GsnIo {
  send(gsn: number, target: Endpoint, bytes: Uint8Array): void;
  /** Close the GSN's sockets (it goes silent); the next send opens new ones. */
  close(gsn: number): void;
}

export interface GsnConfig {
  readonly primary: Endpoint;
  readonly secondary: Endpoint | undefined;
  readonly window: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly version: GtppVersion;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5000;

export class SimulatedGsn {
  readonly #t = new RequestTable();
  readonly #queue: number[] = [];
  #head = 0;
  readonly #urgent: Req[] = [];
  #restartCounter: number;
  #current: Endpoint;
  #pausedUntil = 0;
  #backoffMs = BACKOFF_MIN_MS;
  #down = false;
  readonly #counts: GsnCounts;
  /**
   * Slot-milliseconds, until #checkedMs, of requests whose slot waited for the timeout rather than
   * the gateway: one never sent (scenario c), or one whose answer was ignored (a, b).
   */
  #waitedSlotMs = 0;
  #checkedMs = 0;

  constructor(
    readonly plan: GsnPlan,
    private readonly cfg: GsnConfig,
    private readonly ledger: Ledger,
    private readonly io: GsnIo,
    restartCounter: number,
  ) {
    this.#restartCounter = restartCounter & 0xff;
    this.#current = cfg.primary;
    this.#counts = ledger.perGsn[plan.index] ?? emptyCounts();
  }

  get outstanding(): number {
    return this.#t.size;
  }
  get backlog(): number {
    return this.#queue.length - this.#head + this.#urgent.length;
  }
  /** Silent (a restart storm's outage): it keeps what is released to it for its restart. */
  get isDown(): boolean {
    return this.#down;
  }
  get idle(): boolean {
    return this.#t.size === 0 && this.backlog === 0;
  }

  /**
   * Window slots held, on average over [0, now], by a duplicate scenario's lost request or ignored
   * answer waiting for the timeout (sampled at each timeout check): slots the gateway did not hold.
   */
  slotsWaitingTimeout(now: number): number {
    return now > 0 ? this.#waitedSlotMs / now : 0;
  }

  /** The run stops sending new CDRs: messages not yet sent are dropped (the protocol still completes). */
  dropBacklog(): void {
    this.#queue.length = 0;
    this.#head = 0;
  }

  /** A prepared message released by the rate scheduler. */
  enqueue(msg: number): void {
    this.#queue.push(msg);
  }

  /** Sends while the window has room. */
  pump(now: number): void {
    if (this.#down || now < this.#pausedUntil) return;
    const counts = this.ledger.stats.s;
    while (this.#t.size < this.cfg.window) {
      const u = this.#urgent.shift();
      if (u !== undefined) {
        u.seq = this.#t.nextSeq();
        patchSequence(u.bytes, u.seq);
        this.#transmit(u, now);
        continue;
      }
      if (this.#head >= this.#queue.length) break;
      const msg = this.#queue[this.#head++] as number;
      const seq = this.#t.nextSeq();
      const bytes = this.ledger.run.firstFrame(msg);
      patchSequence(bytes, seq);
      const trick = this.ledger.run.trickOf(msg);
      const req = request({ seq, kind: Kind.Send, msg, bytes, target: this.#current, sentMs: now, trick });
      req.ignoreNext = trick === Trick.LostResponse || trick === Trick.FailoverCancel;
      req.unsent = trick === Trick.LostRequest;
      this.ledger.sent(msg, now);
      counts.requests++;
      this.#t.add(req);
      if (!req.unsent) this.io.send(this.plan.index, req.target, bytes);
    }
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** A message from the gateway (`from`: its address and port). */
  receive(frame: GtppFrame, from: Endpoint, now: number): void {
    if (this.#down) return;
    const m = frame.message;
    const reply = (message: Parameters<typeof frameOf>[2]): void =>
      this.io.send(this.plan.index, from, frameOf(frame.version, frame.sequence, message));
    switch (m.type) {
      case 'data-record-transfer-response':
        for (const seq of m.requestsResponded) this.#answered(seq, m.cause, now);
        return;
      case 'echo-request':
        this.#counts.echoes++;
        reply({ type: 'echo-response', recovery: this.#restartCounter });
        return;
      case 'redirection-request':
        reply({ type: 'redirection-response', cause: Cause.RequestAccepted });
        this.#redirect(m.recommendedNode, now);
        return;
      case 'node-alive-request':
        this.#counts.nodeAlive++;
        reply({ type: 'node-alive-response' });
        if (sameEndpoint(from, this.cfg.primary)) this.#current = this.cfg.primary;
        return;
      case 'node-alive-response': {
        const r = this.#t.get(frame.sequence);
        if (r !== undefined && r.kind === Kind.NodeAlive) this.#t.remove(r);
        return;
      }
      default:
        this.#counts.unexpected++;
    }
  }

  /** Retransmissions and the duplicate scenarios' timeouts. */
  checkTimeouts(now: number): void {
    let waiting = 0;
    for (const r of this.#t.outstanding) if (r.unsent || r.answerIgnored) waiting++;
    this.#waitedSlotMs += waiting * (now - this.#checkedMs);
    this.#checkedMs = now;
    if (this.#down) return;
    for (const r of this.#t.outstanding) {
      if (now - r.sentMs < this.cfg.timeoutMs) continue;
      if (r.kind === Kind.NodeAlive) {
        this.#t.remove(r);
      } else if (r.unsent || (r.trick === Trick.FailoverCancel && r.kind === Kind.Send && !r.ignoreNext)) {
        // (c) the request was "lost"; (b) the response was "lost": send a possibly duplicated copy.
        this.#t.remove(r);
        this.#duplicate(r, this.#current, now);
      } else if (r.tries < this.cfg.retries) {
        r.tries++;
        r.sentMs = now;
        r.answerIgnored = false;
        this.ledger.stats.s.retransmitted++;
        this.#counts.retransmitted++;
        this.io.send(this.plan.index, r.target, r.bytes);
      } else {
        this.#t.remove(r);
        this.#exhausted(r, now);
      }
    }
  }

  /** Restart storm: silent from now on (sockets closed, nothing answered or sent). */
  goDown(): void {
    this.#down = true;
    this.io.close(this.plan.index);
  }

  /**
   * Back after a restart: new restart counter, sequence numbers from 0, a Node Alive Request to the
   * gateway, and every request outstanding when it went down re-sent as possibly duplicated.
   */
  restart(now: number): void {
    this.#down = false;
    this.#restartCounter = (this.#restartCounter + 1) & 0xff;
    this.#t.restartNumbering();
    this.ledger.stats.s.restarts++;
    this.#counts.restarts++;
    const pending = [...this.#t.outstanding];
    for (const r of pending) this.#t.remove(r);
    this.#current = this.cfg.primary;
    this.#issue(
      Kind.NodeAlive,
      -1,
      frameOf(this.cfg.version, 0, { type: 'node-alive-request', nodeAddress: this.plan.address }),
      -1,
      now,
    );
    for (const r of pending) {
      if (r.kind === Kind.Send || r.kind === Kind.Dup) this.#duplicate(r, this.#current, now);
      else if (r.kind === Kind.Cancel || r.kind === Kind.Release) this.#reissue(r);
    }
    this.pump(now);
  }

  #transmit(r: Req, now: number): void {
    r.sentMs = now;
    this.ledger.stats.s.requests++;
    this.#t.add(r);
    this.io.send(this.plan.index, r.target, r.bytes);
  }

  #issue(
    kind: KindValue,
    msg: number,
    bytes: Uint8Array,
    other: number,
    now: number,
    target = this.#current,
    taken = false,
  ): Req {
    const seq = this.#t.nextSeq();
    patchSequence(bytes, seq);
    const r = request({ seq, kind, msg, bytes, target, sentMs: now, taken, other });
    this.#transmit(r, now);
    return r;
  }

  /** Sends the CDRs of `r` again as possibly duplicated to `target`; Cancel or Release follows. */
  #duplicate(r: Req, target: Endpoint, now: number): void {
    const msg = r.msg;
    const bytes = possiblyDuplicated(r.bytes, 0);
    const copy = this.#issue(Kind.Dup, msg, bytes, r.unsent ? -1 : r.seq, now, target, r.taken);
    if (!r.unsent && r.kind === Kind.Send) this.#t.superseded.set(r.seq, copy);
    const n = this.ledger.cdrs(msg);
    this.ledger.stats.s.possiblyDuplicated += n;
    this.#counts.possiblyDuplicated += n;
  }

  /** The same request again with a new sequence number, once the window and back-off allow. */
  #reissue(r: Req): void {
    const bytes = r.bytes.slice();
    this.#urgent.push({ ...r, bytes, tries: 0, ignoreNext: false, answerIgnored: false });
  }

  #answered(seq: number, cause: number, now: number): void {
    const r = this.#t.get(seq);
    if (r === undefined) {
      const copy = this.#t.superseded.get(seq);
      if (copy !== undefined && answerOf(cause) !== 'slow-down' && answerOf(cause) !== 'rejected') {
        copy.taken = true;
        this.ledger.confirmed(copy.msg);
      } else this.#counts.unexpected++;
      return;
    }
    this.ledger.stats.response(now - r.sentMs);
    const answer = answerOf(cause);
    if (r.kind === Kind.NodeAlive) {
      this.#t.remove(r);
      return;
    }
    if (r.ignoreNext) {
      // Scenarios (a) and (b): the gateway took it, but the GSN behaves as if the answer never came.
      r.ignoreNext = false;
      r.answerIgnored = true;
      if (answer === 'taken' || answer === 'fulfilled') {
        r.taken = true;
        this.ledger.confirmed(r.msg);
      }
      return;
    }
    this.#t.remove(r);
    if (r.kind === Kind.Dup && r.other >= 0) this.#t.superseded.delete(r.other);
    const n = this.ledger.cdrs(r.msg);
    const s = this.ledger.stats.s;
    if (answer === 'taken' || answer === 'fulfilled') {
      this.#backoffMs = BACKOFF_MIN_MS;
      if (answer === 'fulfilled') s.alreadyFulfilled += n;
      switch (r.kind) {
        case Kind.Send:
          this.ledger.confirmed(r.msg);
          return;
        case Kind.Dup: {
          const command = r.taken ? PacketTransferCommand.Cancel : PacketTransferCommand.Release;
          this.#issue(
            command === 3 ? Kind.Cancel : Kind.Release,
            r.msg,
            cancelOrRelease(this.cfg.version, 0, command, r.seq),
            r.seq,
            now,
            r.target,
          );
          return;
        }
        case Kind.Cancel:
          s.cancelled += n;
          return;
        case Kind.Release:
          s.released += n;
          this.ledger.confirmed(r.msg);
          return;
      }
    }
    if (answer === 'slow-down') {
      s.backoffs++;
      this.#counts.backoffs++;
      this.#pausedUntil = now + this.#backoffMs;
      this.#backoffMs = Math.min(BACKOFF_MAX_MS, this.#backoffMs * 2);
      this.#reissue(r);
      return;
    }
    if (r.kind === Kind.Send || r.kind === Kind.Dup) this.ledger.rejected(r.msg);
  }

  #exhausted(r: Req, now: number): void {
    const sec = this.cfg.secondary;
    if ((r.kind === Kind.Send || r.kind === Kind.Dup) && sec !== undefined && !sameEndpoint(r.target, sec)) {
      this.#current = sec;
      this.#moved();
      this.#duplicate(r, sec, now);
      return;
    }
    if (r.kind !== Kind.Cancel) this.ledger.failed(r.msg);
  }

  #moved(): void {
    this.ledger.stats.s.redirected++;
    this.#counts.redirected++;
  }

  /** Redirection Request: new requests go to the recommended node (or the secondary); Sends outstanding move there. */
  #redirect(recommended: string | undefined, now: number): void {
    const next = redirectTarget(recommended, this.cfg.primary, this.cfg.secondary);
    if (next === undefined || sameEndpoint(next, this.#current)) return;
    const old = this.#current;
    this.#current = next;
    for (const r of [...this.#t.outstanding]) {
      if (r.kind !== Kind.Send || !sameEndpoint(r.target, old)) continue;
      this.#t.remove(r);
      this.#moved();
      this.#duplicate(r, next, now);
    }
  }
}
