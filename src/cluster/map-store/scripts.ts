/**
 * Runs the map store's Lua scripts (EVALSHA, falling back to EVAL when the server does not know the
 * script yet) and turns their numeric return codes into typed results.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MapStoreError } from './errors.js';
import type { MapKeys } from './keys.js';
import { COMPARE_AND_SET_LUA } from './lua/compare-and-set-3.js';
import { PROMOTE_BACKUP_LUA } from './lua/promote-backup-3.js';
import { SET_BACKUPS_LUA } from './lua/set-backups-3.js';
import type { BackupEntry, CompareAndSetResult, MapNode, PromoteResult } from './types.js';

class LuaScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly numKeys: number,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown[]> {
    if (keys.length !== this.numKeys) {
      throw new Error(`${this.name}: expected ${this.numKeys} keys, got ${keys.length}`);
    }
    let reply: unknown;
    try {
      reply = await redis.evalsha(this.sha, this.numKeys, ...keys, ...args);
    } catch (err) {
      // The first word of a Redis error reply is its error code; NOSCRIPT means "load me first".
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      reply = await redis.eval(this.source, this.numKeys, ...keys, ...args);
    }
    if (!Array.isArray(reply) || typeof reply[0] !== 'number') {
      throw new MapStoreError(
        'unexpected_reply',
        `${this.name}: expected an array starting with a return code, got ${JSON.stringify(reply)}`,
      );
    }
    return reply as unknown[];
  }
}

const compareAndSet3 = new LuaScript('compare-and-set-3', 3, COMPARE_AND_SET_LUA);
const promoteBackup3 = new LuaScript('promote-backup-3', 3, PROMOTE_BACKUP_LUA);
const setBackups3 = new LuaScript('set-backups-3', 3, SET_BACKUPS_LUA);

function unexpected(script: LuaScript, reply: readonly unknown[]): MapStoreError {
  return new MapStoreError('unexpected_reply', `${script.name}: unknown reply ${JSON.stringify(reply)}`, {
    script: script.name,
  });
}

function int(script: LuaScript, reply: readonly unknown[], index: number): number {
  const value = reply[index];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw unexpected(script, reply);
  return value;
}

export async function runCompareAndSet(
  redis: Redis,
  keys: MapKeys,
  expectedVersion: number,
  nodes: Record<string, MapNode>,
  streamMaxLen: number,
): Promise<CompareAndSetResult> {
  const args: (string | number)[] = [expectedVersion, streamMaxLen];
  for (const [id, node] of Object.entries(nodes)) args.push(id, JSON.stringify(node));
  const reply = await compareAndSet3.run(redis, [keys.map, keys.version, keys.events], args);
  switch (reply[0]) {
    case 1:
      return { ok: true, version: int(compareAndSet3, reply, 1) };
    case -1:
      return { ok: false, currentVersion: int(compareAndSet3, reply, 1) };
    default:
      throw unexpected(compareAndSet3, reply);
  }
}

export async function runPromoteBackup(
  redis: Redis,
  keys: MapKeys,
  nodeId: string,
  failedPrimary: string,
  expectedVersion: number,
  streamMaxLen: number,
): Promise<PromoteResult> {
  const reply = await promoteBackup3.run(
    redis,
    [keys.backups(nodeId), keys.version, keys.events],
    [nodeId, failedPrimary, expectedVersion, streamMaxLen],
  );
  switch (reply[0]) {
    case 1: {
      const primary = reply[1];
      if (typeof primary !== 'string') throw unexpected(promoteBackup3, reply);
      return { result: 'promoted', primary, failed: failedPrimary, version: int(promoteBackup3, reply, 2) };
    }
    case -1:
      return { result: 'version_moved' };
    case -2:
      return { result: 'no_healthy_backup' };
    case -3:
      return { result: 'not_primary' };
    default:
      throw unexpected(promoteBackup3, reply);
  }
}

export async function runSetBackups(
  redis: Redis,
  keys: MapKeys,
  nodeId: string,
  list: readonly BackupEntry[],
  streamMaxLen: number,
): Promise<{ version: number }> {
  const encoded = list.length === 0 ? '' : JSON.stringify(list);
  const reply = await setBackups3.run(
    redis,
    [keys.backups(nodeId), keys.version, keys.events],
    [nodeId, encoded, streamMaxLen],
  );
  if (reply[0] !== 1) throw unexpected(setBackups3, reply);
  return { version: int(setBackups3, reply, 1) };
}
