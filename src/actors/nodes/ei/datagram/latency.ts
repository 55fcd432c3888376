/**
 * Response latencies since the last report: p50, p99 and max of what was recorded, and the counts
 * (and sums) per histogram bucket of `RESPONSE_BUCKETS_MS`, then reset. The percentiles are those of
 * one stats interval; the buckets add up into a Prometheus histogram over any span.
 */
import { RESPONSE_BUCKETS_MS } from '../../../runtime/actor.js';

const MAX_SAMPLES = 65_536;

export interface LatencyReport {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
  /** Per bucket of RESPONSE_BUCKETS_MS (and one above the last bound): how many, and their sum (ms). */
  readonly buckets: readonly number[];
  readonly bucketSumsMs: readonly number[];
}

export class LatencySamples {
  #samples = new Float64Array(MAX_SAMPLES);
  #n = 0;
  #seen = 0;
  #buckets = new Float64Array(RESPONSE_BUCKETS_MS.length + 1);
  #sums = new Float64Array(RESPONSE_BUCKETS_MS.length + 1);

  record(ms: number): void {
    this.#seen++;
    let b = 0;
    while (b < RESPONSE_BUCKETS_MS.length && ms > (RESPONSE_BUCKETS_MS[b] as number)) b++;
    this.#buckets[b] = (this.#buckets[b] as number) + 1;
    this.#sums[b] = (this.#sums[b] as number) + ms;
    if (this.#n < MAX_SAMPLES) this.#samples[this.#n++] = ms;
    else {
      // Reservoir sampling keeps the percentiles fair when more arrive than fit.
      const j = Math.floor(Math.random() * this.#seen);
      if (j < MAX_SAMPLES) this.#samples[j] = ms;
    }
  }

  take(): LatencyReport {
    const count = this.#seen;
    const s = this.#samples.subarray(0, this.#n).sort();
    const buckets = [...this.#buckets];
    const bucketSumsMs = [...this.#sums];
    this.#n = 0;
    this.#seen = 0;
    this.#buckets.fill(0);
    this.#sums.fill(0);
    if (s.length === 0) return { p50: 0, p99: 0, max: 0, count: 0, buckets, bucketSumsMs };
    const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
    return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] as number, count, buckets, bucketSumsMs };
  }
}
