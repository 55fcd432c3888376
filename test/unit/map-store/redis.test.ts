import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { RedisMapStore } from '../../../src/cluster/map-store/redis.js';
import type { MapStore } from '../../../src/cluster/map-store/types.js';
import { cleanupRedisNamespace, testMapId } from '../../helpers/namespace.js';
import { requireRedis } from '../../helpers/services.js';
import { backupsContract } from './contract-backups.js';
import { mapContract } from './contract-map.js';
import type { OpenHarness } from './harness.js';
import { redisSpecifics } from './redis-specifics.js';

const REDIS = { host: '127.0.0.1', port: 6379 };
const probe = await requireRedis();

// Skips only outside CI when the server is down (the probe warns loudly); under CI=true the probe throws.
describe.skipIf(!probe.available)('RedisMapStore', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis({ ...REDIS, lazyConnect: true });
  });
  afterAll(async () => {
    await admin.quit();
  });

  const open: OpenHarness = async () => {
    const mapId = testMapId();
    const errors: Error[] = [];
    const onError = (e: Error): void => void errors.push(e);
    const opened: MapStore[] = [];
    const make = (): MapStore => {
      const store = new RedisMapStore(REDIS, mapId, { onError, watchBlockMs: 1_000 });
      opened.push(store);
      return store;
    };
    const store = make();
    return {
      store,
      peer: make,
      errors,
      cleanup: async () => {
        await Promise.all(opened.map((s) => s.close()));
        await cleanupRedisNamespace(admin, mapId);
      },
    };
  };

  mapContract('RedisMapStore', open);
  backupsContract('RedisMapStore', open);
  redisSpecifics(REDIS, () => admin);
});
