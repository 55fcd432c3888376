import { describe, expect, it } from 'vitest';
import { histogramQuantile, histogramShareWithin } from '../../../bench/stats.js';

const text = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([le, n]) => `h_seconds_bucket{node="g",actor="g.0",le="${le}"} ${n}`)
    .concat(['h_seconds_count{node="g",actor="g.0"} 0'])
    .join('\n');

describe('bench histogram quantile', () => {
  it('ensures the quantile of what was counted between two scrapes is interpolated inside its bucket', () => {
    const before = text({ '0.001': 10, '0.01': 10, '0.1': 10, '+Inf': 10 });
    // 100 more: 50 at or below 1 ms, 40 in (1, 10] ms, 10 in (10, 100] ms.
    const after = text({ '0.001': 60, '0.01': 100, '0.1': 110, '+Inf': 110 });
    expect(histogramQuantile(before, after, 'h_seconds', 0.5)).toBeCloseTo(0.001, 12);
    expect(histogramQuantile(before, after, 'h_seconds', 0.7)).toBeCloseTo(0.001 + 0.009 * (20 / 40), 12);
    expect(histogramQuantile(before, after, 'h_seconds', 0.95)).toBeCloseTo(0.01 + 0.09 * 0.5, 12);
    expect(histogramQuantile(before, before, 'h_seconds', 0.99)).toBeUndefined();
    // Above the last finite bound: that bound.
    const inf = text({ '0.001': 60, '0.01': 60, '0.1': 60, '+Inf': 160 });
    expect(histogramQuantile(before, inf, 'h_seconds', 0.99)).toBe(0.1);
  });

  it('ensures the share at or below a bucket bound is exact, and undefined off the bounds', () => {
    const before = text({ '0.001': 10, '0.01': 10, '0.1': 10, '+Inf': 10 });
    const after = text({ '0.001': 60, '0.01': 100, '0.1': 110, '+Inf': 110 });
    expect(histogramShareWithin(before, after, 'h_seconds', 0.001)).toBe(0.5);
    expect(histogramShareWithin(before, after, 'h_seconds', 0.01)).toBe(0.9);
    expect(histogramShareWithin(before, after, 'h_seconds', 0.1)).toBe(1);
    expect(histogramShareWithin(before, after, 'h_seconds', 0.02)).toBeUndefined();
    expect(histogramShareWithin(before, before, 'h_seconds', 0.01)).toBeUndefined();
  });

  it('ensures only the series holding the asked label are counted when one is given', () => {
    const two = (a: number, b: number): string =>
      [
        `c_seconds_bucket{node="g",actor="g.0",le="0.001"} ${a}`,
        `c_seconds_bucket{node="g",actor="g.0",le="+Inf"} ${a}`,
        `c_seconds_bucket{node="o",actor="o.0",le="0.001"} 0`,
        `c_seconds_bucket{node="o",actor="o.0",le="+Inf"} ${b}`,
      ].join('\n');
    expect(histogramQuantile(two(0, 0), two(10, 10), 'c_seconds', 0.99, 'actor="g.0"')).toBeCloseTo(
      0.00099,
      12,
    );
    expect(histogramQuantile(two(0, 0), two(10, 10), 'c_seconds', 0.99)).toBe(0.001);
  });
});
