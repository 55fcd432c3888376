import { describe, expect, it } from 'vitest';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { prng } from '../../../helpers/narflow-process.js';
import { flow, IP_FLOW_RULES, Run } from './harness.js';

const SETTINGS = {
  flowEnd: 'end == true',
  flushIntervalMs: 5_000,
  idleTimeoutMs: 4_000,
  maxKeys: 5,
  rules: {
    key: ['srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol'],
    actions: [
      { field: 'bytes', action: 'sum' },
      { field: 'lastSeen', action: 'max' },
      { field: 'rtt', action: 'min' },
      { field: 'mean', action: 'avg' },
      { field: 'n', action: 'count' },
      { field: 'cell', action: 'first' },
      { field: 'cause', action: 'last' },
    ],
  },
};

type Step = { kind: 'batch'; records: Nar[] } | { kind: 'tick'; at: number };

/** A seeded stream of batches and ticks over 8 keys, with flow ends, nulls, bigints and bad records. */
function stream(seed: number, steps: number): Step[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out: Step[] = [];
  let now = 10_000;
  for (let i = 0; i < steps; i++) {
    if (rnd() < 0.3) {
      now += Math.floor(rnd() * 3_000);
      out.push({ kind: 'tick', at: now });
      continue;
    }
    const records: Nar[] = [];
    const n = 1 + Math.floor(rnd() * 5);
    for (let j = 0; j < n; j++) {
      const r = flow(1 + Math.floor(rnd() * 8), pick([10n, 2n ** 60n, 7, null, 1.5]), {
        lastSeen: Math.floor(rnd() * 1000),
        rtt: pick([3, 1n, null, 9.25]),
        mean: pick([1, 2n, null]),
        cell: pick(['a', 'b', null]),
        cause: pick([0, 18, null]),
        end: rnd() < 0.1,
      });
      const mistake = rnd();
      if (mistake < 0.03) delete r['protocol'];
      else if (mistake < 0.06) r['bytes'] = 'lots';
      records.push(r);
    }
    out.push({ kind: 'batch', records });
  }
  return out;
}

async function play(run: Run, steps: readonly Step[]): Promise<void> {
  for (const s of steps) {
    if (s.kind === 'batch') await run.batch(...s.records);
    else await run.tick(s.at);
  }
}

describe('aggregate-ap snapshot and restore', () => {
  it.each([11, 29, 4242])(
    'ensures a restart from a snapshot at any step gives the same output as an uninterrupted run (seed %i)',
    async (seed) => {
      const steps = stream(seed, 120);
      const whole = new Run(SETTINGS);
      await play(whole, steps);
      await whole.drain();
      expect(whole.emitted.length).toBeGreaterThan(20);
      expect(whole.out.quarantined.length).toBeGreaterThan(0);

      for (let cut = 0; cut <= steps.length; cut += 3) {
        const split = new Run(SETTINGS);
        await play(split, steps.slice(0, cut));
        await split.restart();
        split.out.alarms.clear(); // a restarted worker starts with no alarms
        await play(split, steps.slice(cut));
        await split.drain();
        expect(split.emitted, `restart after step ${cut}`).toEqual(whole.emitted);
        expect(split.out.quarantined).toEqual(whole.out.quarantined);
        expect(split.out.counts).toEqual(whole.out.counts);
        expect(split.handler.snapshot()).toEqual(whole.handler.snapshot());
        expect([...split.out.alarms]).toEqual([...whole.out.alarms]);
      }
    },
  );

  it('ensures the snapshot is plain data that keeps insertion and recency order', async () => {
    const run = new Run({ flushIntervalMs: 0, idleTimeoutMs: 0, rules: IP_FLOW_RULES });
    await run.tick(500);
    await run.batch(flow(1, 1n), flow(2, 2n), flow(1, 3n));
    const snap = run.handler.snapshot() as { entries: Array<{ record: Nar }>; recency: number[] };
    expect(
      JSON.parse(JSON.stringify(snap, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))),
    ).toEqual({
      version: 1,
      rules: IP_FLOW_RULES,
      seq: 1,
      lastTick: 500,
      capAlarm: false,
      entries: [
        {
          record: { ...flow(1, null), bytes: '4n', packets: '2n' },
          pending: 2,
          updatedAt: 500,
          avgSum: null,
          avgCount: null,
        },
        {
          record: { ...flow(2, null), bytes: '2n', packets: '1n' },
          pending: 1,
          updatedAt: 500,
          avgSum: null,
          avgCount: null,
        },
      ],
      recency: [1, 0],
    });
    // Restored order: port 2 is the least recently updated, so the cap evicts it first.
    await run.restart({ flushIntervalMs: 0, idleTimeoutMs: 0, maxKeys: 2, rules: IP_FLOW_RULES });
    await run.batch(flow(3, 3n));
    expect(run.emitted.map((r) => r['srcPort'])).toEqual([2]);
  });

  it('ensures aggregates restored under changed rules are emitted by their old rules at the next call', async () => {
    const run = new Run({ flushIntervalMs: 0, idleTimeoutMs: 0, rules: IP_FLOW_RULES });
    await run.batch(flow(1, 1n), flow(1, 2n), flow(2, 5n));
    const byPort = { key: ['srcPort'], actions: [{ field: 'bytes', action: 'max' }] };
    await run.restart({ flushIntervalMs: 0, idleTimeoutMs: 0, rules: byPort });
    expect(run.handler.held()).toBe(2);
    expect((run.handler.snapshot() as { rules: unknown }).rules).toEqual(IP_FLOW_RULES);
    await run.batch(flow(1, 7n), flow(1, 4n));
    expect(run.emitted.map((r) => [r['srcPort'], r['bytes'], r['aggregatedCount']])).toEqual([
      [1, 3n, 2],
      [2, 5n, 1],
    ]);
    await run.drain();
    expect(run.emitted.slice(2).map((r) => [r['srcPort'], r['bytes'], r['aggregatedCount']])).toEqual([
      [1, 7n, 2],
    ]);
  });

  it('ensures flushOnDrain: false keeps the aggregates held across a drain', async () => {
    const run = new Run({ flushIntervalMs: 0, idleTimeoutMs: 0, flushOnDrain: false, rules: IP_FLOW_RULES });
    await run.batch(flow(1, 1n));
    await run.drain();
    expect(run.emitted).toEqual([]);
    expect(run.handler.held()).toBe(1);
  });

  it('ensures a snapshot that is not an aggregate-ap snapshot is refused with a coded error', async () => {
    const run = new Run({ flushIntervalMs: 0, idleTimeoutMs: 0, rules: IP_FLOW_RULES });
    expect(() => run.handler.init({ version: 2 })).toThrow(
      expect.objectContaining({
        code: 'invalid_snapshot',
        message: 'aggregate snapshot: expected version 1 with rules, entries, recency and seq',
      }),
    );
  });
});
