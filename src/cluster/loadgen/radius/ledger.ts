/**
 * What happened to each prepared request — sent, answered, or out of retries — with the run's
 * counters and per-NAS counts kept in step. A request is counted sent and answered once, however
 * many times it was retransmitted.
 */
import type { LoadStats } from '../stats.js';
import type { PreparedRadiusRun } from './prepare.js';
import { Outcome } from './truth.js';

export interface NasCounts {
  /** Requests sent for the first time (duplicates included). */
  sent: number;
  /** Requests answered with a verified Accounting-Response. */
  accepted: number;
  /** Transmissions again with the same Identifier and authenticator. */
  retransmitted: number;
  /** Records re-sent with a new Identifier (first transmissions). */
  duplicates: number;
  /** Requests given up after their retries. */
  unanswered: number;
  /** Answers to a request already answered (a retransmission answered too). */
  lateResponses: number;
  /** Answers that match no request or do not verify with the secret. */
  badResponses: number;
  /** Silences of a restart storm. */
  restarts: number;
}

export function emptyCounts(): NasCounts {
  return {
    sent: 0,
    accepted: 0,
    retransmitted: 0,
    duplicates: 0,
    unanswered: 0,
    lateResponses: 0,
    badResponses: 0,
    restarts: 0,
  };
}

export class Ledger {
  readonly outcome: Uint8Array;
  readonly perNas: NasCounts[];

  constructor(
    readonly run: PreparedRadiusRun,
    readonly stats: LoadStats,
  ) {
    this.outcome = new Uint8Array(run.totalRequests);
    this.perNas = run.nases.map(emptyCounts);
  }

  nasOf(r: number): NasCounts {
    return this.perNas[Math.floor((this.run.reqLane[r] as number) / this.run.window)] as NasCounts;
  }

  sent(r: number, nowMs: number): void {
    if (this.outcome[r] !== Outcome.NotSent) return;
    this.outcome[r] = Outcome.Sent;
    this.stats.sent(1, nowMs);
    this.stats.s.requests++;
    const c = this.nasOf(r);
    c.sent++;
    if (this.run.reqDup[r] === 1) c.duplicates++;
  }

  retransmitted(r: number): void {
    this.stats.s.retransmitted++;
    this.stats.s.requests++;
    this.nasOf(r).retransmitted++;
  }

  /** `latencyMs` undefined: an answer to a request given up (no meaningful latency). */
  answered(r: number, latencyMs: number | undefined): void {
    if (this.outcome[r] === Outcome.Answered) return;
    const wasGivenUp = this.outcome[r] === Outcome.Unanswered;
    this.outcome[r] = Outcome.Answered;
    if (latencyMs !== undefined) this.stats.response(latencyMs);
    this.stats.accepted(1);
    const c = this.nasOf(r);
    c.accepted++;
    if (wasGivenUp) c.unanswered--;
  }

  unanswered(r: number): void {
    if (this.outcome[r] !== Outcome.Sent) return;
    this.outcome[r] = Outcome.Unanswered;
    this.nasOf(r).unanswered++;
  }

  /** Requests sent and never answered (given up, or still waiting when the run ended). */
  unansweredTotal(): number {
    let n = 0;
    for (const o of this.outcome) if (o === Outcome.Sent || o === Outcome.Unanswered) n++;
    return n;
  }

  /** Counts summed over the NASes. */
  totals(): NasCounts {
    const t = emptyCounts();
    for (const c of this.perNas) for (const k of Object.keys(t) as (keyof NasCounts)[]) t[k] += c[k];
    return t;
  }
}
