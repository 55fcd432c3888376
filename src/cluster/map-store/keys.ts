/**
 * The one place Redis key names of the map store are built. Every key carries the map id as a
 * `{…}` hash tag, so all keys of one map live in one cluster slot and one Lua script may touch them.
 */
import { MapStoreError } from './errors.js';

export interface MapKeys {
  /** Hash: node id → node JSON. */
  readonly map: string;
  /** String: the map version, an integer; absent means 0. */
  readonly version: string;
  /** Stream: one entry per committed version (`version`, `kind`, and for a fail-over `node`, `primary`, `failed`). */
  readonly events: string;
  /** String: the node's backup list as a JSON array, primary first. */
  backups(nodeId: string): string;
  /** SCAN pattern matching every key of this map and nothing else. */
  readonly pattern: string;
}

const MAP_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function mapKeys(mapId: string): MapKeys {
  if (typeof mapId !== 'string' || !MAP_ID.test(mapId)) {
    throw new MapStoreError(
      'invalid_map_id',
      `map id: expected 1–128 characters of letters, digits, ".", "_", ":" or "-", got ${JSON.stringify(mapId)}`,
      { mapId },
    );
  }
  const prefix = `narflow:{${mapId}}:`;
  return {
    map: `${prefix}map`,
    version: `${prefix}version`,
    events: `${prefix}events`,
    backups: (nodeId: string) => `${prefix}backups:${nodeId}`,
    pattern: `${prefix}*`,
  };
}
