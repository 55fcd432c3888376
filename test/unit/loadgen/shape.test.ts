import { describe, expect, it } from 'vitest';
import { RateScheduler, type Shape } from '../../../src/cluster/loadgen/shape.js';

/** CDRs released in each whole second of simulated time, sampling every `stepMs`. */
function perSecond(s: RateScheduler, seconds: number, stepMs = 10): number[] {
  const out: number[] = [];
  let before = 0;
  for (let sec = 1; sec <= seconds; sec++) {
    for (let t = (sec - 1) * 1000 + stepMs; t < sec * 1000; t += stepMs) s.allowed(t);
    const now = s.allowed(sec * 1000);
    out.push(now - before);
    before = now;
  }
  return out;
}

describe('rate scheduler', () => {
  it('ensures constant gives the rate every second', () => {
    const s = new RateScheduler({ kind: 'constant' }, 1000, 10, 1, 60_000);
    expect(perSecond(s, 5)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(s.allowed(1500)).toBe(1500);
  });

  it('ensures square gives the full rate for the first half of each period and low × rate for the second', () => {
    const s = new RateScheduler({ kind: 'square', periodMs: 4000, low: 0.2 }, 1000, 10, 1, 60_000);
    expect(perSecond(s, 8)).toEqual([1000, 1000, 200, 200, 1000, 1000, 200, 200]);
    expect(s.rateAt(500)).toBe(1000);
    expect(s.rateAt(2500)).toBe(200);
  });

  it('ensures ramp rises linearly from from × rate to the rate over its length, then stays', () => {
    const s = new RateScheduler({ kind: 'ramp', from: 0.1, overMs: 10_000 }, 1000, 10, 1, 60_000);
    const counts = perSecond(s, 12);
    // Mean rate over second k is 1000 × (0.1 + 0.9 × (k + 0.5) / 10).
    counts
      .slice(0, 10)
      .forEach((c, k) => expect(Math.abs(c - 1000 * (0.1 + (0.9 * (k + 0.5)) / 10))).toBeLessThanOrEqual(1));
    expect(counts.slice(10)).toEqual([1000, 1000]);
    expect(counts.slice(0, 10).reduce((a, b) => a + b, 0)).toBe(5500);
  });

  it('ensures a ramp without `over` lasts the run', () => {
    const s = new RateScheduler({ kind: 'ramp', from: 0.5, overMs: undefined }, 100, 1, 1, 4000);
    expect(perSecond(s, 5)).toEqual([56, 69, 81, 94, 100]);
  });

  it('ensures poisson arrivals average the rate, vary from second to second, come in whole messages, and repeat for a seed', () => {
    const shape: Shape = { kind: 'poisson' };
    const counts = perSecond(new RateScheduler(shape, 1000, 10, 7, 60_000), 300);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(Math.abs(mean - 1000)).toBeLessThan(40);
    const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / counts.length;
    // Messages of 10 CDRs at 100/s: variance of CDRs per second = 10² × 100 = 10,000.
    expect(variance).toBeGreaterThan(6000);
    expect(variance).toBeLessThan(15_000);
    expect(counts.every((c) => c % 10 === 0)).toBe(true);
    expect(perSecond(new RateScheduler(shape, 1000, 10, 7, 60_000), 300)).toEqual(counts);
    expect(perSecond(new RateScheduler(shape, 1000, 10, 8, 60_000), 300)).not.toEqual(counts);
  });

  it('ensures storm keeps the constant rate (the storm is a GSN going down, not a rate change)', () => {
    const s = new RateScheduler({ kind: 'storm', gsn: 0, atMs: 1000, downMs: 1000 }, 300, 10, 1, 60_000);
    expect(perSecond(s, 3)).toEqual([300, 300, 300]);
  });

  it('ensures rate 0 means no limit', () => {
    const s = new RateScheduler({ kind: 'constant' }, 0, 10, 1, 60_000);
    expect(s.unlimited).toBe(true);
    expect(s.allowed(0)).toBe(Infinity);
  });
});
