import { describe, expect, it } from 'vitest';
import { LatencySamples } from '../../../../src/actors/nodes/ei/datagram/latency.js';
import { LATENCY_BUCKETS_MS } from '../../../../src/actors/telemetry/latency-buckets.js';

describe('ingest response latency samples', () => {
  it('ensures each answer is counted in the bucket whose bound is the first at or above it, with sums, percentiles, and a reset at each report', () => {
    const l = new LatencySamples();
    for (const ms of [0.3, 0.5, 0.7, 3, 5, 7000, 19.9]) l.record(ms);
    const r = l.take();
    expect(r.count).toBe(7);
    expect(r.max).toBe(7000);
    expect(r.p50).toBe(3);
    expect(r.buckets).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
    const counted = (bound: number): number => r.buckets[LATENCY_BUCKETS_MS.indexOf(bound)] as number;
    expect([counted(0.5), counted(1), counted(2), counted(5), counted(20)]).toEqual([2, 1, 0, 2, 1]);
    expect(r.buckets.at(-1)).toBe(1); // above the last bound (5 s)
    expect(r.bucketSumsMs[0]).toBeCloseTo(0.8, 9);
    expect(r.bucketSumsMs[LATENCY_BUCKETS_MS.indexOf(5)]).toBeCloseTo(8, 9);
    expect(r.buckets.reduce((a, b) => a + b, 0)).toBe(7);
    const next = l.take();
    expect([next.count, next.buckets.reduce((a, b) => a + b, 0)]).toEqual([0, 0]);
  });
});
