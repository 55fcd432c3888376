import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repartitionActors } from '../../../../src/actors/nodes/oe/repartition.js';
import type { OrderEnhancerSnapshot } from '../../../../src/actors/nodes/oe/snapshot.js';
import { keyGroupOf, sessionKey } from '../../../../src/actors/routing/key-groups.js';
import { packValue } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { cdr, HOUR, last, Run, T0 } from './harness.js';
import { seedFromEnv, workload } from './workload.js';

const SEED = seedFromEnv();
/** A chunk as soon as one entry is not in one. */
const EAGER = { minEntries: 1, liveShare: 0 };

const chunkFiles = (run: Run): string[] => {
  const dir = join(run.dir, 'oe-journal');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

/** Processed entries the snapshot holds itself (not in chunks). */
const ownEntries = (snap: unknown): number =>
  (snap as OrderEnhancerSnapshot).groups.reduce(
    (n, [, gs]) => n + gs.processed.reduce((m, p) => m + p.keys.length, 0),
    0,
  );

/** A snapshot as the runtime takes it, once the chunk it may have cut is durable. */
async function durableSnapshot(run: Run): Promise<unknown> {
  run.snapshot();
  await run.settled();
  return run.snapshot();
}

describe('journal of processed sessions', () => {
  it('ensures a checkpoint holds only the processed sessions since the last durable chunk, and a restart still knows them all', async () => {
    const run = new Run({ keyGroups: 4 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 100; s++) run.batch(last(s, 1));
    // The chunk cut at this snapshot is not durable yet: the snapshot holds every entry itself.
    const first = run.snapshot();
    expect(ownEntries(first)).toBe(100);
    expect((first as OrderEnhancerSnapshot).journal?.chunks).toEqual([]);
    await run.settled();
    const second = run.snapshot();
    expect(ownEntries(second)).toBe(0);
    expect((second as OrderEnhancerSnapshot).journal?.chunks).toEqual([1]);
    // Naming chunks, it is version 2: a build without journals refuses it instead of forgetting them.
    expect([(first as OrderEnhancerSnapshot).version, (second as OrderEnhancerSnapshot).version]).toEqual([
      1, 2,
    ]);
    expect(() =>
      Run.create({ keyGroups: 4 }).init({ ...(second as OrderEnhancerSnapshot), journal: undefined }),
    ).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    expect(packValue(second).length).toBeLessThan(packValue(first).length / 4);
    for (let s = 101; s <= 110; s++) run.batch(last(s, 1));
    expect(ownEntries(run.snapshot())).toBe(10);
    await run.settled();
    expect(chunkFiles(run)).toEqual(['1.npj', '2.npj']);
    run.restart();
    // Restored, the actor knows which entries are in chunks already.
    const again = run.snapshot();
    expect(ownEntries(again)).toBe(0);
    expect((again as OrderEnhancerSnapshot).journal?.chunks).toEqual([1, 2]);
    for (let s = 1; s <= 110; s++) run.batch(last(s, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 110 });
    expect(run.emitted).toHaveLength(110);
  });

  it(`ensures restarts from checkpoints with journal chunks give the output of a run without them (seed ${SEED})`, async () => {
    const w = workload(SEED, { sessions: 3000, duplicateRate: 0.05, window: 200 });
    const settings = { keyGroups: 16, processedWindowMs: 30 * 60_000, inactivityTimeoutMs: 120_000 };
    const plain = new Run(settings);
    const journaled = new Run(settings, undefined, { minEntries: 40, liveShare: 0.05 });
    let step = 0;
    let restarts = 0;
    let mostOwn = 0;
    for (const s of w.steps) {
      for (const run of [plain, journaled]) {
        if (s.kind === 'tick') run.tick(s.at);
        else run.batch(...s.records);
      }
      if (++step % 25 !== 0) continue;
      const snap = journaled.snapshot();
      mostOwn = Math.max(mostOwn, ownEntries(snap));
      await journaled.settled();
      if (step % 100 === 0) {
        journaled.restart();
        restarts++;
      }
    }
    expect(restarts).toBeGreaterThan(5);
    expect(journaled.emitted.map((r) => r['uid'])).toEqual(plain.emitted.map((r) => r['uid']));
    expect(journaled.duplicates).toEqual(plain.duplicates);
    expect(plain.duplicates['late_duplicate']).toBeGreaterThan(0);
    // Sessions fell out of the 30-minute window along the way: their chunks died and their files went.
    const files = chunkFiles(journaled);
    expect(files.length).toBeGreaterThan(0);
    expect(Number.parseInt(files[0] as string, 10)).toBeGreaterThan(5);
    // Whole (the plain run never reaches a chunk), the processed lists held far more than any checkpoint did.
    expect(mostOwn).toBeGreaterThan(0);
    expect(ownEntries(plain.handler.snapshot())).toBeGreaterThan(mostOwn * 2);
  });

  it('ensures chunks die as their sessions leave the window, and their files go once two committed checkpoints no longer name them', async () => {
    const run = new Run({ keyGroups: 2, processedWindowMs: HOUR }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 20; s++) run.batch(last(s, 1));
    await durableSnapshot(run);
    for (let s = 21; s <= 30; s++) run.batch(last(s, 1, { at: T0 + HOUR / 2 }));
    await durableSnapshot(run);
    expect(chunkFiles(run)).toEqual(['1.npj', '2.npj']);
    // An hour and a bit later in record time, sessions 1–20 are out of the window (both key groups).
    for (let s = 900; s < 910; s++) run.batch(cdr(s, 1, { at: T0 + HOUR + 2000 }));
    run.tick(T0 + 1000);
    const snap = run.snapshot();
    expect((snap as OrderEnhancerSnapshot).journal?.chunks).toEqual([2]);
    expect(chunkFiles(run)).toEqual(['1.npj', '2.npj']);
    run.snapshot();
    expect(chunkFiles(run)).toEqual(['2.npj']);
    run.restart();
    run.batch(last(5, 1, { at: T0 + HOUR + 2000 }), last(25, 1, { at: T0 + HOUR + 2000 }));
    // Session 5 left the window (a new session now); 25 is still a duplicate.
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
  });

  it('ensures sessions closed before their key group saw a record time take its first stamp from a chunk after a restart', async () => {
    const settings = { keyGroups: 1, processedWindowMs: HOUR };
    const noTime = (r: Nar): Nar => ({ ...r, recordOpeningTime: null });
    const plain = new Run(settings).tick(T0);
    const run = new Run(settings, undefined, EAGER).tick(T0);
    const both = (f: (r: Run) => void): void => {
      f(plain);
      f(run);
    };
    both((r) => r.batch(noTime(last(1, 1)), noTime(last(2, 1))));
    await durableSnapshot(run);
    // The group's first record time: the two pending sessions are stamped with it.
    both((r) => r.batch(last(3, 1, { at: T0 + 10 * 60_000 })));
    // The watermark moves on before the checkpoint: the stamp is the first one's, not the latest.
    both((r) => r.batch(cdr(4, 1, { at: T0 + 20 * 60_000 })));
    await durableSnapshot(run);
    run.restart();
    // 55 minutes after the stamp: still inside; 65 minutes after: out (a new session each).
    both((r) => r.batch(last(1, 1, { at: T0 + 65 * 60_000 })));
    both((r) => r.batch(last(2, 1, { at: T0 + 75 * 60_000 + 1000 })));
    expect(run.duplicates).toEqual(plain.duplicates);
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
    expect(run.emitted.map((r) => r['chargingId'])).toEqual(plain.emitted.map((r) => r['chargingId']));
  });

  it('ensures a spill gives up the chunks (their entries are on disk), and a restart after it still knows every session', async () => {
    const run = new Run({ keyGroups: 2, maxProcessedSessions: 30 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 20; s++) run.batch(last(s, 1));
    await durableSnapshot(run);
    expect(chunkFiles(run)).toEqual(['1.npj']);
    for (let s = 21; s <= 35; s++) run.batch(last(s, 1));
    expect(run.out.alarms.has('processed_sessions_limit')).toBe(true);
    for (let s = 36; s <= 40; s++) run.batch(last(s, 1));
    const snap = await durableSnapshot(run);
    expect((snap as OrderEnhancerSnapshot).journal?.chunks).toEqual([2]);
    expect(ownEntries(snap)).toBe(0);
    run.snapshot();
    expect(chunkFiles(run)).toEqual(['2.npj']);
    run.restart();
    for (let s = 1; s <= 40; s++) run.batch(last(s, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 40 });
  });

  it('ensures a spill while a chunk is being written voids that chunk, and the journal goes on with the next', async () => {
    const run = new Run({ keyGroups: 2, maxProcessedSessions: 30 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 20; s++) run.batch(last(s, 1));
    run.snapshot(); // cuts chunk 1
    for (let s = 21; s <= 35; s++) run.batch(last(s, 1)); // spills while chunk 1 is written
    await run.settled();
    expect((run.snapshot() as OrderEnhancerSnapshot).journal?.chunks).toEqual([]);
    // That snapshot cut chunk 2 (sessions 32–35, closed after the spill); 36–40 go in chunk 3.
    for (let s = 36; s <= 40; s++) run.batch(last(s, 1));
    await durableSnapshot(run);
    await run.settled();
    const snap = run.snapshot();
    expect((snap as OrderEnhancerSnapshot).journal?.chunks).toEqual([2, 3]);
    expect(ownEntries(snap)).toBe(0);
    run.restart();
    for (let s = 1; s <= 40; s++) run.batch(last(s, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 40 });
  });

  it('ensures a restart with another number of key groups reads the chunks, and keeps their files until newer checkpoints are committed', async () => {
    const run = new Run({ keyGroups: 4 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 50; s++) run.batch(last(s, 1));
    await durableSnapshot(run);
    run.restart({ keyGroups: 7 });
    expect(chunkFiles(run)).toEqual(['1.npj']);
    for (let s = 1; s <= 50; s++) run.batch(last(s, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 50 });
    const snap = run.snapshot();
    expect(ownEntries(snap)).toBe(50);
    await run.settled();
    run.snapshot();
    run.snapshot();
    expect(chunkFiles(run)).toEqual(['2.npj']);
  });

  it('ensures key groups moving between actors take the sessions of their journal chunks along', async () => {
    // Two actors, key groups placed by parity; then one actor takes them all.
    const runs = [0, 1].map(() => new Run({ keyGroups: 8 }, undefined, EAGER).tick(T0));
    const ownerOf = (r: Nar): Run =>
      runs[keyGroupOf(sessionKey(r, ['chargingId', 'ggsnAddress']), 8) % 2] as Run;
    for (let s = 1; s <= 40; s++) ownerOf(last(s, 1)).batch(last(s, 1));
    const states = [];
    for (const r of runs) states.push(await durableSnapshot(r));
    expect(states.map((st) => ownEntries(st))).toEqual([0, 0]);
    expect(states.every((st) => (st as OrderEnhancerSnapshot).journal?.chunks.length === 1)).toBe(true);
    const out = repartitionActors(
      states,
      { keyGroups: 8, actors: 1, ownerOf: new Array<number>(8).fill(0) },
      runs.map((r) => r.dir),
      86_400_000,
    );
    const merged = out.states[0] as OrderEnhancerSnapshot;
    expect(merged.journal?.chunks ?? []).toEqual([]);
    expect(ownEntries(merged)).toBe(40);
    const one = new Run({ keyGroups: 8 }, undefined, EAGER);
    one.handler = Run.create({ keyGroups: 8 }, one.dir, EAGER);
    void one.handler.init(merged);
    for (let s = 1; s <= 40; s++) one.batch(last(s, 1));
    expect(one.duplicates).toEqual({ late_duplicate: 40 });
  });

  it('ensures a chunk that cannot be written leaves its entries in the checkpoints', async () => {
    const run = new Run({ keyGroups: 2 }, undefined, EAGER).tick(T0);
    mkdirSync(run.dir, { recursive: true });
    writeFileSync(join(run.dir, 'oe-journal'), 'not a directory');
    for (let s = 1; s <= 10; s++) run.batch(last(s, 1));
    const snap = await durableSnapshot(run);
    expect((snap as OrderEnhancerSnapshot).journal?.chunks).toEqual([]);
    expect(ownEntries(snap)).toBe(10);
    // The disk is repaired; the next checkpoints go on from what memory holds.
    rmSync(join(run.dir, 'oe-journal'));
    run.restart();
    for (let s = 1; s <= 10; s++) run.batch(last(s, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 10 });
  });

  it('ensures a damaged or missing chunk is refused as invalid_snapshot, never read as other sessions', async () => {
    const run = new Run({ keyGroups: 2 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 10; s++) run.batch(last(s, 1));
    const snap = await durableSnapshot(run);
    const file = join(run.dir, 'oe-journal', '1.npj');
    const bytes = readFileSync(file);
    const restore = (): void => {
      const h = Run.create({ keyGroups: 2 }, run.dir, EAGER);
      void h.init(snap);
    };
    writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    expect(restore).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    writeFileSync(file, Buffer.concat([bytes, packValue([0, 'pGWRecord', ['x'], [1], [0]])]));
    expect(restore).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    rmSync(file);
    expect(restore).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    writeFileSync(file, bytes);
    expect(restore).not.toThrow();
  });
});
