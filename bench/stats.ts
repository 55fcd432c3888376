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

/**
 * Cumulative bucket counts (`le` → count) of a Prometheus histogram in exposition text, summed over
 * its series (those whose labels contain `having`, e.g. `actor="gtpp.0"`, when given).
 */
export function histogramBuckets(text: string, name: string, having = ''): Map<number, number> {
  const out = new Map<number, number>();
  const line = new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\S+)$`, 'gm');
  for (const series of text.matchAll(line)) {
    const labels = series[1] ?? '';
    const le = /le="([^"]+)"/.exec(labels)?.[1];
    if (le === undefined || !labels.includes(having)) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + Number(series[2]));
  }
  return out;
}

/** Cumulative counts per bound (ascending) of what a histogram counted between two scrapes. */
function countedBetween(before: string, after: string, name: string, having: string): [number, number][] {
  const b0 = histogramBuckets(before, name, having);
  return [...histogramBuckets(after, name, having)]
    .sort((x, y) => x[0] - y[0])
    .map(([le, n]) => [le, n - (b0.get(le) ?? 0)]);
}

/**
 * Share (0..1) of what a histogram counted between two scrapes that lies at or below `le`, which
 * must be one of its bucket bounds (so the share is exact, not interpolated); undefined when nothing
 * was counted or `le` is not a bound.
 */
export function histogramShareWithin(
  before: string,
  after: string,
  name: string,
  le: number,
  having = '',
): number | undefined {
  const cum = countedBetween(before, after, name, having);
  const total = cum.at(-1)?.[1] ?? 0;
  const within = cum.find(([bound]) => bound === le)?.[1];
  if (total <= 0 || within === undefined) return undefined;
  return within / total;
}

/**
 * Quantile `q` (0..1) of what a histogram counted between two scrapes, interpolated linearly inside
 * its bucket (above the last finite bound: that bound); undefined when nothing was counted. `having`
 * keeps only the series whose labels contain it.
 */
export function histogramQuantile(
  before: string,
  after: string,
  name: string,
  q: number,
  having = '',
): number | undefined {
  const cum = countedBetween(before, after, name, having);
  const total = cum.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lo = 0;
  let below = 0;
  for (const [le, n] of cum) {
    if (n >= rank) {
      if (!Number.isFinite(le)) return lo;
      return n === below ? le : lo + ((le - lo) * (rank - below)) / (n - below);
    }
    lo = le;
    below = n;
  }
  return lo;
}
