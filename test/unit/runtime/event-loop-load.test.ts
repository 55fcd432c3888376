/**
 * An actor's event-loop load as its stats report it: a stall of the thread shows as a late timer in
 * the delay buckets, and each report covers only the time since the one before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventLoopLoad } from '../../../src/actors/runtime/event-loop-load.js';
import { LATENCY_BUCKETS_MS, type BucketReport } from '../../../src/actors/telemetry/latency-buckets.js';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Timer ticks reported later than `ms` (by bucket bounds). */
function lateBeyond(r: BucketReport, ms: number): number {
  const from = LATENCY_BUCKETS_MS.findIndex((b) => b >= ms) + 1;
  return r.buckets.slice(from).reduce((n, c) => n + c, 0);
}

const loads: EventLoopLoad[] = [];
afterEach(() => {
  for (const l of loads.splice(0)) l.stop();
});

describe('EventLoopLoad', () => {
  it('ensures a stall of the thread shows as a late timer, and the next report starts afresh', async () => {
    const load = new EventLoopLoad();
    loads.push(load);
    await wait(100);
    const end = performance.now() + 250;
    while (performance.now() < end); // the thread held for 250 ms
    await wait(60);
    const stalled = load.take();
    expect(lateBeyond(stalled.eventLoopDelay, 200)).toBe(1);
    expect(stalled.eventLoopDelay.buckets.reduce((n, c) => n + c, 0)).toBeGreaterThan(5);
    expect(stalled.eventLoopUtilization).toBeGreaterThan(0.2);
    await wait(50);
    const quiet = load.take();
    expect(lateBeyond(quiet.eventLoopDelay, 200)).toBe(0);
    expect(quiet.eventLoopUtilization).toBeLessThan(stalled.eventLoopUtilization);
  });
});
