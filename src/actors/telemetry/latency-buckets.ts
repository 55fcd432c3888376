/**
 * Latencies counted per histogram bucket between two reports, with the sum per bucket, so the host
 * can add them exactly into a Prometheus histogram (see observeBuckets). Worker threads count;
 * the reports travel with the actor's stats.
 */
import type { Histogram } from 'prom-client';

/** Upper bounds (ms) of the buckets; one more bucket counts what lies above the last. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
];

/** The same bounds in seconds, for a prom-client Histogram. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = LATENCY_BUCKETS_MS.map((ms) => ms / 1000);

/** Per bucket of LATENCY_BUCKETS_MS (and one above its last bound): how many, and their sum (ms). */
export interface BucketReport {
  readonly buckets: readonly number[];
  readonly bucketSumsMs: readonly number[];
}

export class LatencyBuckets {
  readonly #counts = new Float64Array(LATENCY_BUCKETS_MS.length + 1);
  readonly #sums = new Float64Array(LATENCY_BUCKETS_MS.length + 1);

  record(ms: number): void {
    let b = 0;
    while (b < LATENCY_BUCKETS_MS.length && ms > (LATENCY_BUCKETS_MS[b] as number)) b++;
    this.#counts[b] = (this.#counts[b] as number) + 1;
    this.#sums[b] = (this.#sums[b] as number) + ms;
  }

  /** What was recorded since the last call. */
  take(): BucketReport {
    const report = { buckets: [...this.#counts], bucketSumsMs: [...this.#sums] };
    this.#counts.fill(0);
    this.#sums.fill(0);
    return report;
  }
}

/**
 * Adds a report to `histogram` (built on LATENCY_BUCKETS_SECONDS): each bucket's count is observed
 * at that bucket's mean, so buckets, count and sum come out exact. A report of another shape is
 * ignored.
 */
export function observeBuckets<L extends string>(
  histogram: Histogram<L>,
  labels: Partial<Record<L, string | number>>,
  report: Partial<BucketReport>,
): void {
  const counts = report.buckets ?? [];
  const sums = report.bucketSumsMs ?? [];
  if (counts.length !== LATENCY_BUCKETS_MS.length + 1) return;
  counts.forEach((n, b) => {
    if (!(n > 0) || !Number.isSafeInteger(n)) return;
    const mean = (sums[b] ?? 0) / n / 1000;
    for (let i = 0; i < n; i++) histogram.observe(labels, mean);
  });
}
