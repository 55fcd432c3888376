/**
 * What happened to each message of the run (its CDRs travel together): sent, confirmed, rejected or
 * failed, with the run's counters and per-GSN counts kept in step. A CDR is counted accepted once,
 * however many requests carried it.
 */
import { grownToHold } from '../grow.js';
import type { LoadStats } from '../stats.js';
import type { RunMessages } from './messages.js';
import { Outcome, type OutcomeValue } from './truth.js';

export interface GsnCounts {
  sent: number;
  accepted: number;
  rejected: number;
  failed: number;
  retransmitted: number;
  possiblyDuplicated: number;
  redirected: number;
  backoffs: number;
  restarts: number;
  /** Window slots held on average by lost requests and ignored answers waiting for the timeout. */
  slotsWaitingTimeout: number;
  echoes: number;
  nodeAlive: number;
  unexpected: number;
}

export function emptyCounts(): GsnCounts {
  return {
    sent: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
    retransmitted: 0,
    possiblyDuplicated: 0,
    redirected: 0,
    backoffs: 0,
    restarts: 0,
    slotsWaitingTimeout: 0,
    echoes: 0,
    nodeAlive: 0,
    unexpected: 0,
  };
}

export class Ledger {
  #outcome: Uint8Array;
  #messages = 0;
  readonly perGsn: GsnCounts[];
  /** Called once per message, when it is first confirmed. */
  onConfirmed: ((msg: number) => void) | undefined;

  /** `messages`: how many the run has, if known (the outcomes grow as messages are sent). */
  constructor(
    readonly run: RunMessages,
    readonly stats: LoadStats,
    messages = 0,
  ) {
    this.#outcome = new Uint8Array(Math.max(messages, 1024));
    this.#messages = messages;
    this.perGsn = run.gsns.map(emptyCounts);
  }

  /** Each message's outcome (`Outcome`), by message number, up to the last one sent or known. */
  get outcome(): Uint8Array {
    return this.#outcome.subarray(0, this.#messages);
  }

  outcomeOf(msg: number): OutcomeValue {
    return (this.#outcome[msg] ?? Outcome.NotSent) as OutcomeValue;
  }

  cdrs(msg: number): number {
    return this.run.cdrsOf(msg);
  }

  #gsn(msg: number): GsnCounts {
    return this.perGsn[this.run.gsnOf(msg)] as GsnCounts;
  }

  sent(msg: number, nowMs: number): void {
    this.#outcome = grownToHold(this.#outcome, msg, (n) => new Uint8Array(n));
    this.#messages = Math.max(this.#messages, msg + 1);
    if (this.#outcome[msg] !== Outcome.NotSent) return;
    this.#outcome[msg] = Outcome.Unconfirmed;
    const n = this.cdrs(msg);
    this.stats.sent(n, nowMs);
    this.#gsn(msg).sent += n;
  }

  confirmed(msg: number): void {
    if (this.#outcome[msg] === Outcome.Confirmed) return;
    const wasRejected = this.#outcome[msg] === Outcome.Rejected;
    this.#outcome[msg] = Outcome.Confirmed;
    const n = this.cdrs(msg);
    this.stats.accepted(n);
    this.#gsn(msg).accepted += n;
    if (wasRejected) {
      this.stats.s.rejected -= n;
      this.#gsn(msg).rejected -= n;
    }
    this.onConfirmed?.(msg);
  }

  rejected(msg: number): void {
    if (this.#outcome[msg] !== Outcome.Unconfirmed) return;
    this.#outcome[msg] = Outcome.Rejected;
    const n = this.cdrs(msg);
    this.stats.s.rejected += n;
    this.#gsn(msg).rejected += n;
  }

  /** Out of retries with nowhere to go: stays unconfirmed (the gateway may have it). */
  failed(msg: number): void {
    if (this.#outcome[msg] !== Outcome.Unconfirmed) return;
    const n = this.cdrs(msg);
    this.stats.s.failed += n;
    this.#gsn(msg).failed += n;
  }

  /** CDRs still unconfirmed (sent, never confirmed). */
  unconfirmedCdrs(): number {
    let n = 0;
    for (let m = 0; m < this.#messages; m++) if (this.#outcome[m] === Outcome.Unconfirmed) n += this.cdrs(m);
    return n;
  }
}
