/**
 * Counters of a load run: totals, one point per second of the run (sent, accepted, latency p50/p99),
 * and the response-latency histogram. Time is passed in (ms since the run started).
 */
import { LatencyHistogram, type HistogramBucket } from './histogram.js';

export interface LoadSummary {
  /** CDRs sent for the first time. */
  sent: number;
  /** CDRs the gateway confirmed it took (each once). */
  accepted: number;
  /** CDRs in requests answered "request already fulfilled" (252/253). */
  alreadyFulfilled: number;
  /** Requests sent again with the same sequence number. */
  retransmitted: number;
  /** CDRs sent in Send-possibly-duplicated requests (command 2). */
  possiblyDuplicated: number;
  /** CDRs in possibly duplicated packets cancelled (command 3) and released (command 4). */
  cancelled: number;
  released: number;
  /** Requests moved to another gateway (Redirection Request, node down, retries exhausted). */
  redirected: number;
  /** CDRs refused by the gateway. */
  rejected: number;
  /** CDRs whose requests ran out of retries with nowhere to go. */
  failed: number;
  /** CDRs sent whose acceptance was never confirmed (failed ones included). */
  unconfirmed: number;
  /** Responses asking to slow down (199 No resources, 60/61 buffers full), each followed by a back-off. */
  backoffs: number;
  /** GSN restarts (restart storm). */
  restarts: number;
  /**
   * Share of the window held, on average over the run and the GSNs, by duplicate scenarios' lost
   * requests and ignored answers waiting for the retransmission timeout (loadgen gtpp): slots the
   * gateway did not hold. Near 1, the window, not the gateway, bounded an as-fast-as-answers run.
   */
  windowHeldByTimeouts?: number;
  requests: number;
  responses: number;
  latencyMs: { p50: number; p99: number; max: number };
  elapsedMs: number;
  /** CDRs sent per second of the sending phase. */
  cdrsPerSecond: number;
}

export interface SeriesPoint {
  /** Second of the run (0 = the first). */
  readonly second: number;
  readonly sent: number;
  readonly accepted: number;
  readonly outstanding: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export class LoadStats {
  readonly s: LoadSummary = {
    sent: 0,
    accepted: 0,
    alreadyFulfilled: 0,
    retransmitted: 0,
    possiblyDuplicated: 0,
    cancelled: 0,
    released: 0,
    redirected: 0,
    rejected: 0,
    failed: 0,
    unconfirmed: 0,
    backoffs: 0,
    restarts: 0,
    requests: 0,
    responses: 0,
    latencyMs: { p50: 0, p99: 0, max: 0 },
    elapsedMs: 0,
    cdrsPerSecond: 0,
  };
  readonly latency = new LatencyHistogram();
  readonly series: SeriesPoint[] = [];
  readonly #secondLatency = new LatencyHistogram();
  #second = 0;
  #secondSent = 0;
  #secondAccepted = 0;
  /** Time the last CDR was first sent (end of the sending phase). */
  #lastSendMs = 0;

  sent(cdrs: number, nowMs: number): void {
    this.s.sent += cdrs;
    this.#secondSent += cdrs;
    this.#lastSendMs = nowMs;
  }

  accepted(cdrs: number): void {
    this.s.accepted += cdrs;
    this.#secondAccepted += cdrs;
  }

  response(latencyMs: number): void {
    this.s.responses++;
    this.latency.record(latencyMs);
    this.#secondLatency.record(latencyMs);
  }

  /** Closes every whole second before `nowMs`; `outstanding` is recorded on the closed points. */
  tick(nowMs: number, outstanding: number): void {
    while ((this.#second + 1) * 1000 <= nowMs) {
      this.series.push({
        second: this.#second,
        sent: this.#secondSent,
        accepted: this.#secondAccepted,
        outstanding,
        p50Ms: round(this.#secondLatency.quantile(0.5)),
        p99Ms: round(this.#secondLatency.quantile(0.99)),
      });
      this.#second++;
      this.#secondSent = 0;
      this.#secondAccepted = 0;
      this.#secondLatency.reset();
    }
  }

  /** The current (unfinished) second so far. */
  current(): { sent: number; accepted: number; p99Ms: number } {
    return {
      sent: this.#secondSent,
      accepted: this.#secondAccepted,
      p99Ms: round(this.#secondLatency.quantile(0.99)),
    };
  }

  finish(elapsedMs: number): LoadSummary {
    this.s.elapsedMs = Math.round(elapsedMs);
    this.s.latencyMs = {
      p50: round(this.latency.quantile(0.5)),
      p99: round(this.latency.quantile(0.99)),
      max: round(this.latency.maxMs),
    };
    const sendingMs = Math.max(1, this.#lastSendMs);
    this.s.cdrsPerSecond = Math.round((this.s.sent * 1000) / sendingMs);
    return this.s;
  }

  histogram(): HistogramBucket[] {
    return this.latency.buckets();
  }
}

export function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
