/**
 * Response latencies since the last report: p50, p99 and max of what was recorded, and the counts
 * (and sums) per histogram bucket, then reset. The percentiles are those of one stats interval; the
 * buckets add up into a Prometheus histogram over any span.
 */
import { LatencyBuckets, type BucketReport } from '../../../telemetry/latency-buckets.js';

const MAX_SAMPLES = 65_536;

export interface LatencyReport extends BucketReport {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export class LatencySamples {
  #samples = new Float64Array(MAX_SAMPLES);
  #n = 0;
  #seen = 0;
  readonly #buckets = new LatencyBuckets();

  record(ms: number): void {
    this.#seen++;
    this.#buckets.record(ms);
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
    const buckets = this.#buckets.take();
    this.#n = 0;
    this.#seen = 0;
    if (s.length === 0) return { p50: 0, p99: 0, max: 0, count: 0, ...buckets };
    const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
    return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] as number, count, ...buckets };
  }
}
