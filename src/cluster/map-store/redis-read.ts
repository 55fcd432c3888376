/** Reading the map back from Redis: atomic snapshots and the parsing of what they return. */
import type { ChainableCommander } from 'ioredis';
import { MapStoreError } from './errors.js';
import { parseStoredNode } from './validate.js';
import type { DataFlowMap, MapNode, MapNotice } from './types.js';

/** Runs a MULTI and returns each command's result, turning any command error into a thrown error. */
export async function execAll(multi: ChainableCommander, what: string): Promise<unknown[]> {
  const replies = await multi.exec();
  if (replies === null) {
    throw new MapStoreError('unexpected_reply', `${what}: expected the transaction to run, it was discarded`);
  }
  return replies.map(([err, value]) => {
    if (err !== null) throw err;
    return value;
  });
}

export function parseVersion(raw: unknown): number {
  if (raw === null) return 0;
  const version = typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new MapStoreError(
      'corrupt_data',
      `map version: expected a non-negative integer, got ${JSON.stringify(raw)}`,
    );
  }
  return version;
}

export function parseMap(rawNodes: unknown, rawVersion: unknown): DataFlowMap {
  if (typeof rawNodes !== 'object' || rawNodes === null) {
    throw new MapStoreError(
      'unexpected_reply',
      `map hash: expected field → value pairs, got ${String(rawNodes)}`,
    );
  }
  const nodes: Record<string, MapNode> = {};
  for (const [id, raw] of Object.entries(rawNodes as Record<string, string>))
    nodes[id] = parseStoredNode(id, raw);
  return { version: parseVersion(rawVersion), nodes };
}

/** A stream entry as ioredis returns it: id and a flat field/value list. */
export type StreamEntry = [id: string, fields: string[]];

export interface ParsedEvent {
  readonly id: string;
  readonly version: number;
  readonly notice: MapNotice | null;
}

export function parseEvent([id, fields]: StreamEntry): ParsedEvent {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i] as string, fields[i + 1] as string);
  const version = Number(f.get('version'));
  const kind = f.get('kind');
  const node = f.get('node');
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new MapStoreError('corrupt_data', `event ${id}: expected a positive integer version`, { id });
  }
  if (kind === 'map') return { id, version, notice: null };
  if (kind === 'backups' && node !== undefined) return { id, version, notice: { kind, version, node } };
  const primary = f.get('primary');
  const failed = f.get('failed');
  if (kind === 'failover' && node !== undefined && primary !== undefined && failed !== undefined) {
    return { id, version, notice: { kind, version, node, primary, failed } };
  }
  throw new MapStoreError(
    'corrupt_data',
    `event ${id}: expected kind "map", "backups" (with node) or "failover" (with node, primary, failed)`,
    { id, kind },
  );
}

export function asEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) {
    throw new MapStoreError(
      'unexpected_reply',
      `events: expected a list of stream entries, got ${String(raw)}`,
    );
  }
  return raw as StreamEntry[];
}
