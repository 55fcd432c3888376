import { describe, expect, it } from 'vitest';
import { aggregateAp } from '../../../../src/actors/nodes/ap/aggregate.js';
import { loadRegistry } from '../../../../src/actors/nodes/load.js';
import { unpackValue } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { flow, IP_FLOW_RULES, Run } from './harness.js';

const NO_TIMERS = { flushIntervalMs: 0, idleTimeoutMs: 0 };
const bytesOf = (records: readonly Nar[]) =>
  records.map((r) => [r['srcPort'], r['bytes'], r['aggregatedCount']]);

describe('aggregate-ap registration', () => {
  it('ensures the built-in registry holds aggregate-ap as an AP node with the seed rule-file parser', async () => {
    const type = (await loadRegistry([])).get('aggregate-ap');
    expect(type).toBe(aggregateAp);
    expect(type?.kind).toBe('AP');
    expect(type?.parseRulesFile).toBeTypeOf('function');
  });
});

describe('aggregate-ap merging and emission', () => {
  it('ensures the first NAR of a key is kept and later ones only change the action fields', async () => {
    const run = new Run({ ...NO_TIMERS, rules: IP_FLOW_RULES });
    await run.batch(
      flow(1, 100n, { narId: 'in-1', apn: 'internet', lastSeen: 5 }),
      flow(1, 50n, { narId: 'in-2', apn: 'ims', lastSeen: 9, packets: 4n }),
    );
    expect(run.emitted).toEqual([]);
    expect(run.handler.held()).toBe(1);
    expect(run.out.counts.merged).toBe(1);
    await run.drain();
    expect(run.emitted).toEqual([
      {
        ...flow(1, 150n, { apn: 'internet', lastSeen: 9, packets: 5n }),
        narId: 'agg-p0-1',
        aggregatedCount: 2,
      },
    ]);
  });

  it('ensures a flow-end NAR is merged, its aggregate emitted and removed, and the key starts afresh', async () => {
    const run = new Run({ ...NO_TIMERS, flowEnd: 'causeForRecClosing == 0', rules: IP_FLOW_RULES });
    await run.batch(
      flow(1, 10n, { causeForRecClosing: 18 }),
      flow(2, 1n, { causeForRecClosing: 0 }),
      flow(1, 20n, { causeForRecClosing: 18 }),
      flow(1, 30n, { causeForRecClosing: 0 }),
      flow(1, 7n, { causeForRecClosing: 18 }),
    );
    expect(bytesOf(run.emitted)).toEqual([
      [2, 1n, 1],
      [1, 60n, 3],
    ]);
    expect(run.emitted.map((r) => r['narId'])).toEqual(['agg-p0-1', 'agg-p0-2']);
    expect(run.handler.held()).toBe(1);
    await run.drain();
    expect(bytesOf(run.emitted.slice(2))).toEqual([[1, 7n, 1]]);
  });

  it('ensures the periodic flush emits aggregates with new NARs in insertion order and re-initialises their action fields', async () => {
    const run = new Run({
      flushIntervalMs: 60_000,
      idleTimeoutMs: 0,
      rules: {
        key: ['srcPort'],
        actions: [
          { field: 'bytes', action: 'sum' },
          { field: 'lastSeen', action: 'max' },
          { field: 'n', action: 'count' },
          { field: 'mean', action: 'avg' },
        ],
      },
    });
    await run.tick(1_000);
    await run.batch(
      flow(1, 100n, { apn: 'a', mean: 2 }),
      flow(2, 10n, { mean: 4 }),
      flow(1, 200n, { mean: 4 }),
    );
    await run.tick(59_999);
    expect(run.emitted).toEqual([]);
    await run.tick(60_000);
    // Insertion order: port 1 first, though port 2 was updated less recently.
    expect(
      run.emitted.map((r) => [r['srcPort'], r['bytes'], r['n'], r['mean'], r['aggregatedCount']]),
    ).toEqual([
      [1, 300n, 2, 3, 2],
      [2, 10n, 1, 4, 1],
    ]);
    expect(run.handler.held()).toBe(0);

    // Re-initialised: the next NAR of port 1 starts the action fields again; its other attributes
    // stay the first NAR's. Port 2 got nothing new and is not emitted again.
    await run.batch(flow(1, 5n, { apn: 'b', lastSeen: 1, mean: null }));
    await run.tick(119_000);
    expect(run.emitted).toHaveLength(2);
    await run.tick(120_000);
    expect(run.emitted.slice(2)).toEqual([
      {
        ...flow(1, 5n, { apn: 'a', lastSeen: 1 }),
        n: 1,
        mean: null,
        narId: 'agg-p0-3',
        aggregatedCount: 1,
      },
    ]);
    await run.tick(240_000);
    expect(run.emitted).toHaveLength(3);
  });

  it('ensures an aggregate idle for idleTimeoutMs of tick time is emitted and removed, and entries from before the first tick age from it', async () => {
    const run = new Run({ flushIntervalMs: 0, idleTimeoutMs: 5_000, rules: IP_FLOW_RULES });
    await run.batch(flow(9, 9n));
    await run.tick(100_000);
    await run.batch(flow(1, 10n));
    await run.tick(103_000);
    await run.batch(flow(2, 20n), flow(1, 1n));
    await run.tick(104_999);
    expect(run.emitted).toEqual([]);
    await run.tick(105_000);
    expect(bytesOf(run.emitted)).toEqual([[9, 9n, 1]]);
    await run.tick(107_999);
    expect(run.emitted).toHaveLength(1);
    await run.tick(108_000);
    expect(bytesOf(run.emitted)).toEqual([
      [9, 9n, 1],
      [2, 20n, 1],
      [1, 11n, 2],
    ]);
    expect(run.handler.held()).toBe(0);
    await run.batch(flow(1, 4n));
    await run.drain();
    expect(bytesOf(run.emitted.slice(3))).toEqual([[1, 4n, 1]]);
  });

  it('ensures a flushed aggregate that goes idle is removed without a second emission', async () => {
    const run = new Run({ flushIntervalMs: 1_000, idleTimeoutMs: 3_000, rules: IP_FLOW_RULES });
    await run.tick(0);
    await run.batch(flow(1, 10n, { apn: 'first' }));
    await run.tick(1_000);
    expect(run.emitted).toHaveLength(1);
    await run.tick(3_000);
    expect(run.emitted).toHaveLength(1);
    // Removed: the next NAR of the key opens a new aggregate with its own attributes.
    await run.batch(flow(1, 5n, { apn: 'second' }));
    await run.tick(4_000);
    expect(run.emitted.map((r) => [r['apn'], r['bytes']])).toEqual([
      ['first', 10n],
      ['second', 5n],
    ]);
  });

  it('ensures ticks never move time back', async () => {
    const run = new Run({ flushIntervalMs: 0, idleTimeoutMs: 1_000, rules: IP_FLOW_RULES });
    await run.tick(5_000);
    await run.batch(flow(1, 1n));
    await run.tick(2_000);
    await run.batch(flow(1, 1n));
    await run.tick(5_999);
    expect(run.emitted).toEqual([]);
    await run.tick(6_000);
    expect(bytesOf(run.emitted)).toEqual([[1, 2n, 2]]);
  });
});

describe('aggregate-ap key cap', () => {
  it('ensures a new key over the cap emits the least recently updated aggregate, raises the alarm once and clears it below 90%', async () => {
    const run = new Run({ ...NO_TIMERS, maxKeys: 3, flowEnd: 'end == true', rules: IP_FLOW_RULES });
    await run.batch(flow(1, 1n), flow(2, 2n), flow(3, 3n), flow(1, 10n));
    expect(run.out.alarmChanges).toEqual([]);
    await run.batch(flow(4, 4n));
    expect(bytesOf(run.emitted)).toEqual([[2, 2n, 1]]);
    expect(run.out.alarmChanges).toEqual([
      { name: 'open_keys_cap', raised: true, detail: '3 keys open, cap 3' },
    ]);
    await run.batch(flow(5, 5n), flow(6, 6n));
    expect(bytesOf(run.emitted)).toEqual([
      [2, 2n, 1],
      [3, 3n, 1],
      [1, 11n, 2],
    ]);
    expect(run.out.alarmChanges).toHaveLength(1);
    await run.batch(flow(4, 40n, { end: true }));
    expect(run.out.alarms.has('open_keys_cap')).toBe(false);
    expect(run.out.alarmChanges.at(-1)).toEqual({ name: 'open_keys_cap', raised: false, detail: '' });
    await run.drain();
    // Nothing lost: every input byte is in exactly one emitted aggregate.
    const total = run.emitted.reduce((s, r) => s + (r['bytes'] as bigint), 0n);
    expect(total).toBe(1n + 2n + 3n + 10n + 4n + 5n + 6n + 40n);
    expect(run.emitted.reduce((s, r) => s + (r['aggregatedCount'] as number), 0)).toBe(run.inCount);
  });

  it('ensures the cap alarm survives a restart and is raised again at the next call', async () => {
    const run = new Run({ ...NO_TIMERS, maxKeys: 1, rules: IP_FLOW_RULES });
    await run.batch(flow(1, 1n), flow(2, 2n));
    expect(run.out.alarms.get('open_keys_cap')).toBe('1 keys open, cap 1');
    await run.restart();
    run.out.alarms.clear(); // a restarted worker starts with no alarms
    await run.tick(1);
    expect(run.out.alarms.get('open_keys_cap')).toBe('1 keys open, cap 1');
  });
});

describe('aggregate-ap emitted ids, keys and quarantine', () => {
  it('ensures emitted NARs get <node>-p<partition>-<seq> in idAttribute and keep the first NAR id as data', async () => {
    const run = new Run({ ...NO_TIMERS, idAttribute: 'flowId', rules: IP_FLOW_RULES }, 'flows', 3);
    await run.batch(flow(1, 1n, { narId: 'a' }), flow(2, 2n, { narId: 'b' }), flow(1, 1n, { narId: 'c' }));
    await run.drain();
    expect(run.emitted.map((r) => [r['flowId'], r['narId']])).toEqual([
      ['flows-p3-1', 'a'],
      ['flows-p3-2', 'b'],
    ]);
  });

  it('ensures rules that aggregate aggregatedCount keep their own result (second-level aggregation)', async () => {
    const run = new Run({
      ...NO_TIMERS,
      rules: {
        key: ['srcIp'],
        actions: [
          { field: 'bytes', action: 'sum' },
          { field: 'aggregatedCount', action: 'sum' },
        ],
      },
    });
    await run.batch(flow(1, 10n, { aggregatedCount: 3 }), flow(2, 5n, { aggregatedCount: 4 }));
    await run.drain();
    expect(run.emitted.map((r) => [r['bytes'], r['aggregatedCount']])).toEqual([[15n, 7]]);
  });

  it('ensures a NAR missing a key attribute is quarantined with the attribute named', async () => {
    const run = new Run({ ...NO_TIMERS, rules: IP_FLOW_RULES });
    const { dstPort: _dropped, ...noPort } = flow(1, 10n);
    await run.batch(flow(1, 1n), noPort, flow(1, 2n));
    expect(run.out.quarantined.map((q) => [q.reason, q.detail])).toEqual([
      ['missing_key', { attribute: 'dstPort' }],
    ]);
    await run.drain();
    expect(bytesOf(run.emitted)).toEqual([[1, 3n, 2]]);
  });

  it('ensures the quarantined raw bytes are the msgpack of the record', async () => {
    const run = new Run({ ...NO_TIMERS, rules: { key: ['k'], actions: [{ field: 'v', action: 'sum' }] } });
    const raws: Array<Uint8Array | string> = [];
    const ctx = { ...run.ctx, quarantine: (raw: Uint8Array | string) => void raws.push(raw) };
    await run.handler.handleBatch([{ v: 2n, other: 'x' }], ctx);
    expect(raws.map((r) => unpackValue(r as Uint8Array))).toEqual([{ v: 2n, other: 'x' }]);
  });

  it('ensures equal numbers and bigints share a key, strings do not, and null is a key value', async () => {
    const run = new Run({
      ...NO_TIMERS,
      rules: { key: ['a', 'b'], actions: [{ field: 'v', action: 'count' }] },
    });
    await run.batch(
      { a: 5, b: null, v: 1 },
      { a: 5n, b: null, v: 1 },
      { a: '5', b: null, v: 1 },
      { a: 2 ** 70, b: true, v: 1 },
      { a: 2n ** 70n, b: true, v: 1 },
      { a: 5, b: 'x', v: 1 },
      // Concatenation must not collide: ("ab", "c") vs ("a", "bc").
      { a: 'ab', b: 'c', v: 1 },
      { a: 'a', b: 'bc', v: 1 },
      { a: 0.5, b: false, v: 1 },
      { a: -0, b: false, v: 1 },
      { a: 0n, b: false, v: 1 },
    );
    await run.drain();
    expect(run.emitted.map((r) => r['v'])).toEqual([2, 1, 2, 1, 1, 1, 1, 2]);
  });
});
