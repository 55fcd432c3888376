/**
 * Latency histogram with geometric buckets (5 % wide, 10 µs to 10 min): constant memory, O(1) record,
 * percentiles accurate to the bucket width; the maximum is exact.
 */

const MIN_MS = 0.01;
const FACTOR = 1.05;
const LOG_FACTOR = Math.log(FACTOR);
const BUCKETS = Math.ceil(Math.log(600_000 / MIN_MS) / LOG_FACTOR) + 2;

/** Upper bound (ms) of bucket `i`. */
function upperMs(i: number): number {
  return MIN_MS * FACTOR ** i;
}

export interface HistogramBucket {
  /** Upper bound of the bucket in ms. */
  readonly leMs: number;
  readonly count: number;
}

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #total = 0;
  #maxMs = 0;

  record(ms: number): void {
    const v = ms > MIN_MS ? ms : MIN_MS;
    let i = Math.ceil(Math.log(v / MIN_MS) / LOG_FACTOR);
    if (i >= BUCKETS) i = BUCKETS - 1;
    this.#counts[i] = (this.#counts[i] as number) + 1;
    this.#total++;
    if (ms > this.#maxMs) this.#maxMs = ms;
  }

  get count(): number {
    return this.#total;
  }

  get maxMs(): number {
    return this.#maxMs;
  }

  /** The latency (ms) at quantile q (0–1): the upper bound of its bucket, never above the maximum. */
  quantile(q: number): number {
    if (this.#total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i] as number;
      if (seen >= rank) return Math.min(upperMs(i), this.#maxMs);
    }
    return this.#maxMs;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#total = 0;
    this.#maxMs = 0;
  }

  /** Non-empty buckets in ascending order. */
  buckets(): HistogramBucket[] {
    const out: HistogramBucket[] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const c = this.#counts[i] as number;
      if (c > 0) out.push({ leMs: Number(upperMs(i).toPrecision(4)), count: c });
    }
    return out;
  }
}
