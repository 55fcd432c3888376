import { describe, expect, it } from 'vitest';
import { BackoffState, jittered, nominalDelay } from '../../../src/actors/supervision/backoff.js';
import { RestartIntensity } from '../../../src/actors/supervision/intensity.js';

describe('restart intensity window (3.5)', () => {
  it('ensures intensity 0 gives up on the first restart', () => {
    expect(new RestartIntensity(0, 5).record(0)).toBe(false);
  });

  it('ensures intensity 1 tolerates one restart per window and gives up on the second', () => {
    const window = new RestartIntensity(1, 5);
    expect(window.record(1000)).toBe(true);
    expect(window.record(3000)).toBe(false);
  });

  it('ensures a restart exactly on the period boundary is still counted', () => {
    const window = new RestartIntensity(1, 5);
    expect(window.record(0)).toBe(true);
    expect(window.record(5000)).toBe(false);
    expect(window.count).toBe(2);
  });

  it('ensures a restart one millisecond past the boundary has left the window', () => {
    const window = new RestartIntensity(1, 5);
    expect(window.record(0)).toBe(true);
    expect(window.record(5001)).toBe(true);
    expect(window.count).toBe(1);
  });

  it('ensures the window slides: old restarts drop while recent ones stay', () => {
    const window = new RestartIntensity(2, 10);
    expect(window.record(0)).toBe(true);
    expect(window.record(6000)).toBe(true);
    expect(window.record(10_001)).toBe(true); // 0 dropped, 6000 and 10001 remain
    expect(window.count).toBe(2);
    expect(window.record(12_000)).toBe(false);
  });
});

describe('backoff delays (3.11)', () => {
  const spec = { initialMs: 100, maxMs: 1000, factor: 3, jitter: 0, resetAfterMs: 500 };

  it('ensures delay n is min(max, initial × factor^(n−1))', () => {
    expect([1, 2, 3, 4].map((n) => nominalDelay(spec, n))).toEqual([100, 300, 900, 1000]);
  });

  it('ensures jitter spreads the delay by ±jitter using the injected random source', () => {
    expect(jittered(1000, 0.2, () => 0)).toBe(800);
    expect(jittered(1000, 0.2, () => 0.5)).toBe(1000);
    expect(jittered(1000, 0.2, () => 0.999_999)).toBe(1200);
    expect(jittered(1000, 0, () => 0)).toBe(1000);
  });

  it('ensures consecutive restarts grow the delay and a long enough uptime resets the count', () => {
    const state = new BackoffState(spec, () => 0.5);
    state.noteUptime(10);
    expect(state.nextDelay()).toBe(100);
    state.noteUptime(499);
    expect(state.nextDelay()).toBe(300);
    expect(state.nextDelay()).toBe(900); // a failed start: no uptime, still consecutive
    state.noteUptime(500);
    expect(state.nextDelay()).toBe(100);
    expect(state.count).toBe(1);
  });
});
