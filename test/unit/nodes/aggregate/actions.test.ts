import { describe, expect, it } from 'vitest';
import { actionName, addValues, compareValues } from '../../../../src/actors/nodes/ap/actions.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { Run } from './harness.js';

/** Aggregates `values` of field `v` under one key with `action` and returns the emitted value. */
async function aggregateOne(action: string, values: Array<Nar[string] | undefined>): Promise<Nar> {
  const run = new Run({
    flushIntervalMs: 0,
    idleTimeoutMs: 0,
    rules: { key: ['k'], actions: [{ field: 'v', action }] },
  });
  await run.batch(...values.map((v): Nar => (v === undefined ? { k: 'a' } : { k: 'a', v })));
  await run.drain();
  expect(run.emitted).toHaveLength(1);
  return run.emitted[0] as Nar;
}

describe('aggregation action names', () => {
  it('ensures every documented spelling maps to its action, case-insensitively, and others do not', () => {
    expect(
      [
        'sum',
        'Accumulate',
        'MAX',
        'maximum',
        'min',
        'Minimum',
        'avg',
        'average',
        'count',
        'first',
        'Last',
      ].map(actionName),
    ).toEqual(['sum', 'sum', 'max', 'max', 'min', 'min', 'avg', 'avg', 'count', 'first', 'last']);
    expect(actionName('total')).toBeUndefined();
    expect(actionName('toString')).toBeUndefined();
  });
});

describe('addValues and compareValues', () => {
  it('ensures numbers add as numbers, and a bigint on either side gives a bigint', () => {
    expect(addValues(1, 2)).toBe(3);
    expect(addValues(1n, 2)).toBe(3n);
    expect(addValues(2, 1n)).toBe(3n);
    expect(addValues(2n ** 64n, 2n ** 64n)).toBe(2n ** 65n);
    expect(addValues(1.5, 2n)).toBe(3.5);
  });

  it('ensures numbers and bigints compare exactly and strings lexicographically', () => {
    expect(compareValues(2n ** 63n + 1n, 2 ** 63)).toBeGreaterThan(0);
    expect(compareValues(5, 5n)).toBe(0);
    expect(compareValues(-1n, 0.5)).toBeLessThan(0);
    expect(compareValues('b', 'ab')).toBeGreaterThan(0);
    expect(compareValues('a', 'a')).toBe(0);
  });
});

describe('each action on numbers, bigints and nulls', () => {
  it('ensures sum adds numbers, turns to bigint when a bigint joins, and skips null and missing values', async () => {
    expect((await aggregateOne('sum', [1, 2.5, null, undefined, 3])).v).toBe(6.5);
    expect((await aggregateOne('accumulate', [1, 2n, null, 3])).v).toBe(6n);
    expect((await aggregateOne('sum', [2n ** 62n, 2n ** 62n, 2n ** 62n])).v).toBe(3n * 2n ** 62n);
    expect((await aggregateOne('sum', [null, 4n])).v).toBe(4n);
    expect((await aggregateOne('sum', [null, undefined])).v).toBeNull();
  });

  it('ensures max and min compare numbers and bigints numerically and strings lexicographically, skipping nulls', async () => {
    expect((await aggregateOne('max', [3, 10n, null, 7])).v).toBe(10n);
    expect((await aggregateOne('maximum', [null, 2 ** 60, 2n ** 60n + 1n])).v).toBe(2n ** 60n + 1n);
    expect((await aggregateOne('min', [3, 10n, null, -7])).v).toBe(-7);
    expect((await aggregateOne('minimum', ['2024-05-01T10:00', null, '2024-04-30T23:59'])).v).toBe(
      '2024-04-30T23:59',
    );
    expect((await aggregateOne('max', ['b', 'ab', 'ba'])).v).toBe('ba');
    expect((await aggregateOne('max', [null])).v).toBeNull();
  });

  it('ensures avg emits sum / count of the non-null values as a number', async () => {
    expect((await aggregateOne('avg', [1, 2, null, 6])).v).toBe(3);
    expect((await aggregateOne('average', [1n, 2n])).v).toBe(1.5);
    expect((await aggregateOne('avg', [null, 4n, 5])).v).toBe(4.5);
    expect((await aggregateOne('avg', [null, null])).v).toBeNull();
  });

  it('ensures count is the number of NARs merged, nulls included', async () => {
    expect((await aggregateOne('count', [1, null, undefined, 'x'])).v).toBe(4);
    expect((await aggregateOne('count', [undefined])).v).toBe(1);
  });

  it('ensures first keeps the first non-null value and last the last non-null value', async () => {
    expect((await aggregateOne('first', [null, 5n, 6, null])).v).toBe(5n);
    expect((await aggregateOne('last', [5n, 'seven', null, undefined])).v).toBe('seven');
    expect((await aggregateOne('first', [undefined, false, true])).v).toBe(false);
  });

  it('ensures a value an action cannot take is quarantined as invalid_value and leaves the aggregate as it was', async () => {
    const run = new Run({
      flushIntervalMs: 0,
      idleTimeoutMs: 0,
      rules: {
        key: ['k'],
        actions: [
          { field: 'bytes', action: 'sum' },
          { field: 'top', action: 'max' },
        ],
      },
    });
    await run.batch(
      { k: 'a', bytes: 10n, top: 3 },
      { k: 'a', bytes: '20', top: 4 },
      { k: 'a', bytes: 5n, top: 'z' },
      { k: 'a', bytes: Number.NaN },
      { k: 'a', top: true },
      { k: 'a', bytes: 1n, top: 9 },
    );
    expect(run.out.quarantined.map((q) => [q.reason, q.detail])).toEqual([
      ['invalid_value', { attribute: 'bytes', action: 'sum', expected: 'a number or bigint' }],
      [
        'invalid_value',
        { attribute: 'top', action: 'max', expected: 'a number or bigint, like the earlier values' },
      ],
      ['invalid_value', { attribute: 'bytes', action: 'sum', expected: 'a number or bigint' }],
      ['invalid_value', { attribute: 'top', action: 'max', expected: 'a number, bigint or string' }],
    ]);
    await run.drain();
    expect(run.emitted).toEqual([{ k: 'a', bytes: 11n, top: 9, narId: 'agg-p0-1', aggregatedCount: 2 }]);
  });
});
