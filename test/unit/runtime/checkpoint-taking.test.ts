/**
 * Periodic checkpoints come every `checkpointIntervalMs` while they are cheap; one that took t ms of
 * the event loop puts the next at least t / `checkpointMaxLoad` later, so an actor with a large
 * state spends at most that share of its thread on checkpoints. The clock is the test's: the
 * handler's snapshot advances it by what the state "costs".
 */
import { describe, expect, it } from 'vitest';
import { Watermarks } from '../../../src/actors/durability/watermarks.js';
import type { NodeHandler } from '../../../src/actors/runtime/actor.js';
import type { ActorBooks } from '../../../src/actors/runtime/actor-books.js';
import { CheckpointTaking } from '../../../src/actors/runtime/checkpoint-taking.js';
import type { Checkpointer } from '../../../src/actors/runtime/checkpointer.js';
import { emptyLedger } from '../../../src/actors/runtime/ledger.js';
import type { Outputs } from '../../../src/actors/runtime/outputs.js';

interface Rig {
  taking: CheckpointTaking;
  /** Times (test clock) at which checkpoints were offered, and their positions. */
  offered: Array<{ at: number; position: number }>;
  clock: { now: number };
  /** Milliseconds the next snapshots cost. */
  cost: { ms: number };
}

function rig(mode: 'periodic' | 'on-request', intervalMs: number, maxLoad: number): Rig {
  const clock = { now: 0 };
  const cost = { ms: 0 };
  const offered: Rig['offered'] = [];
  const handler: NodeHandler = {
    init: () => undefined,
    handleBatch: () => undefined,
    handleTick: () => undefined,
    snapshot: () => {
      clock.now += cost.ms;
      return { state: 'x' };
    },
    held: () => 0,
  };
  const checkpointer = {
    committedPosition: -1,
    offer: (c: { position: number }) => offered.push({ at: clock.now, position: c.position }),
  } as unknown as Checkpointer;
  const books = {
    checkpoint: () => ({
      ledger: emptyLedger(),
      quarantinedByReason: {},
      duplicatesByReason: {},
      quarantineOrdinal: 0,
    }),
  } as unknown as ActorBooks;
  const outputs = { state: () => ({}), specs: [], sealed: () => [] } as unknown as Outputs;
  const taking = new CheckpointTaking({
    mode,
    intervalMs,
    maxLoad,
    handler,
    outputs,
    books,
    processed: new Watermarks(),
    checkpointer,
    handlerPosition: () => 0,
    tickMs: () => 0,
    now: () => clock.now,
  });
  return { taking, offered, clock, cost };
}

/** Calls maybeTake every `stepMs` of test time until `untilMs`, the position moving each call. */
function drive(r: Rig, stepMs: number, untilMs: number): void {
  let position = 0;
  while (r.clock.now < untilMs) {
    r.clock.now += stepMs;
    r.taking.maybeTake(++position, false);
  }
}

describe('checkpoint taking', () => {
  it('ensures cheap periodic checkpoints come every checkpointIntervalMs', () => {
    const r = rig('periodic', 1000, 0.05);
    r.cost.ms = 10; // 10 / 0.05 = 200 ms: below the interval
    drive(r, 100, 10_050);
    expect(r.offered.map((o) => o.at)).toEqual([
      1010, 2020, 3030, 4040, 5050, 6060, 7070, 8080, 9090, 10_100,
    ]);
    expect(r.taking.stats().checkpointIntervalMs).toBe(1000);
  });

  it('ensures a costly checkpoint stretches the wait to its cost over checkpointMaxLoad, and a cheap one brings it back', () => {
    const r = rig('periodic', 1000, 0.05);
    r.cost.ms = 300; // 300 / 0.05 = 6000 ms
    drive(r, 100, 20_000);
    const at = r.offered.map((o) => o.at);
    expect(at[0]).toBe(1300);
    for (let i = 1; i < at.length; i++) {
      // The wait runs from the end of the checkpoint before; the first call past it takes the next.
      expect((at[i] as number) - 300 - (at[i - 1] as number)).toBeGreaterThanOrEqual(6000);
      expect((at[i] as number) - 300 - (at[i - 1] as number)).toBeLessThan(6100);
    }
    expect(r.taking.stats().checkpointIntervalMs).toBe(6000);
    // The share of the thread checkpoints took stays at most maxLoad.
    const spent = r.taking.stats().checkpointTakeMs;
    expect(spent / ((at.at(-1) as number) - 1000)).toBeLessThanOrEqual(0.05 + 300 / 19_000);

    r.cost.ms = 5;
    const before = r.offered.length;
    drive(r, 100, 40_000);
    expect(r.taking.stats().checkpointIntervalMs).toBe(1000);
    // One more after the 6 s wait, then one a second.
    const cheap = r.offered.slice(before).map((o) => o.at);
    expect(cheap.length).toBeGreaterThan(10);
    for (let i = 1; i < cheap.length; i++) expect((cheap[i] as number) - (cheap[i - 1] as number)).toBe(1005);
  });

  it('ensures a drain (force) and an on-request node are not held back by the stretched wait', () => {
    const r = rig('periodic', 1000, 0.05);
    r.cost.ms = 500; // 10 s wait after each
    drive(r, 100, 1100);
    expect(r.offered).toHaveLength(1);
    r.taking.maybeTake(100, true);
    expect(r.offered).toHaveLength(2);

    const sink = rig('on-request', 1000, 0.05);
    sink.cost.ms = 500;
    sink.taking.request();
    sink.taking.maybeTake(1, false);
    sink.taking.request();
    sink.taking.maybeTake(2, false);
    expect(sink.offered.map((o) => o.position)).toEqual([1, 2]);
  });

  it('ensures no checkpoint is taken when the position has not moved since the last committed one', () => {
    const r = rig('periodic', 1000, 0.05);
    r.taking.maybeTake(-1, false);
    r.clock.now = 5000;
    r.taking.maybeTake(-1, false);
    expect(r.offered).toHaveLength(0);
  });
});
