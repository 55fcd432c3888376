import { afterEach, describe, expect, it } from 'vitest';
import {
  OrderedPool,
  OrderedPoolError,
  PoolClosedError,
  PoolTaskError,
  type PoolTaskRef,
} from '../../../src/actors/runtime/ordered-pool.js';
import { fixtureTasks, type SleepInput, type SleepOutput } from './fixtures/tasks.mjs';

const fixtureModule = new URL('./fixtures/tasks.mjs', import.meta.url);
const sleepTask: PoolTaskRef<SleepInput, SleepOutput> = {
  name: 'sleep',
  module: fixtureModule,
  run: fixtureTasks.sleep,
};

const open: { close(): Promise<void> }[] = [];
function pool<T, R>(task: PoolTaskRef<T, R>, threads: number, maxInFlight: number): OrderedPool<T, R> {
  const p = new OrderedPool({ task, threads, maxInFlight });
  open.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

async function collect<T, R>(p: OrderedPool<T, R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of p) out.push(r);
  return out;
}

describe.each([
  ['threads', 2],
  ['inline', 0],
])('ordered pool (%s)', (_mode, threads) => {
  it('ensures a throwing task rejects only its own result, in its place, and later results still arrive', async () => {
    const p = pool(sleepTask, threads, 2);
    for (const input of [
      { id: 0, ms: 5 },
      { id: 1, ms: 0, fail: true },
      { id: 2, ms: 0 },
      { id: 3, ms: 0, fail: true },
      { id: 4, ms: 0 },
    ]) {
      await p.submit(input);
    }
    expect((await p.next()).id).toBe(0);
    const err = await p.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PoolTaskError);
    expect(err).toMatchObject({
      code: 'task_failed',
      task: 'sleep',
      sequence: 1,
      failure: { name: 'FixtureError', code: 'fixture_failure', message: 'task 1 fails as asked' },
    });
    expect((await p.next()).id).toBe(2);
    await expect(p.next()).rejects.toMatchObject({ code: 'task_failed', sequence: 3 });
    expect((await p.next()).id).toBe(4);
    expect(p.pending).toBe(0);
  });

  it('ensures next() with no submitted task rejects with nothing_pending instead of waiting forever', async () => {
    const p = pool(sleepTask, threads, 1);
    await expect(p.next()).rejects.toMatchObject({ code: 'nothing_pending' });
    await p.submit({ id: 0, ms: 0 });
    expect((await p.next()).id).toBe(0);
    await expect(p.next()).rejects.toBeInstanceOf(OrderedPoolError);
  });
});

describe('ordered pool on threads', () => {
  it('ensures results come back in submission order when threads finish in another order', async () => {
    const latch = new Int32Array(new SharedArrayBuffer(4));
    const p = pool(sleepTask, 3, 6);
    // Task 0 finishes only after tasks 1–3 have; the others take different times.
    await p.submit({ id: 0, ms: 5000, latch, awaitLatch: 3 });
    for (const [i, ms] of [20, 0, 8, 3, 1].entries()) await p.submit({ id: i + 1, ms, latch });
    const results = await collect(p);
    expect(results.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    const finishOrder = [...results].sort((a, b) => a.finishedAt - b.finishedAt).map((r) => r.id);
    expect(finishOrder.indexOf(0)).toBeGreaterThanOrEqual(3);
  });

  it('ensures never more than maxInFlight tasks run at once, and submit() resolves only when there is room', async () => {
    const gauge = new Int32Array(new SharedArrayBuffer(8));
    const p = pool(sleepTask, 4, 2);
    const submitted: Promise<void>[] = [];
    const dispatched: number[] = [];
    for (let id = 0; id < 6; id++) {
      const s = p.submit({ id, ms: 30, gauge });
      void s.then(() => dispatched.push(id));
      submitted.push(s);
      expect(p.inFlight).toBeLessThanOrEqual(2);
    }
    expect(p.queued).toBe(4);
    await Promise.all(submitted.slice(0, 2));
    await Promise.resolve();
    expect(dispatched).toEqual([0, 1]);
    await Promise.all(submitted);
    expect(dispatched).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await collect(p)).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Atomics.load(gauge, 1)).toBeLessThanOrEqual(2);
    expect(Atomics.load(gauge, 1)).toBeGreaterThanOrEqual(1);
    expect(Atomics.load(gauge, 0)).toBe(0);
  });

  it('ensures a slow task holds back dispatch, so results waiting behind it never exceed maxInFlight', async () => {
    const latch = new Int32Array(new SharedArrayBuffer(4));
    const p = pool(sleepTask, 3, 2);
    // Task 0 would finish early if task 2 could run beside it; with a window of 2 it cannot.
    const submitted = [
      p.submit({ id: 0, ms: 150, latch, awaitLatch: 2 }),
      p.submit({ id: 1, ms: 0, latch }),
      p.submit({ id: 2, ms: 0, latch }),
    ];
    await Promise.all(submitted);
    const [slow, , third] = await collect(p);
    expect(third?.finishedAt).toBeGreaterThan(slow?.finishedAt ?? Infinity);
  });

  it('ensures a thread that dies rejects its task with thread_failed and the pool keeps serving', async () => {
    const p = pool(sleepTask, 1, 2);
    await p.submit({ id: 0, ms: 0, exitCode: 3 });
    await p.submit({ id: 1, ms: 0 });
    await expect(p.next()).rejects.toMatchObject({ code: 'thread_failed', task: 'sleep', sequence: 0 });
    expect((await p.next()).id).toBe(1);
  });

  it('ensures close() rejects results asked for, results not yet asked for and waiting submits with pool_closed', async () => {
    const p = pool(sleepTask, 2, 1);
    await p.submit({ id: 0, ms: 50 });
    const first = p.next();
    const waitingSubmit = p.submit({ id: 1, ms: 0 });
    const second = p.next();
    const notAskedFor = p.submit({ id: 2, ms: 0 });
    const rejections = Promise.all([
      expect(first).rejects.toBeInstanceOf(PoolClosedError),
      expect(first).rejects.toMatchObject({ code: 'pool_closed', task: 'sleep' }),
      expect(second).rejects.toMatchObject({ code: 'pool_closed' }),
      expect(waitingSubmit).rejects.toMatchObject({ code: 'pool_closed' }),
      expect(notAskedFor).rejects.toMatchObject({ code: 'pool_closed' }),
    ]);
    await p.close();
    await rejections;
    await expect(p.next()).rejects.toMatchObject({ code: 'pool_closed' });
    await expect(p.submit({ id: 3, ms: 0 })).rejects.toMatchObject({ code: 'pool_closed' });
    expect(p.closed).toBe(true);
  });

  it('ensures a task name the module does not register fails its result with unknown_task', async () => {
    const p = pool({ ...sleepTask, name: 'nap' }, 1, 1);
    await p.submit({ id: 0, ms: 0 });
    await expect(p.next()).rejects.toMatchObject({
      code: 'task_failed',
      failure: { code: 'unknown_task' },
    });
  });
});

describe('ordered pool inline', () => {
  it('ensures close() rejects results that ran inline but were not yet handed out', async () => {
    const p = pool(sleepTask, 0, 1);
    await p.submit({ id: 0, ms: 0 });
    await p.submit({ id: 1, ms: 0 });
    expect((await p.next()).id).toBe(0);
    await p.close();
    await expect(p.next()).rejects.toMatchObject({ code: 'pool_closed' });
    await expect(p.submit({ id: 2, ms: 0 })).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('ordered pool options', () => {
  it('ensures invalid options are all reported at once, before any thread starts', () => {
    expect(() => new OrderedPool({ task: sleepTask, threads: -1, maxInFlight: 0 })).toThrow(
      /threads: expected integer 0–64, got -1; maxInFlight: expected integer ≥ 1, got 0/,
    );
  });

  it('ensures a missing compiled task module is reported when the pool is created', () => {
    const task = { ...sleepTask, module: new URL('./fixtures/absent.mjs', import.meta.url) };
    expect(() => new OrderedPool({ task, threads: 1, maxInFlight: 1 })).toThrow(
      expect.objectContaining({ code: 'module_missing' }),
    );
  });
});
