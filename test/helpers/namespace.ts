/** Isolation of tests on a shared Redis: a fresh map id per test, and its keys removed afterwards. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { mapKeys } from '../../src/cluster/map-store/keys.js';

export function testMapId(): string {
  return `t-${randomUUID()}`;
}

/** Every key of the map's namespace, found with SCAN (never KEYS). */
export async function scanRedisNamespace(redis: Redis, mapId: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', mapKeys(mapId).pattern, 'COUNT', 500);
    for (const key of keys) found.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...found].sort();
}

/** Deletes `narflow:{<mapId>}:*`; returns how many keys were deleted. */
export async function cleanupRedisNamespace(redis: Redis, mapId: string): Promise<number> {
  const keys = await scanRedisNamespace(redis, mapId);
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 500) deleted += await redis.unlink(...keys.slice(i, i + 500));
  return deleted;
}
