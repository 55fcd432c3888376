/** Checks on what callers hand the store and on what the store reads back; each names what it expected. */
import { MapStoreError } from './errors.js';
import type { BackupEntry, JsonValue, MapNode } from './types.js';

export function checkVersion(version: number, what: string): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new MapStoreError(
      'invalid_version',
      `${what}: expected a non-negative integer, got ${String(version)}`,
      {
        version,
      },
    );
  }
}

export function checkNodeId(nodeId: string): void {
  if (typeof nodeId !== 'string' || nodeId.length === 0) {
    throw new MapStoreError(
      'invalid_node',
      `node id: expected a non-empty string, got ${JSON.stringify(nodeId)}`,
    );
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return `an instance of ${value.constructor?.name ?? 'a null-prototype object'}`;
  }
  return JSON.stringify(value);
}

function checkJson(value: unknown, path: string, depth: number): void {
  if (depth > 64) {
    throw new MapStoreError('invalid_node', `${path}: expected JSON nested at most 64 levels deep`, { path });
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number' && Number.isFinite(value)) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${path}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      for (const [k, v] of Object.entries(value)) checkJson(v, `${path}.${k}`, depth + 1);
      return;
    }
  }
  throw new MapStoreError(
    'invalid_node',
    `${path}: expected a JSON value (string, finite number, boolean, null, array or plain object), got ${describe(value)}`,
    { path },
  );
}

/** Every key must equal its node's `id`, and every node must be plain JSON. */
export function checkNodes(nodes: Record<string, MapNode>): void {
  if (typeof nodes !== 'object' || nodes === null || Array.isArray(nodes)) {
    throw new MapStoreError(
      'invalid_node',
      `nodes: expected an object of node id → node, got ${describe(nodes)}`,
    );
  }
  for (const [key, node] of Object.entries(nodes)) {
    checkNodeId(key);
    const path = `nodes[${JSON.stringify(key)}]`;
    checkJson(node, path, 0);
    if (typeof node !== 'object' || node === null || Array.isArray(node) || node.id !== key) {
      throw new MapStoreError(
        'invalid_node',
        `${path}.id: expected ${JSON.stringify(key)} (the key it is stored under)`,
        {
          node: key,
        },
      );
    }
  }
}

const HOST_ID = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/;

export function checkHostId(host: string, what: string): void {
  const m = typeof host === 'string' ? HOST_ID.exec(host) : null;
  const port = m?.[1] === undefined ? 0 : Number(m[1]);
  if (port < 1 || port > 65535) {
    throw new MapStoreError(
      'invalid_backups',
      `${what}: expected a host id "address:port", got ${describe(host)}`,
      {
        host,
      },
    );
  }
}

/** Distinct hosts, each `address:port` with a known status. */
export function checkBackups(nodeId: string, list: readonly BackupEntry[]): BackupEntry[] {
  if (!Array.isArray(list)) {
    throw new MapStoreError(
      'invalid_backups',
      `backups of ${nodeId}: expected an array, got ${describe(list)}`,
    );
  }
  const seen = new Set<string>();
  return list.map((entry: BackupEntry, i) => {
    const what = `backups of ${nodeId}[${i}]`;
    checkHostId(entry?.host, `${what}.host`);
    if (entry.status !== 'operational' && entry.status !== 'non-operational') {
      throw new MapStoreError(
        'invalid_backups',
        `${what}.status: expected "operational" or "non-operational", got ${describe(entry.status)}`,
      );
    }
    if (seen.has(entry.host)) {
      throw new MapStoreError(
        'invalid_backups',
        `${what}.host: expected each host once, got ${entry.host} again`,
      );
    }
    seen.add(entry.host);
    return { host: entry.host, status: entry.status };
  });
}

/** Parses a stored node; anything but a node object under its own id is corrupt data. */
export function parseStoredNode(nodeId: string, raw: string): MapNode {
  let value: JsonValue;
  try {
    value = JSON.parse(raw) as JsonValue;
  } catch (err) {
    throw new MapStoreError(
      'corrupt_data',
      `node ${nodeId}: expected JSON text`,
      { node: nodeId },
      { cause: err },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value['id'] !== nodeId) {
    throw new MapStoreError(
      'corrupt_data',
      `node ${nodeId}: expected an object with id ${JSON.stringify(nodeId)}`,
      {
        node: nodeId,
      },
    );
  }
  return value as MapNode;
}

export function parseStoredBackups(nodeId: string, raw: string): BackupEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new MapStoreError(
      'corrupt_data',
      `backups of ${nodeId}: expected JSON text`,
      { node: nodeId },
      { cause: err },
    );
  }
  try {
    return checkBackups(nodeId, value as BackupEntry[]);
  } catch (err) {
    throw new MapStoreError(
      'corrupt_data',
      `stored ${(err as Error).message}`,
      { node: nodeId },
      { cause: err },
    );
  }
}
