/** Percentiles and the number formats of the benchmark's printed lines. */

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export class BenchError extends Error {
  override readonly name = 'BenchError';
  constructor(
    readonly code:
      'usage' | 'no_samples' | 'process_failed' | 'output_mismatch' | 'worker_failed' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

/** Nearest-rank percentile of ascending samples (`p` in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new BenchError('no_samples', `percentile ${p}: expected samples, got none`);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const arr = Array.from(sorted);
  return {
    count: arr.length,
    p50Ms: percentile(arr, 50),
    p99Ms: percentile(arr, 99),
    maxMs: arr[arr.length - 1] as number,
  };
}

export function median(values: readonly number[]): number {
  return percentile(Array.from(Float64Array.from(values).sort()), 50);
}

/** 1234567 → "1.23M", 212345 → "212k". */
export function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e4) return `${Math.round(perSecond / 1e3)}k`;
  return `${(perSecond / 1e3).toFixed(1)}k`;
}

export function ms(value: number): string {
  return value >= 10 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

export function mib(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MiB`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across threads. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
