import { describe, expect, it } from 'vitest';
import { MemoryMapStore } from '../../../src/cluster/map-store/memory.js';
import { backupsContract } from './contract-backups.js';
import { mapContract } from './contract-map.js';
import { node, nodesOf, type OpenHarness } from './harness.js';

const open: OpenHarness = async () => {
  const errors: Error[] = [];
  const store = new MemoryMapStore({ onError: (e) => errors.push(e) });
  return {
    store,
    // The embedded store is one per process: every part of the host shares the same instance.
    peer: () => store,
    errors,
    cleanup: () => store.close(),
  };
};

mapContract('MemoryMapStore', open);
backupsContract('MemoryMapStore', open);

describe('MemoryMapStore specifics', () => {
  it('ensures callers cannot change the stored map through what they passed in or got back', async () => {
    const store = new MemoryMapStore();
    const given = nodesOf(node('a', { list: [1, 2] }));
    await store.compareAndSet(0, given);
    (given['a']?.['list'] as number[]).push(3);
    const got = await store.get();
    (got.nodes['a']?.['list'] as number[]).push(4);
    expect((await store.get()).nodes).toEqual(nodesOf(node('a', { list: [1, 2] })));
    await store.close();
  });

  it('ensures each watcher gets its own copy of a change', async () => {
    const store = new MemoryMapStore();
    const seen: unknown[] = [];
    await store.watch((c) => {
      (c.added[0] as { id: string; x?: number }).x = 99;
    });
    await store.watch((c) => seen.push(c.added[0]));
    await store.compareAndSet(0, nodesOf(node('a', { x: 1 })));
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toEqual(node('a', { x: 1 }));
    await store.close();
  });

  it('ensures watchers are told after compareAndSet returns, not during it', async () => {
    const store = new MemoryMapStore();
    const seen: number[] = [];
    await store.watch((c) => seen.push(c.to));
    await store.compareAndSet(0, {});
    expect(seen).toEqual([]);
    await expect.poll(() => seen).toEqual([1]);
    await store.close();
  });
});
