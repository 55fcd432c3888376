import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repartitionActors } from '../../../../src/actors/nodes/oe/repartition.js';
import type { OrderEnhancerSnapshot } from '../../../../src/actors/nodes/oe/snapshot.js';
import { keyGroupOf, sessionKey } from '../../../../src/actors/routing/key-groups.js';
import { packValue, unpackValues } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { cdr, ids, last, Run, T0 } from './harness.js';
import { seedFromEnv, workload } from './workload.js';

const SEED = seedFromEnv();
/** A chunk as soon as one session is dirty. */
const EAGER = { minEntries: 1, liveShare: 0 };
const MINUTE = 60_000;

const chunkFiles = (run: Run): string[] => {
  const dir = join(run.dir, 'oe-sessions');
  return existsSync(dir)
    ? readdirSync(dir).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    : [];
};

const snap = (v: unknown): OrderEnhancerSnapshot => v as OrderEnhancerSnapshot;

/** Open sessions the snapshot holds itself (not in chunks). */
const ownSessions = (v: unknown): number => snap(v).groups.reduce((n, [, gs]) => n + gs.sessions.length, 0);

/** A snapshot as the runtime takes it, once the chunks it may have cut are durable. */
async function durableSnapshot(run: Run): Promise<unknown> {
  run.snapshot();
  await run.settled();
  return run.snapshot();
}

describe('journal of open sessions', () => {
  it('ensures a checkpoint holds only the open sessions changed since their last durable chunk, and a restart gets every one back', async () => {
    const plain = new Run({ keyGroups: 4 }).tick(T0);
    const run = new Run({ keyGroups: 4 }, undefined, EAGER).tick(T0);
    const both = (f: (r: Run) => void): void => [plain, run].forEach(f);
    both((r) => {
      for (let s = 1; s <= 100; s++) r.batch(cdr(s, 1), cdr(s, 2));
    });
    // The chunk cut at this snapshot is not durable yet: the snapshot carries its bytes, and is whole.
    const first = run.snapshot();
    expect(ownSessions(first)).toBe(0);
    expect(snap(first).sessionJournal?.chunks).toEqual([]);
    expect(snap(first).sessionJournal?.pending).toBeInstanceOf(Uint8Array);
    const elsewhere = Run.create({ keyGroups: 4 });
    void elsewhere.init(snap(first));
    expect(elsewhere.held()).toBe(200);
    await run.settled();
    const second = run.snapshot();
    expect(ownSessions(second)).toBe(0);
    expect(snap(second).sessionJournal?.chunks).toEqual([1]);
    expect(snap(second).sessionJournal?.pending).toBeUndefined();
    // With session chunks, it is version 3: a build without them refuses it instead of losing them.
    expect([snap(first).version, snap(second).version]).toEqual([3, 3]);
    for (const taken of [first, second]) {
      expect(() => Run.create({ keyGroups: 4 }).init({ ...snap(taken), sessionJournal: undefined })).toThrow(
        expect.objectContaining({ code: 'invalid_snapshot' }),
      );
    }
    expect(packValue(second).length).toBeLessThan(packValue(first).length / 10);
    // Ten sessions change: the checkpoint holds those ten (in the chunk it cuts).
    both((r) => {
      for (let s = 1; s <= 10; s++) r.batch(cdr(s, 3));
    });
    const third = run.snapshot();
    expect(packValue(third).length).toBeLessThan(packValue(first).length / 5);
    // Two more change while that chunk is written: the checkpoint holds those two itself.
    both((r) => {
      for (let s = 11; s <= 12; s++) r.batch(cdr(s, 3));
    });
    expect(ownSessions(run.snapshot())).toBe(2);
    await run.settled();
    // The next chunk takes them.
    const fourth = run.snapshot();
    expect(ownSessions(fourth)).toBe(0);
    expect(snap(fourth).sessionJournal?.chunks).toEqual([1, 2]);
    await run.settled();
    run.restart();
    expect(run.handler.held()).toBe(212);
    const again = run.snapshot();
    expect(ownSessions(again)).toBe(0);
    expect(snap(again).sessionJournal?.chunks).toEqual([1, 2, 3]);
    // Every session still de-duplicates and completes: same output as a run never restarted.
    both((r) => {
      for (let s = 1; s <= 100; s++) r.batch(cdr(s, 2), last(s, s <= 12 ? 4 : 3));
    });
    expect(ids(run.emitted)).toEqual(ids(plain.emitted));
    expect(run.emitted).toHaveLength(312);
    expect(run.duplicates).toEqual({ in_session_duplicate: 100 });
    expect(run.handler.held()).toBe(0);
  });

  it('ensures a session closed after a chunk took it stays closed after restarts (tombstones), and its key may open again', async () => {
    const settings = { keyGroups: 2, processedWindowMs: 60 * MINUTE };
    const run = new Run(settings, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 20; s++) run.batch(cdr(s, 1));
    await durableSnapshot(run);
    // Sessions 1–5 complete: their versions are in chunk 1, so the next chunk holds tombstones.
    for (let s = 1; s <= 5; s++) run.batch(last(s, 2));
    expect(snap(run.snapshot()).sessionJournal?.pending).toBeDefined();
    // Sessions 6–8 complete while it is written: the checkpoint holds their tombstones itself.
    for (let s = 6; s <= 8; s++) run.batch(last(s, 2));
    const withTombstones = run.snapshot();
    expect(snap(withTombstones).sessionJournal?.closed).toHaveLength(3);
    run.restart();
    expect(run.handler.held()).toBe(12);
    expect(run.emitted).toHaveLength(16);
    // Once a durable chunk holds the tombstones, checkpoints no longer do.
    await durableSnapshot(run);
    const later = run.snapshot();
    expect(snap(later).sessionJournal?.closed).toEqual([]);
    expect(ownSessions(later)).toBe(0);
    run.restart();
    expect(run.handler.held()).toBe(12);
    for (let s = 1; s <= 8; s++) run.batch(last(s, 2));
    expect(run.duplicates).toEqual({ late_duplicate: 8 });
    // Past the processed window, session 1's key opens a new session, in a later chunk than its tombstone.
    run.batch(cdr(1, 1, { at: T0 + 70 * MINUTE }));
    await durableSnapshot(run);
    run.restart();
    expect(run.handler.held()).toBe(13);
    run.batch(last(1, 2, { at: T0 + 70 * MINUTE }));
    expect(ids(run.emitted.slice(-2))).toEqual(['1/1', '1/2']);
  });

  it(`ensures restarts from checkpoints with session chunks give the output of a run without them (seed ${SEED})`, async () => {
    const w = workload(SEED, { sessions: 2000, duplicateRate: 0.05, window: 200 });
    // A long S-CDR timeout keeps many sessions open across checkpoints.
    const settings = { keyGroups: 16, inactivityTimeoutMs: 30 * MINUTE, maxHoldMs: 60 * MINUTE };
    const plain = new Run(settings);
    const journaled = new Run(settings, undefined, { minEntries: 20, liveShare: 0.05 });
    let step = 0;
    let restarts = 0;
    let mostChunks = 0;
    let lastTick = T0;
    let quietOpen = 0;
    for (const s of w.steps) {
      if (s.kind === 'tick' && s.at > lastTick + 60 * MINUTE && quietOpen === 0) {
        // The records are in; S-CDR sessions wait for their timeout: in chunks, not in the checkpoint,
        // but for fewer than minEntries a compaction may have just taken again (too few to cut a chunk).
        await durableSnapshot(journaled);
        const own = ownSessions(journaled.snapshot());
        expect(own).toBeLessThan(20);
        quietOpen = ownSessions(plain.handler.snapshot());
        journaled.restart();
      }
      if (s.kind === 'tick') lastTick = s.at;
      for (const run of [plain, journaled]) {
        if (s.kind === 'tick') run.tick(s.at);
        else run.batch(...s.records);
      }
      if (++step % 10 !== 0) continue;
      const taken = journaled.snapshot();
      mostChunks = Math.max(mostChunks, snap(taken).sessionJournal?.chunks.length ?? 0);
      await journaled.settled();
      if (step % 40 === 0) {
        journaled.restart();
        restarts++;
      }
    }
    expect(restarts).toBeGreaterThan(5);
    expect(journaled.emitted.map((r) => r['uid'])).toEqual(plain.emitted.map((r) => r['uid']));
    expect(journaled.duplicates).toEqual(plain.duplicates);
    expect(journaled.handler.held()).toBe(plain.handler.held());
    expect(mostChunks).toBeGreaterThan(1);
    // Old chunks died along the way.
    expect(Number.parseInt(chunkFiles(journaled)[0] ?? '0', 10)).toBeGreaterThan(3);
    expect(quietOpen).toBeGreaterThan(20);
    expect(journaled.handler.held()).toBe(0);
  });

  it('ensures a long-quiet session does not keep old chunks: the oldest chunk is compacted and its file goes', async () => {
    const settings = { keyGroups: 2, maxHoldMs: 10 * MINUTE, inactivityTimeoutMs: 20 * MINUTE };
    const scdr = (id: number, seq: number): Nar => cdr(id, seq, { type: 'sgsnPDPRecord' });
    const run = new Run(settings, undefined, EAGER).tick(T0);
    // S-CDR sessions 2 and 3: past maxHoldMs a copy flushes them, so they hold nothing.
    run.batch(scdr(2, 1), scdr(3, 1));
    run.tick(T0 + 11 * MINUTE).batch(scdr(2, 1), scdr(3, 1));
    // Session 1 is open and quiet for the rest of the test; one chunk takes all three.
    run.batch(cdr(1, 1));
    await durableSnapshot(run);
    // 2 and 3 time out unchanged since that chunk: closed while it holds their latest version.
    run.tick(T0 + 20.5 * MINUTE);
    // Many short sessions come and go, each taken by a chunk while open.
    for (let round = 0; round < 30; round++) {
      for (let s = 0; s < 10; s++) run.batch(cdr(1000 + round * 10 + s, 1));
      await durableSnapshot(run);
      for (let s = 0; s < 10; s++) run.batch(last(1000 + round * 10 + s, 2));
      await durableSnapshot(run);
    }
    const files = chunkFiles(run);
    expect(files.length).toBeLessThan(8);
    expect(files).not.toContain('1.nsj');
    const taken = run.snapshot();
    expect(ownSessions(taken)).toBeLessThanOrEqual(1);
    run.restart();
    expect(run.handler.held()).toBe(1);
    run.batch(last(1, 2));
    expect(ids(run.emitted.slice(-2))).toEqual(['1/1', '1/2']);
    expect(run.emitted).toHaveLength(604);
    // Sessions 2 and 3 stayed closed through the compaction of their chunk.
    run.batch(scdr(2, 1), scdr(3, 1));
    expect(run.duplicates).toEqual({ in_session_duplicate: 2, late_duplicate: 2 });
  });

  it('ensures changes without a new record (a flush on a duplicate, the first tick) reach the chunks too', async () => {
    const settings = { keyGroups: 2, maxHoldMs: 10 * MINUTE, inactivityTimeoutMs: 60 * MINUTE };
    const scdr = (id: number, seq: number): Nar => cdr(id, seq, { type: 'sgsnPDPRecord' });
    // Opened before the first tick: the first tick starts its clocks.
    const run = new Run(settings, undefined, EAGER);
    run.batch(scdr(1, 1), scdr(1, 2));
    await durableSnapshot(run);
    run.tick(T0);
    await durableSnapshot(run);
    run.restart();
    run.tick(T0 + MINUTE);
    expect(run.emitted).toHaveLength(0);
    // Past maxHoldMs a copy of a record arrives: the held records go out, and stay out after a restart.
    run.tick(T0 + 11 * MINUTE);
    run.batch(scdr(1, 2));
    expect(ids(run.emitted)).toEqual(['1/1', '1/2']);
    await durableSnapshot(run);
    run.restart();
    expect(run.handler.held()).toBe(0);
    run.tick(T0 + 2 * 60 * MINUTE);
    expect(run.emitted).toHaveLength(2);
    expect(run.duplicates).toEqual({ in_session_duplicate: 1 });
  });

  it('ensures sessions of a record type no longer tracked are emitted once, not again after the next restart', async () => {
    const run = new Run({ keyGroups: 2 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 5; s++) run.batch(cdr(s, 1, { type: 'sGWRecord' }), cdr(100 + s, 1));
    await durableSnapshot(run);
    const untracked = { keyGroups: 2, recordTypes: { complete: ['pGWRecord'] } };
    run.restart(untracked);
    run.tick(T0 + 1000);
    expect(run.emitted.map((r) => r['recordType'])).toEqual(new Array(5).fill('sGWRecord'));
    await durableSnapshot(run);
    run.restart(untracked);
    run.tick(T0 + 2000);
    expect(run.emitted).toHaveLength(5);
    expect(run.handler.held()).toBe(5);
  });

  it('ensures a restart with another number of key groups reads the chunks, and keeps their files until newer checkpoints are committed', async () => {
    const run = new Run({ keyGroups: 4 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 30; s++) run.batch(cdr(s, 1));
    await durableSnapshot(run);
    run.restart({ keyGroups: 7 });
    expect(chunkFiles(run)).toEqual(['1.nsj']);
    expect(run.handler.held()).toBe(30);
    // Regrouped, every session is dirty: the next chunk takes them all.
    const taken = run.snapshot();
    expect(snap(taken).sessionJournal?.chunks).toEqual([]);
    expect(snap(taken).sessionJournal?.pending).toBeDefined();
    await run.settled();
    run.snapshot();
    run.snapshot();
    expect(chunkFiles(run)).toEqual(['2.nsj']);
    for (let s = 1; s <= 30; s++) run.batch(cdr(s, 1), last(s, 2));
    expect(run.duplicates).toEqual({ in_session_duplicate: 30 });
    expect(run.emitted).toHaveLength(60);
  });

  it('ensures key groups moving between actors take the open sessions of their chunks along', async () => {
    const runs = [0, 1].map(() => new Run({ keyGroups: 8 }, undefined, EAGER).tick(T0));
    const ownerOf = (r: Nar): Run =>
      runs[keyGroupOf(sessionKey(r, ['chargingId', 'ggsnAddress']), 8) % 2] as Run;
    for (let s = 1; s <= 40; s++) ownerOf(cdr(s, 1)).batch(cdr(s, 1));
    const states = [];
    for (const r of runs) states.push(await durableSnapshot(r));
    expect(states.map((st) => ownSessions(st))).toEqual([0, 0]);
    const out = repartitionActors(
      states,
      { keyGroups: 8, actors: 1, ownerOf: new Array<number>(8).fill(0) },
      runs.map((r) => r.dir),
      86_400_000,
    );
    const merged = snap(out.states[0]);
    expect(merged.sessionJournal?.chunks ?? []).toEqual([]);
    expect(ownSessions(merged)).toBe(40);
    expect(out.held).toEqual([40]);
    const one = new Run({ keyGroups: 8 }, undefined, EAGER);
    one.handler = Run.create({ keyGroups: 8 }, one.dir, EAGER);
    void one.handler.init(merged);
    one.inCount = 40; // the held records came in through the two actors
    for (let s = 1; s <= 40; s++) one.batch(last(s, 2));
    expect(one.emitted).toHaveLength(80);
  });

  it('ensures a chunk that cannot be written leaves its sessions in the checkpoints', async () => {
    const run = new Run({ keyGroups: 2 }, undefined, EAGER).tick(T0);
    mkdirSync(run.dir, { recursive: true });
    writeFileSync(join(run.dir, 'oe-sessions'), 'not a directory');
    for (let s = 1; s <= 10; s++) run.batch(cdr(s, 1));
    const taken = await durableSnapshot(run);
    expect(snap(taken).sessionJournal?.chunks).toEqual([]);
    await run.settled();
    // Each checkpoint holds the sessions (the bytes of the chunk it tried again): whole anywhere.
    const elsewhere = Run.create({ keyGroups: 2 });
    void elsewhere.init(taken);
    expect(elsewhere.held()).toBe(10);
    rmSync(join(run.dir, 'oe-sessions'));
    run.restart();
    expect(run.handler.held()).toBe(10);
    for (let s = 1; s <= 10; s++) run.batch(last(s, 2));
    expect(run.emitted).toHaveLength(20);
  });

  it('ensures a damaged or missing chunk is refused as invalid_snapshot, never read as other sessions', async () => {
    const run = new Run({ keyGroups: 2 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 10; s++) run.batch(cdr(s, 1));
    const taken = await durableSnapshot(run);
    const file = join(run.dir, 'oe-sessions', '1.nsj');
    const bytes = readFileSync(file);
    const restore = (): void => {
      const h = Run.create({ keyGroups: 2 }, run.dir, EAGER);
      void h.init(taken);
    };
    writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    expect(restore).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    writeFileSync(file, Buffer.concat([bytes, packValue([0, { recordType: 'pGWRecord', key: 'x' }])]));
    expect(restore).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    rmSync(file);
    expect(restore).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    writeFileSync(file, bytes);
    expect(restore).not.toThrow();
  });

  it('ensures a chunk written before held records were kept packed (version 1, records in each session) is still read, and a version 2 chunk whose records do not fit its sessions is refused', async () => {
    const run = new Run({ keyGroups: 2 }, undefined, EAGER).tick(T0);
    for (let s = 1; s <= 10; s++) run.batch(cdr(s, 1), cdr(s, 3));
    for (let s = 1; s <= 4; s++) run.batch(cdr(s, 2));
    const taken = await durableSnapshot(run);
    const file = join(run.dir, 'oe-sessions', '1.nsj');
    const bytes = readFileSync(file);
    const [header, closed, sessions, records] = unpackValues(bytes) as [
      { version: number; records: number },
      unknown[],
      Array<[number, { keys: string[]; emitted: number; records: Nar[] }]>,
      Nar[],
    ];
    expect(header.version).toBe(2);
    expect(header.records).toBe(24);
    expect(records).toHaveLength(24);
    const outputAfterRestore = (): unknown[] => {
      const h = new Run({ keyGroups: 2 });
      h.handler = Run.create({ keyGroups: 2 }, run.dir, EAGER);
      void h.handler.init(taken);
      expect(h.handler.held()).toBe(24);
      h.inCount = 24;
      for (let s = 1; s <= 10; s++) h.batch(last(s, 4));
      // Sessions 1–4 are complete; 5–10 lack record 2 and go out at the end of their hold.
      expect(h.emitted).toHaveLength(16);
      h.tick(T0 + 48 * 60 * MINUTE);
      expect(h.handler.held()).toBe(0);
      return h.emitted;
    };
    const fromV2 = outputAfterRestore();
    expect(fromV2).toHaveLength(34);
    let at = 0;
    const v1Sessions = sessions.map(([g, s]) => {
      const n = s.keys.length - s.emitted;
      at += n;
      return [g, { ...s, records: records.slice(at - n, at) }];
    });
    writeFileSync(
      file,
      Buffer.concat([
        packValue({ version: 1, closed: closed.length, sessions: sessions.length }),
        packValue(closed),
        packValue(v1Sessions),
      ]),
    );
    expect(outputAfterRestore()).toEqual(fromV2);
    const restore = (): void => void Run.create({ keyGroups: 2 }, run.dir, EAGER).init(taken);
    const v2 = (held: Nar[], count = held.length): Buffer =>
      Buffer.concat([
        packValue({ ...header, records: count }),
        packValue(closed),
        packValue(sessions),
        packValue(held),
      ]);
    writeFileSync(file, v2(records.slice(1)));
    expect(restore).toThrow(/held records are not all there/);
    writeFileSync(file, v2(records.slice(1), 24));
    expect(restore).toThrow(expect.objectContaining({ code: 'invalid_snapshot' }));
    writeFileSync(file, v2([...records, records[0] as Nar]));
    expect(restore).toThrow(/1 held records belong to no session/);
    writeFileSync(file, bytes);
    expect(restore).not.toThrow();
  });
});
