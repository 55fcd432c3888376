/** What only the Redis store has: key layout, the events stream, lost notifications and connections. */
import type { Redis, RedisOptions } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MapStoreError } from '../../../src/cluster/map-store/errors.js';
import { mapKeys } from '../../../src/cluster/map-store/keys.js';
import { RedisMapStore } from '../../../src/cluster/map-store/redis.js';
import { cleanupRedisNamespace, scanRedisNamespace, testMapId } from '../../helpers/namespace.js';
import { collect, node, nodesOf } from './harness.js';

const H1 = '10.0.0.1:7000';
const H2 = '10.0.0.2:7000';

const codes = (errors: readonly Error[]): string[] =>
  errors.map((e) => (e instanceof MapStoreError ? e.code : e.name));

async function clientsNamed(admin: Redis, fragment: string): Promise<string[]> {
  const list = await admin.client('LIST');
  return String(list)
    .split('\n')
    .filter((line) => line.includes(` name=`) && line.includes(fragment));
}

export function redisSpecifics(redis: RedisOptions, adminOf: () => Redis): void {
  describe('RedisMapStore specifics', () => {
    let mapId: string;
    let errors: Error[];
    let store: RedisMapStore;
    beforeEach(() => {
      mapId = testMapId();
      errors = [];
      store = new RedisMapStore(redis, mapId, { onError: (e) => errors.push(e), watchBlockMs: 1_000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanupRedisNamespace(adminOf(), mapId);
      expect(await scanRedisNamespace(adminOf(), mapId)).toEqual([]);
    });

    it('ensures every key the store writes carries the map id as a hash tag', async () => {
      await store.compareAndSet(0, nodesOf(node('oe-1'), node('oi-1')));
      await store.setBackups('oe-1', [
        { host: H1, status: 'operational' },
        { host: H2, status: 'operational' },
      ]);
      await store.promoteBackup('oe-1', H1, 2);
      const admin = adminOf();
      const everything: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `*${mapId}*`, 'COUNT', 1000);
        everything.push(...keys);
        cursor = next;
      } while (cursor !== '0');
      const k = mapKeys(mapId);
      expect(everything.sort()).toEqual([k.backups('oe-1'), k.events, k.map, k.version].sort());
      for (const key of everything) expect(key.startsWith(`narflow:{${mapId}}:`)).toBe(true);
      expect(errors).toEqual([]);
    });

    it('ensures the fail-over notification in the events stream names the node and both hosts', async () => {
      await store.setBackups('oe-1', [
        { host: H1, status: 'operational' },
        { host: H2, status: 'operational' },
      ]);
      await store.promoteBackup('oe-1', H1, 1);
      const entries = await adminOf().xrange(mapKeys(mapId).events, '-', '+');
      expect(entries.map(([, fields]) => fields)).toEqual([
        ['version', '1', 'kind', 'backups', 'node', 'oe-1'],
        ['version', '2', 'kind', 'failover', 'node', 'oe-1', 'primary', H2, 'failed', H1],
      ]);
    });

    it('ensures a version written without a notification is still delivered, diffed, and reported', async () => {
      await store.compareAndSet(0, nodesOf(node('a', { x: 1 })));
      const w = await collect(store);
      const k = mapKeys(mapId);
      // A writer that bypasses the scripts: the map moves to version 2 and nobody is notified.
      await adminOf()
        .multi()
        .hset(k.map, 'b', JSON.stringify(node('b')))
        .incr(k.version)
        .exec();
      await store.compareAndSet(2, nodesOf(node('a', { x: 2 }), node('b')));
      await w.until(3);
      await w.stop();
      expect(w.changes).toEqual([
        {
          from: 1,
          to: 3,
          added: [node('b')],
          removed: [],
          changed: [{ before: node('a', { x: 1 }), after: node('a', { x: 2 }) }],
          notices: [],
        },
      ]);
      expect(codes(w.errors)).toEqual(['notifications_missed']);
      expect(w.errors[0]?.message).toContain('from 2 to 3, saw [3]');
    });

    it('ensures a watcher reports a killed connection, reconnects and delivers what changed meanwhile', async () => {
      const w = await collect(store);
      const admin = adminOf();
      const [line] = await clientsNamed(admin, `narflow-map-watch:${mapId}`);
      const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      await admin.client('KILL', 'ID', id as string);
      await vi.waitFor(() => expect(codes(w.errors)).toContain('watch_connection_lost'), { timeout: 5_000 });
      await store.compareAndSet(0, nodesOf(node('after-kill')));
      await w.until(1);
      await w.stop();
      expect(w.changes).toEqual([
        { from: 0, to: 1, added: [node('after-kill')], removed: [], changed: [], notices: [] },
      ]);
      expect(
        codes(w.errors).every((c) => c === 'watch_connection_lost' || c === 'watch_connection_error'),
      ).toBe(true);
    });

    it('ensures close() stops the watchers and ends every connection the store opened', async () => {
      const admin = adminOf();
      await collect(store);
      await collect(store);
      await store.get();
      expect(await clientsNamed(admin, mapId)).toHaveLength(3);
      await store.close();
      await vi.waitFor(async () => expect(await clientsNamed(admin, mapId)).toEqual([]), { timeout: 5_000 });
      expect(errors).toEqual([]);
    });

    it('ensures a stored node that is not valid JSON is reported as corrupt_data, not returned', async () => {
      await adminOf().hset(mapKeys(mapId).map, 'a', '{"id":"a",');
      const err = await store.get().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MapStoreError);
      expect((err as MapStoreError).code).toBe('corrupt_data');
    });
  });
}
