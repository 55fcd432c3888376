import { describe, expect, it } from 'vitest';
import { orderEnhancerOe, orderEnhancerOeSettings } from '../../../../src/actors/nodes/oe/index.js';
import {
  OrderEnhancerStateError,
  withHeldRecords,
  type OrderEnhancerSnapshot,
} from '../../../../src/actors/nodes/oe/snapshot.js';
import { mergeSnapshots, splitSnapshot } from '../../../../src/actors/nodes/oe/snapshot-moves.js';
import { keyGroupOf, sessionKey } from '../../../../src/actors/routing/key-groups.js';
import { packValue, unpackValue } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { nodeEnv, recorded, recordingContext } from '../../../helpers/handler-context.js';
import { cdr, HOUR, last, Run, T0 } from './harness.js';
import { bySession, seedFromEnv, workload, type Step } from './workload.js';

const SEED = seedFromEnv();
const SETTINGS = { keyGroups: 64 };

function play(run: Run, steps: readonly Step[], each?: (i: number) => void): void {
  steps.forEach((step, i) => {
    if (step.kind === 'tick') run.tick(step.at);
    else run.batch(...step.records);
    each?.(i);
  });
}

/** Through msgpack, as a checkpoint stores it. */
function roundTrip(s: unknown): OrderEnhancerSnapshot {
  return unpackValue(packValue(s)) as OrderEnhancerSnapshot;
}

describe('snapshot and restore', () => {
  it(`ensures a restart from a snapshot after every step gives exactly the output of an undisturbed run (seed ${SEED})`, () => {
    const w = workload(SEED, { sessions: 300, window: 40, batch: 25 });
    const straight = new Run(SETTINGS);
    play(straight, w.steps);
    const restarted = new Run(SETTINGS);
    play(restarted, w.steps, () => restarted.restart());
    expect(restarted.out.emitted).toEqual(straight.out.emitted);
    expect(restarted.out.counts).toEqual(straight.out.counts);
    expect(restarted.duplicates).toEqual(straight.duplicates);
  });

  it(`ensures processed sessions spilled to disk at a small maxProcessedSessions give exactly the output of a run without limit, restarted after every step (seed ${SEED})`, () => {
    const w = workload(SEED, { sessions: 300, window: 40, batch: 25 });
    const straight = new Run(SETTINGS);
    play(straight, w.steps);
    const spilling = new Run({ ...SETTINGS, maxProcessedSessions: 20 });
    play(spilling, w.steps, () => spilling.restart());
    expect(spilling.out.emitted).toEqual(straight.out.emitted);
    expect(spilling.duplicates).toEqual(straight.duplicates);
    expect(spilling.out.alarmChanges.some((c) => c.name === 'processed_sessions_limit' && c.raised)).toBe(
      true,
    );
  });

  it('ensures open sessions, hold clocks and processed sessions survive a restart', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(1, 1), cdr(1, 3), last(1, 4), last(2, 1), cdr(3, 1, { type: 'sgsnPDPRecord' }));
    run.restart();
    expect(run.handler.held()).toBe(4);
    run.batch(last(2, 1), cdr(1, 3));
    expect(run.duplicates).toEqual({ late_duplicate: 1, in_session_duplicate: 1 });
    run.tick(T0 + 4 * HOUR);
    expect(run.emitted.map((r) => r['chargingId'])).toEqual([2, 3]);
    run.restart().tick(T0 + 24 * HOUR);
    expect(run.emitted.slice(2).map((r) => r['missingSequenceNumbers'])).toEqual(['2', '2', '2']);
  });

  it('ensures raised alarms are raised again after a restore', () => {
    const run = new Run({ maxOpenSessions: 1 }).tick(T0);
    run.batch(cdr(1, 1), cdr(1, 3), cdr(2, 1));
    const out = recorded();
    const handler = orderEnhancerOe.create(
      orderEnhancerOeSettings.parse({ maxOpenSessions: 1 }),
      nodeEnv('/x'),
    );
    void handler.init(roundTrip(run.handler.snapshot()));
    void handler.handleBatch([], recordingContext(out));
    expect([...out.alarms.keys()].sort()).toEqual(['incomplete_sessions', 'open_sessions_limit']);
  });

  it('ensures sessions of a record type no longer tracked are emitted, sorted, at the next call', () => {
    const run = new Run().tick(T0);
    const s = (seq: number) => cdr(5, seq, { type: 'sgsnPDPRecord' });
    run.batch(s(2), s(1), last(6, 1), cdr(7, 1));
    run.restart({ recordTypes: { timeout: [], passThrough: ['sgsnPDPRecord'] } });
    expect(run.handler.held()).toBe(3);
    const kept = (run.handler.snapshot() as OrderEnhancerSnapshot).groups.flatMap(([, gs]) => gs.sessions);
    expect(kept.filter((x) => x.recordType === 'sgsnPDPRecord').map((x) => x.records.length)).toEqual([2]);
    run.batch(s(1));
    expect(run.emitted.map((r) => `${String(r['chargingId'])}/${String(r['recordSequenceNumber'])}`)).toEqual(
      ['6/1', '5/1', '5/2', '5/1'],
    );
    expect(run.handler.held()).toBe(1);
  });

  it('ensures a malformed snapshot is refused with invalid_snapshot', () => {
    const handler = Run.create({});
    expect(() => handler.init({ version: 2 })).toThrow(OrderEnhancerStateError);
    const good = roundTrip(new Run().tick(T0).batch(cdr(1, 1)).handler.snapshot());
    const bad = structuredClone(good);
    (bad.groups[0]?.[1].sessions[0] as { keys: string[] }).keys.push('extra');
    // The session now lists two accepted records and holds one: its held records do not fit.
    expect(() => Run.create({}).init(bad)).toThrow(/expected heldRecords to fit the sessions/);
    const inline = withHeldRecords(good);
    const badInline = structuredClone(inline);
    (badInline.groups[0]?.[1].sessions[0] as { keys: string[] }).keys.push('extra');
    expect(() => Run.create({}).init(badInline)).toThrow(/expected sessions with recordType/);
    expect(() => Run.create({}).init({ ...good, heldRecords: new Uint8Array([0x92, 0x01]) })).toThrow(
      /expected heldRecords as a MessagePack array/,
    );
    try {
      Run.create({}).init({ ...good, groups: [[5000, good.groups[0]?.[1]]] });
      expect.unreachable();
    } catch (err) {
      expect((err as OrderEnhancerStateError).code).toBe('invalid_snapshot');
    }
  });
});

describe('key groups moving between actors', () => {
  it('ensures split and merge of a snapshot round-trip', () => {
    const w = workload(SEED, { sessions: 200 });
    const run = new Run(SETTINGS);
    play(run, w.steps.slice(0, Math.floor(w.steps.length / 2)));
    const snap = roundTrip(run.handler.snapshot());
    expect(snap.groups.length).toBeGreaterThan(10);
    const { kept, moved } = splitSnapshot(snap, (g) => g % 3 === 0);
    expect(kept.groups.every(([g]) => g % 3 === 0)).toBe(true);
    expect(moved.groups.every(([g]) => g % 3 !== 0)).toBe(true);
    expect(mergeSnapshots([moved, kept])).toEqual(withHeldRecords(snap));
    expect(() => mergeSnapshots([snap, kept])).toThrow(
      expect.objectContaining({ code: 'key_group_conflict' }),
    );
    expect(() => mergeSnapshots([kept, { ...moved, keyGroups: 65 }])).toThrow(
      expect.objectContaining({ code: 'key_groups_differ' }),
    );
  });

  it(`ensures moving some key groups with their state to another handler mid-stream gives the same output (seed ${SEED})`, () => {
    const w = workload(SEED, { sessions: 1500, window: 100 });
    const single = new Run(SETTINGS);
    play(single, w.steps);

    const attrs = ['chargingId', 'ggsnAddress'];
    const movedGroup = (g: number) => g % 4 === 1;
    const a = new Run(SETTINGS);
    const b = new Run(SETTINGS);
    let split = false;
    const middle = Math.floor(w.steps.length / 2);
    w.steps.forEach((step, i) => {
      if (i === middle) {
        const { kept, moved } = splitSnapshot(roundTrip(a.handler.snapshot()), (g) => !movedGroup(g));
        a.handler = Run.create(SETTINGS);
        a.handler.init(roundTrip(kept));
        b.handler = Run.create(SETTINGS);
        b.handler.init(roundTrip(mergeSnapshots([roundTrip(b.handler.snapshot()), moved])));
        // Held records move with their key groups: so does their share of the ledger.
        const movedHeld = moved.groups.reduce(
          (n, [, gs]) => n + gs.sessions.reduce((m, s) => m + s.records.length, 0),
          0,
        );
        a.inCount -= movedHeld;
        b.inCount += movedHeld;
        split = true;
      }
      if (step.kind === 'tick') {
        a.tick(step.at);
        b.tick(step.at);
        return;
      }
      const toA: Nar[] = [];
      const toB: Nar[] = [];
      for (const r of step.records) {
        const g = keyGroupOf(sessionKey(r, attrs), SETTINGS.keyGroups);
        (split && movedGroup(g) ? toB : toA).push(r);
      }
      if (toA.length > 0) a.batch(...toA);
      if (toB.length > 0) b.batch(...toB);
    });
    expect(b.emitted.length).toBeGreaterThan(0);
    const both = [...a.emitted, ...b.emitted];
    const expected = bySession(single.emitted);
    const actual = bySession(both);
    expect(actual.size).toBe(expected.size);
    for (const [session, uids] of expected) expect(actual.get(session), session).toEqual(uids);
    expect(a.out.counts.duplicates + b.out.counts.duplicates).toBe(single.out.counts.duplicates);
  });

  it('ensures a snapshot restored under another number of key groups regroups its state', () => {
    const w = workload(SEED, { sessions: 400 });
    const straight = new Run({ keyGroups: 16 });
    play(straight, w.steps);
    const regrouped = new Run({ keyGroups: 16 });
    const middle = Math.floor(w.steps.length / 2);
    play(regrouped, w.steps, (i) => {
      if (i === middle) regrouped.restart({ keyGroups: 256 });
    });
    const snap = regrouped.handler.snapshot() as OrderEnhancerSnapshot;
    expect(snap.keyGroups).toBe(256);
    for (const [g, gs] of snap.groups) {
      for (const p of gs.processed) for (const key of p.keys) expect(keyGroupOf(key, 256)).toBe(g);
    }
    const expected = bySession(straight.emitted);
    const actual = bySession(regrouped.emitted);
    for (const [session, uids] of expected) expect(actual.get(session), session).toEqual(uids);
    expect(regrouped.out.counts.duplicates).toBe(straight.out.counts.duplicates);
  });
});
