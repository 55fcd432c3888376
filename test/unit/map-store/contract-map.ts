/** The map half of the store contract: every MapStore implementation must pass it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MapStoreError } from '../../../src/cluster/map-store/errors.js';
import type { MapNode } from '../../../src/cluster/map-store/types.js';
import { collect, node, nodesOf, replay, type OpenHarness, type StoreHarness } from './harness.js';

async function rejection(promise: Promise<unknown>): Promise<MapStoreError> {
  const err = await promise.then(
    () => new Error('expected a rejection, the call succeeded'),
    (e: unknown) => e,
  );
  if (err instanceof MapStoreError) return err;
  throw err;
}

export function mapContract(name: string, open: OpenHarness): void {
  describe(`${name}: map contract`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      const errors = [...h.errors];
      await h.cleanup();
      expect(errors).toEqual([]);
    });

    it('ensures an empty map reads as version 0 with no nodes', async () => {
      expect(await h.store.get()).toEqual({ version: 0, nodes: {} });
    });

    it('ensures compare-and-set at the current version replaces all nodes and bumps the version by 1', async () => {
      const first = nodesOf(node('a', { x: 1 }), node('b', { settings: { y: [1, 'two', null, true] } }));
      expect(await h.store.compareAndSet(0, first)).toEqual({ ok: true, version: 1 });
      const second = nodesOf(node('c'));
      expect(await h.store.compareAndSet(1, second)).toEqual({ ok: true, version: 2 });
      expect(await h.store.get()).toEqual({ version: 2, nodes: second });
    });

    it('ensures compare-and-set at a stale version changes nothing and reports the current version', async () => {
      await h.store.compareAndSet(0, nodesOf(node('a')));
      expect(await h.store.compareAndSet(0, nodesOf(node('b')))).toEqual({ ok: false, currentVersion: 1 });
      expect(await h.store.compareAndSet(5, nodesOf(node('b')))).toEqual({ ok: false, currentVersion: 1 });
      expect(await h.store.get()).toEqual({ version: 1, nodes: nodesOf(node('a')) });
    });

    it('ensures nodes stored under another key than their id, or holding non-JSON values, are refused', async () => {
      const misfiled = { a: node('b') };
      expect((await rejection(h.store.compareAndSet(0, misfiled))).code).toBe('invalid_node');
      const notJson = { a: { id: 'a', at: new Date(0) } } as unknown as Record<string, MapNode>;
      const err = await rejection(h.store.compareAndSet(0, notJson));
      expect(err.code).toBe('invalid_node');
      expect(err.message).toContain('nodes["a"].at: expected a JSON value');
      const nan = { a: { id: 'a', n: NaN } };
      expect((await rejection(h.store.compareAndSet(0, nan))).code).toBe('invalid_node');
      expect((await rejection(h.store.compareAndSet(-1, {}))).code).toBe('invalid_version');
      expect(await h.store.get()).toEqual({ version: 0, nodes: {} });
    });

    it('ensures 10 concurrent updates of one counter all land exactly once', async () => {
      await h.store.compareAndSet(0, nodesOf(node('ctr', { n: 0 })));
      const bump = (map: { nodes: Record<string, MapNode> }) => {
        const n = map.nodes['ctr']?.['n'];
        if (typeof n !== 'number') throw new Error(`expected a number counter, got ${String(n)}`);
        return nodesOf(node('ctr', { n: n + 1 }));
      };
      const results = await Promise.all(Array.from({ length: 10 }, () => h.store.update(bump)));
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(await h.store.get()).toEqual({ version: 11, nodes: nodesOf(node('ctr', { n: 10 })) });
    });

    it('ensures update gives up with update_conflict after its bounded number of attempts', async () => {
      let calls = 0;
      const err = await rejection(
        h.store.update(
          async (map) => {
            calls += 1;
            await h.store.compareAndSet(map.version, map.nodes); // another writer wins every race
            return nodesOf(node('mine'));
          },
          { maxAttempts: 3 },
        ),
      );
      expect(err.code).toBe('update_conflict');
      expect(calls).toBe(3);
      expect((await h.store.get()).nodes).toEqual({});
    });

    it('ensures a watcher receives every version in order with the nodes added, removed and changed', async () => {
      const w = await collect(h.store);
      const a1 = node('a', { x: 1, tags: ['p', 'q'] });
      const b1 = node('b', { cfg: { k: 1, j: 2 } });
      await h.store.compareAndSet(0, nodesOf(a1, b1));
      await w.until(1);
      const a2 = node('a', { x: 2, tags: ['p', 'q'] });
      const b1Reordered: MapNode = { cfg: { j: 2, k: 1 }, id: 'b' };
      await h.store.compareAndSet(1, nodesOf(b1Reordered, a2));
      await w.until(2);
      const c1 = node('c');
      await h.store.compareAndSet(2, nodesOf(b1Reordered, c1));
      await w.until(3);
      await w.stop();
      expect(w.changes).toEqual([
        { from: 0, to: 1, added: [a1, b1], removed: [], changed: [], notices: [] },
        { from: 1, to: 2, added: [], removed: [], changed: [{ before: a1, after: a2 }], notices: [] },
        { from: 2, to: 3, added: [c1], removed: ['a'], changed: [], notices: [] },
      ]);
      expect(w.errors).toEqual([]);
    });

    it('ensures a burst of writes reaches a watcher as a gapless chain of versions ending in the final map', async () => {
      const w = await collect(h.store);
      for (let i = 1; i <= 8; i++) {
        const nodes = nodesOf(node('n', { i }), ...(i % 2 === 0 ? [node(`even-${i}`)] : []));
        expect(await h.store.compareAndSet(i - 1, nodes)).toEqual({ ok: true, version: i });
      }
      await w.until(8);
      await w.stop();
      expect(w.changes[0]?.from).toBe(0);
      w.changes.forEach((c, i) => {
        expect(c.to).toBeGreaterThan(c.from);
        if (i > 0) expect(c.from).toBe(w.changes[i - 1]?.to);
      });
      expect(w.changes.at(-1)?.to).toBe(8);
      expect(replay({}, w.changes)).toEqual((await h.store.get()).nodes);
      expect(w.errors).toEqual([]);
    });

    it('ensures a watcher started later sees only the versions committed after it started', async () => {
      await h.store.compareAndSet(0, nodesOf(node('a')));
      await h.store.compareAndSet(1, nodesOf(node('a'), node('b')));
      const w = await collect(h.store);
      await h.store.compareAndSet(2, nodesOf(node('b'), node('c')));
      await w.until(3);
      await w.stop();
      expect(w.changes).toEqual([
        { from: 2, to: 3, added: [node('c')], removed: ['a'], changed: [], notices: [] },
      ]);
    });

    it('ensures another store on the same map sees the changes this one commits', async () => {
      const other = h.peer();
      const w = await collect(other);
      await h.store.compareAndSet(0, nodesOf(node('a', { host: '10.0.0.1:7000' })));
      await w.until(1);
      expect(w.changes[0]?.added).toEqual([node('a', { host: '10.0.0.1:7000' })]);
      expect(await other.get()).toEqual(await h.store.get());
      await w.stop();
    });

    it('ensures a stopped watcher receives nothing more while others keep receiving', async () => {
      const stopped = await collect(h.store);
      const live = await collect(h.store);
      await h.store.compareAndSet(0, nodesOf(node('a')));
      await Promise.all([stopped.until(1), live.until(1)]);
      await stopped.stop();
      await h.store.compareAndSet(1, nodesOf(node('b')));
      await h.store.compareAndSet(2, nodesOf(node('c')));
      await live.until(3);
      await live.stop();
      expect(stopped.changes.map((c) => c.to)).toEqual([1]);
    });

    it('ensures a listener that throws is reported through onError and later versions still arrive', async () => {
      const seen: number[] = [];
      const errors: Error[] = [];
      const stop = await h.store.watch(
        (c) => {
          seen.push(c.to);
          if (c.to === 1) throw new Error('listener broke');
        },
        { onError: (e) => errors.push(e) },
      );
      await h.store.compareAndSet(0, nodesOf(node('a')));
      await expect.poll(() => seen.at(-1), { timeout: 5_000, interval: 5 }).toBe(1);
      await h.store.update(() => nodesOf(node('b')));
      await expect.poll(() => seen.at(-1), { timeout: 5_000, interval: 5 }).toBe(2);
      await stop();
      expect(errors.map((e) => (e as MapStoreError).code)).toEqual(['listener_failed']);
      expect((errors[0] as Error).cause).toEqual(new Error('listener broke'));
    });

    it('ensures a closed store refuses further calls with code closed', async () => {
      await h.store.close();
      expect((await rejection(h.store.get())).code).toBe('closed');
      expect((await rejection(h.store.compareAndSet(0, {}))).code).toBe('closed');
      expect((await rejection(h.store.watch(() => undefined))).code).toBe('closed');
    });
  });
}
