/** The RADIUS load run's summary: counters, its text for stdout and its rows for the HTML report. */
import { alignedText } from '../report.js';
import type { LoadSummary } from '../stats.js';
import type { NasCounts } from './ledger.js';

export interface RadiusSummary {
  /** Accounting-Requests sent for the first time (records and duplicates). */
  readonly sent: number;
  /** Requests answered with a verified Accounting-Response (each once). */
  readonly accepted: number;
  /** Transmissions again with the same Identifier and authenticator. */
  readonly retransmitted: number;
  /** Records re-sent with a new Identifier and a grown Acct-Delay-Time. */
  readonly duplicatesSent: number;
  /** Requests sent and never answered (given up, or waiting when the run ended). */
  readonly unanswered: number;
  readonly lateResponses: number;
  readonly badResponses: number;
  readonly restarts: number;
  /** Datagrams sent (first transmissions and retransmissions) and answers taken. */
  readonly requests: number;
  readonly responses: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly elapsedMs: number;
  /** First transmissions per second of the sending phase. */
  readonly requestsPerSecond: number;
}

export function radiusSummary(s: LoadSummary, totals: NasCounts, unanswered: number): RadiusSummary {
  return {
    sent: s.sent,
    accepted: s.accepted,
    retransmitted: s.retransmitted,
    duplicatesSent: totals.duplicates,
    unanswered,
    lateResponses: totals.lateResponses,
    badResponses: totals.badResponses,
    restarts: totals.restarts,
    requests: s.requests,
    responses: s.responses,
    latencyMs: s.latencyMs,
    elapsedMs: s.elapsedMs,
    requestsPerSecond: s.cdrsPerSecond,
  };
}

export function radiusSummaryText(s: RadiusSummary): string {
  return alignedText([
    ['sent', `${s.sent} requests`],
    ['accepted', `${s.accepted} requests`],
    ['retransmitted', `${s.retransmitted} requests`],
    ['duplicates-sent', `${s.duplicatesSent} requests (records re-sent with a new Identifier)`],
    ['unanswered', `${s.unanswered} requests`],
    ['late-answers', String(s.lateResponses)],
    ['bad-answers', String(s.badResponses)],
    ['restarts', String(s.restarts)],
    ['latency', `p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms`],
    ['rate', `${s.requestsPerSecond} requests/s`],
    ['elapsed', `${(s.elapsedMs / 1000).toFixed(2)} s`],
  ]);
}

export function radiusSummaryRows(s: RadiusSummary): Record<string, string> {
  return {
    'sent requests': String(s.sent),
    'accepted requests': String(s.accepted),
    'retransmitted requests': String(s.retransmitted),
    'duplicates sent (new Identifier)': String(s.duplicatesSent),
    'unanswered requests': String(s.unanswered),
    'late / bad answers': `${s.lateResponses} / ${s.badResponses}`,
    'latency p50 / p99 / max': `${s.latencyMs.p50} / ${s.latencyMs.p99} / ${s.latencyMs.max} ms`,
    'requests per second': String(s.requestsPerSecond),
    elapsed: `${(s.elapsedMs / 1000).toFixed(1)} s`,
  };
}
