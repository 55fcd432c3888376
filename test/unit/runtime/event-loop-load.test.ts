/**
 * An actor's event-loop load as its stats report it: a stall of the thread shows as the timer's
 * delay (max and p99), and each report covers only the time since the one before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventLoopLoad } from '../../../src/actors/runtime/event-loop-load.js';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const loads: EventLoopLoad[] = [];
afterEach(() => {
  for (const l of loads.splice(0)) l.stop();
});

describe('EventLoopLoad', () => {
  it('ensures a stall of the thread shows as the delay of its timer, and the next report starts afresh', async () => {
    const load = new EventLoopLoad();
    loads.push(load);
    await wait(100);
    const end = performance.now() + 200;
    while (performance.now() < end); // the thread held for 200 ms
    await wait(60);
    const stalled = load.take();
    expect(stalled.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(180);
    expect(stalled.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(180);
    expect(stalled.eventLoopUtilization).toBeGreaterThan(0.2);
    await wait(50);
    const quiet = load.take();
    expect(quiet.eventLoopDelayMaxMs).toBeLessThan(stalled.eventLoopDelayMaxMs);
    expect(quiet.eventLoopUtilization).toBeLessThan(stalled.eventLoopUtilization);
  });

  it('ensures a report with no timer sample yet says 0, not a negative delay', () => {
    const load = new EventLoopLoad();
    loads.push(load);
    const r = load.take();
    expect(r.eventLoopDelayMaxMs).toBe(0);
    expect(r.eventLoopDelayP99Ms).toBe(0);
  });
});
