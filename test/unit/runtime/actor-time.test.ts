/**
 * An actor's time: ticks carry the wall clock with no producer, else the producers' time; they
 * never go below the latest tick in the log; consumers are told the latest tick handled, or the
 * time now when the actor has nothing left to handle or send.
 */
import { describe, expect, it } from 'vitest';
import { ActorTime } from '../../../src/actors/runtime/actor-time.js';

describe('actor time', () => {
  it('ensures an actor fed by others ticks at its producers’ time, never below the latest tick in its log', () => {
    const t = new ActorTime(['ep.0'], 5000, 200);
    expect(t.fedByOthers).toBe(true);
    expect(t.takeTick()).toBeUndefined(); // not heard from ep.0 yet
    t.report('ep.0', 4000);
    expect(t.takeTick()).toBeUndefined(); // behind the floor a restart found in the log
    expect(t.tickDue()).toBe(false);
    t.report('ep.0', 5100);
    expect(t.tickDue()).toBe(false); // less than a tick interval on
    t.report('ep.0', 5200);
    expect(t.tickDue()).toBe(true);
    expect(t.takeTick()).toBe(5200);
    expect(t.floorMs).toBe(5200);
    expect(t.takeTick()).toBeUndefined(); // the time has not moved
  });

  it('ensures an actor no other actor feeds ticks at the wall clock', () => {
    const t = new ActorTime([], 0, 1000);
    expect(t.fedByOthers).toBe(false);
    const before = Date.now();
    const tick = t.takeTick() as number;
    expect(tick).toBeGreaterThanOrEqual(before);
    expect(tick).toBeLessThanOrEqual(Date.now());
  });

  it('ensures consumers are told the latest tick handled while busy, and the time now once idle', () => {
    const t = new ActorTime(['ep.0'], 0, 200);
    expect(t.upTo(false)).toBe(0);
    t.report('ep.0', 9000);
    expect(t.handled(3000)).toBe(3000);
    expect(t.handled(2000)).toBe(3000); // a replayed older tick does not move it back
    expect(t.upTo(false)).toBe(3000);
    expect(t.upTo(true)).toBe(9000);
  });

  it('ensures the lag alarm names the producers holding the time back, only past its limit', () => {
    const t = new ActorTime(['a.0', 'b.0'], Date.now() - 10_000, 200);
    t.report('a.0', Date.now());
    expect(t.heldBack(60_000)).toBe('');
    expect(t.heldBack(5000)).toMatch(/^time 10 s behind the wall clock; held back by b\.0 \(/);
    expect(t.lagMs()).toBeGreaterThanOrEqual(10_000);
    expect(new ActorTime(['a.0'], 0, 200).lagMs()).toBe(0);
  });
});
