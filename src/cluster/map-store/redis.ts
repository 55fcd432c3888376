/**
 * The map store kept in Redis, shared by every host: the map, its version, the backup lists and the
 * events stream live under `narflow:{<mapId>}:…` (see keys.ts); every multi-key move is one Lua script.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { MapStoreError, defaultErrorSink } from './errors.js';
import { mapKeys, type MapKeys } from './keys.js';
import { asEntries, execAll, parseMap } from './redis-read.js';
import { RedisMapWatcher } from './redis-watcher.js';
import { runCompareAndSet, runPromoteBackup, runSetBackups } from './scripts.js';
import { DEFAULT_UPDATE_ATTEMPTS, updateWithRetry } from './update.js';
import {
  checkBackups,
  checkHostId,
  checkNodeId,
  checkNodes,
  checkVersion,
  parseStoredBackups,
} from './validate.js';
import type {
  BackupEntry,
  CompareAndSetResult,
  DataFlowMap,
  MapListener,
  MapNode,
  MapStore,
  MapUpdater,
  PromoteResult,
  UpdateOptions,
  WatchOptions,
} from './types.js';

export interface RedisMapStoreOptions {
  /** Where connection and watcher problems go when `watch` was given no `onError`; default: a process warning. */
  onError?: (error: Error) => void;
  /** Approximate length the events stream is trimmed to; default 10,000 entries. */
  streamMaxLen?: number;
  /** How long a watcher's XREAD blocks before it checks the version itself; default 5,000 ms. */
  watchBlockMs?: number;
  /** Default for `update`'s `maxAttempts`. */
  updateAttempts?: number;
}

function positiveInt(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${what}: expected a positive integer, got ${String(value)}`);
  }
  return value;
}

export class RedisMapStore implements MapStore {
  readonly mapId: string;
  readonly keys: MapKeys;
  readonly #target: string | RedisOptions;
  readonly #redis: Redis;
  readonly #watchers = new Set<RedisMapWatcher>();
  readonly #onError: (error: Error) => void;
  readonly #streamMaxLen: number;
  readonly #blockMs: number;
  readonly #updateAttempts: number;
  #closed = false;

  constructor(redis: string | RedisOptions, mapId: string, options: RedisMapStoreOptions = {}) {
    this.keys = mapKeys(mapId);
    this.mapId = mapId;
    this.#target = redis;
    this.#onError = options.onError ?? defaultErrorSink;
    this.#streamMaxLen = positiveInt(options.streamMaxLen ?? 10_000, 'streamMaxLen');
    this.#blockMs = positiveInt(options.watchBlockMs ?? 5_000, 'watchBlockMs');
    this.#updateAttempts = options.updateAttempts ?? DEFAULT_UPDATE_ATTEMPTS;
    this.#redis = this.#connect(`narflow-map:${mapId}`, {});
    this.#redis.on('error', (err: Error) => {
      this.#onError(
        new MapStoreError(
          'connection_error',
          `expected the connection of map ${mapId} to work`,
          { mapId },
          { cause: err },
        ),
      );
    });
  }

  async get(): Promise<DataFlowMap> {
    this.#checkOpen();
    const [nodes, version] = await execAll(
      this.#redis.multi().hgetall(this.keys.map).get(this.keys.version),
      `reading map ${this.mapId}`,
    );
    return parseMap(nodes, version);
  }

  async compareAndSet(expectedVersion: number, next: Record<string, MapNode>): Promise<CompareAndSetResult> {
    this.#checkOpen();
    checkVersion(expectedVersion, 'expected version');
    checkNodes(next);
    return runCompareAndSet(this.#redis, this.keys, expectedVersion, next, this.#streamMaxLen);
  }

  update(fn: MapUpdater, options: UpdateOptions = {}): Promise<DataFlowMap> {
    return updateWithRetry(this, fn, { maxAttempts: options.maxAttempts ?? this.#updateAttempts });
  }

  async watch(listener: MapListener, options: WatchOptions = {}): Promise<() => Promise<void>> {
    this.#checkOpen();
    const [nodes, version, last] = await execAll(
      this.#redis
        .multi()
        .hgetall(this.keys.map)
        .get(this.keys.version)
        .xrevrange(this.keys.events, '+', '-', 'COUNT', 1),
      `reading map ${this.mapId}`,
    );
    const baseline = parseMap(nodes, version);
    const lastEventId = asEntries(last)[0]?.[0] ?? '0-0';
    const connection = this.#connect(`narflow-map-watch:${this.mapId}`, {
      maxRetriesPerRequest: null,
      lazyConnect: true,
    });
    // Until the watcher owns the connection, its error events end up in the error thrown below.
    const early: Error[] = [];
    const onEarlyError = (err: Error): void => void early.push(err);
    connection.on('error', onEarlyError);
    try {
      await connection.connect();
    } catch (err) {
      connection.disconnect();
      throw new MapStoreError(
        'watch_failed',
        `expected to open a watch connection for map ${this.mapId}`,
        {},
        {
          cause: early[0] ?? err,
        },
      );
    } finally {
      connection.off('error', onEarlyError);
    }
    if (this.#closed) {
      connection.disconnect();
      this.#checkOpen();
    }
    const watcher = new RedisMapWatcher({
      mapId: this.mapId,
      keys: this.keys,
      connection,
      baseline,
      lastEventId,
      listener,
      onError: options.onError ?? this.#onError,
      blockMs: this.#blockMs,
    });
    this.#watchers.add(watcher);
    return async () => {
      this.#watchers.delete(watcher);
      await watcher.stop();
    };
  }

  async getBackups(nodeId: string): Promise<BackupEntry[]> {
    this.#checkOpen();
    checkNodeId(nodeId);
    const raw = await this.#redis.get(this.keys.backups(nodeId));
    return raw === null ? [] : parseStoredBackups(nodeId, raw);
  }

  async setBackups(nodeId: string, list: readonly BackupEntry[]): Promise<{ version: number }> {
    this.#checkOpen();
    checkNodeId(nodeId);
    const checked = checkBackups(nodeId, list);
    return runSetBackups(this.#redis, this.keys, nodeId, checked, this.#streamMaxLen);
  }

  async promoteBackup(
    nodeId: string,
    failedPrimary: string,
    expectedVersion: number,
  ): Promise<PromoteResult> {
    this.#checkOpen();
    checkNodeId(nodeId);
    checkHostId(failedPrimary, 'failed primary');
    checkVersion(expectedVersion, 'expected version');
    return runPromoteBackup(
      this.#redis,
      this.keys,
      nodeId,
      failedPrimary,
      expectedVersion,
      this.#streamMaxLen,
    );
  }

  /** Stops every watcher and closes every connection this store opened. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    await Promise.all(watchers.map((w) => w.stop()));
    if (this.#redis.status !== 'ready') {
      this.#redis.disconnect();
      return;
    }
    try {
      await this.#redis.quit();
    } catch (err) {
      this.#redis.disconnect();
      this.#onError(
        new MapStoreError(
          'connection_error',
          `expected map ${this.mapId} to close its connection cleanly`,
          {},
          { cause: err },
        ),
      );
    }
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new MapStoreError('closed', `expected map store ${this.mapId} to be open; close() was called`);
  }

  #connect(connectionName: string, overrides: RedisOptions): Redis {
    const options: RedisOptions = { connectionName, ...overrides };
    return typeof this.#target === 'string'
      ? new Redis(this.#target, options)
      : new Redis({ ...this.#target, ...options });
  }
}
