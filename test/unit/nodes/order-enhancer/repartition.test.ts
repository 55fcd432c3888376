import { describe, expect, it } from 'vitest';
import { orderEnhancerOe, orderEnhancerOeSettings } from '../../../../src/actors/nodes/oe/index.js';
import { repartitionSnapshots } from '../../../../src/actors/nodes/oe/repartition.js';
import type { OrderEnhancerSnapshot } from '../../../../src/actors/nodes/oe/snapshot.js';
import type { KeyGroupPlacement } from '../../../../src/actors/nodes/registry.js';
import { HashRing } from '../../../../src/actors/routing/hash-ring.js';
import { keyGroupOf, sessionKey } from '../../../../src/actors/routing/key-groups.js';
import { packValue, unpackValue } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { Run } from './harness.js';
import { bySession, seedFromEnv, workload, type Step } from './workload.js';

const SEED = seedFromEnv();
const ATTRS = ['chargingId', 'ggsnAddress'];

function placement(actors: number, keyGroups: number): KeyGroupPlacement {
  const ids = Array.from({ length: actors }, (_, i) => `dedup.${i}`);
  const ownerOf =
    actors === 1 ? new Array<number>(keyGroups).fill(0) : new HashRing(ids, 16).assignIndexes(keyGroups);
  return { keyGroups, actors, ownerOf };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Several actors behind session routing, repartitioned once, at step `at`. */
interface Layout {
  readonly actors: number;
  readonly keyGroups: number;
  /** maxProcessedSessions: small values make the actors spill processed sessions to disk. */
  readonly maxProcessed?: number;
}

const settingsOf = (l: Layout) => ({
  keyGroups: l.keyGroups,
  ...(l.maxProcessed === undefined ? {} : { maxProcessedSessions: l.maxProcessed }),
});

function playRepartitioned(
  steps: readonly Step[],
  before: Layout,
  after: Layout,
  at: number,
): { runs: Run[]; moved: number[][] } {
  let place = placement(before.actors, before.keyGroups);
  let runs = Array.from({ length: before.actors }, () => new Run(settingsOf(before)));
  let moved: number[][] = [];
  steps.forEach((step, i) => {
    if (i === at) {
      const states = runs.map((r) => unpackValue(packValue(r.snapshot())));
      const heldBefore = runs.map((r) => r.handler.held());
      if (before.maxProcessed !== undefined) {
        // The state being moved is partly on disk.
        expect(states.some((st) => ((st as OrderEnhancerSnapshot).spill?.segments.length ?? 0) > 0)).toBe(
          true,
        );
      }
      place = placement(after.actors, after.keyGroups);
      const repartition = orderEnhancerOe.repartition as NonNullable<typeof orderEnhancerOe.repartition>;
      const result = repartition(
        orderEnhancerOeSettings.parse(settingsOf(after)),
        states,
        { ...place, actors: Math.max(after.actors, runs.length) },
        runs.map((r) => r.dir),
      );
      moved = result.moved;
      // Every old actor's held records went somewhere; every new actor holds what came to it.
      moved.forEach((row, from) => expect(sum(row), `held of old actor ${from}`).toBe(heldBefore[from]));
      result.held.forEach((h, to) => expect(sum(moved.map((row) => row[to] ?? 0)), `held of ${to}`).toBe(h));
      const next: Run[] = [];
      for (let a = 0; a < Math.max(after.actors, runs.length); a++) {
        const old = runs[a];
        const run = new Run(settingsOf(after), old?.dir);
        if (old !== undefined) {
          // The actor keeps its output and counters; its held records moved (ledger movedIn/movedOut).
          run.out.emitted.push(...old.out.emitted);
          run.out.channels.push(...old.out.channels);
          Object.assign(run.out.counts, old.out.counts);
          Object.assign(run.out.duplicates, old.out.duplicates);
          run.inCount = old.inCount - (heldBefore[a] as number);
        }
        void old?.handler.terminate?.('repartition');
        run.handler = Run.create(settingsOf(after), run.dir);
        run.handler.init(unpackValue(packValue(result.states[a])));
        run.inCount += result.held[a] as number;
        run.expectBalanced();
        next.push(run);
      }
      runs = next;
    }
    if (step.kind === 'tick') {
      for (const r of runs) r.tick(step.at);
      return;
    }
    const parts = runs.map((): Nar[] => []);
    for (const r of step.records) {
      const owner = place.ownerOf[keyGroupOf(sessionKey(r, ATTRS), place.keyGroups)] as number;
      parts[owner]?.push(r);
    }
    parts.forEach((records, a) => {
      if (records.length > 0) runs[a]?.batch(...records);
    });
  });
  return { runs, moved };
}

describe('repartition of order-enhancer state', () => {
  for (const [name, before, after] of [
    ['3 actors → 5 actors', { actors: 3, keyGroups: 64 }, { actors: 5, keyGroups: 64 }],
    ['4 actors → 2 actors', { actors: 4, keyGroups: 64 }, { actors: 2, keyGroups: 64 }],
    ['1 actor → 3 actors', { actors: 1, keyGroups: 64 }, { actors: 3, keyGroups: 64 }],
    [
      '4 actors over 64 key groups → 3 actors over 256',
      { actors: 4, keyGroups: 64 },
      { actors: 3, keyGroups: 256 },
    ],
    [
      '3 actors spilling processed sessions to disk → 4 actors',
      { actors: 3, keyGroups: 64, maxProcessed: 40 },
      { actors: 4, keyGroups: 64, maxProcessed: 40 },
    ],
  ] as const) {
    it(`ensures ${name} mid-stream gives the output and duplicate counts of one undisturbed actor (seed ${SEED})`, () => {
      const w = workload(SEED, { sessions: 1200, window: 100 });
      const single = new Run({ keyGroups: 64 });
      for (const step of w.steps) {
        if (step.kind === 'tick') single.tick(step.at);
        else single.batch(...step.records);
      }
      const { runs, moved } = playRepartitioned(w.steps, before, after, Math.floor(w.steps.length / 2));
      // Some held records really moved between actors.
      expect(sum(moved.flatMap((row, from) => row.filter((_, to) => to !== from)))).toBeGreaterThan(0);
      const all = runs.flatMap((r) => r.emitted);
      const expected = bySession(single.emitted);
      const actual = bySession(all);
      expect(actual.size).toBe(expected.size);
      for (const [session, uids] of expected) expect(actual.get(session), session).toEqual(uids);
      expect(sum(runs.map((r) => r.out.counts.duplicates))).toBe(single.out.counts.duplicates);
      // Retired actor slots (past the new partitions) hold nothing.
      for (const r of runs.slice(after.actors)) expect(r.handler.held()).toBe(0);
    });
  }

  it('ensures every new actor gets the merged tick time, list stamps and alarms, and only its key groups', () => {
    const w = workload(SEED, { sessions: 300 });
    const runs = [new Run({ keyGroups: 32 }), new Run({ keyGroups: 32 })];
    const before = placement(2, 32);
    for (const step of w.steps.slice(0, 200)) {
      if (step.kind === 'tick') runs.forEach((r) => r.tick(step.at));
      else
        for (const r of step.records) {
          runs[before.ownerOf[keyGroupOf(sessionKey(r, ATTRS), 32)] as number]?.batch(r);
        }
    }
    const states = runs.map((r) => r.handler.snapshot() as OrderEnhancerSnapshot);
    const to = placement(3, 32);
    const result = repartitionSnapshots(states, to);
    const out = result.states as OrderEnhancerSnapshot[];
    expect(out).toHaveLength(3);
    for (const [a, s] of out.entries()) {
      expect(s.lastTick).toBe(Math.max(...states.map((x) => x.lastTick ?? 0)));
      expect(s.order).toBe(Math.max(...states.map((x) => x.order)));
      for (const [g] of s.groups) expect(to.ownerOf[g]).toBe(a);
    }
    const groups = (ss: readonly OrderEnhancerSnapshot[]) =>
      ss.flatMap((s) => s.groups).sort((x, y) => x[0] - y[0]);
    expect(groups(out)).toEqual(groups(states));
  });

  it('ensures actors without state give empty actors, and a bad placement is refused', () => {
    expect(repartitionSnapshots([undefined, null], placement(3, 8))).toEqual({
      states: [null, null, null],
      held: [0, 0, 0],
      moved: [
        [0, 0, 0],
        [0, 0, 0],
      ],
    });
    expect(() => repartitionSnapshots([], { keyGroups: 4, actors: 2, ownerOf: [0, 1, 2, 0] })).toThrow(
      /expected an owner 0–1 for each of 4 key groups/,
    );
    expect(() => repartitionSnapshots([], { keyGroups: 4, actors: 2, ownerOf: [0, 1] })).toThrow(
      expect.objectContaining({ code: 'invalid_snapshot' }),
    );
    expect(() => repartitionSnapshots([{ version: 9 }], placement(2, 8))).toThrow(
      expect.objectContaining({ code: 'invalid_snapshot' }),
    );
  });
});
