/**
 * The data-flow map as the map store keeps it: a version and, per node, an entry the store treats as
 * opaque JSON; beside it, per node, an ordered backup list whose first entry is the primary host.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** One node of the map. Only `id` is interpreted by the store; the host decides the rest. */
export type MapNode = { id: string; [key: string]: JsonValue };

export interface DataFlowMap {
  /** 0 for a map never written; every committed change adds exactly 1. */
  readonly version: number;
  /** Node id → node; the key always equals the node's `id`. */
  readonly nodes: Record<string, MapNode>;
}

export type HostStatus = 'operational' | 'non-operational';

/** A host that runs (first entry) or can take over (later entries) a node; `host` is `address:port`. */
export interface BackupEntry {
  readonly host: string;
  readonly status: HostStatus;
}

/** Something announced with a version beyond the node diff. */
export type MapNotice =
  | {
      readonly kind: 'failover';
      readonly version: number;
      readonly node: string;
      /** The backup host that became primary. */
      readonly primary: string;
      /** The former primary, now last in the list and non-operational. */
      readonly failed: string;
    }
  | { readonly kind: 'backups'; readonly version: number; readonly node: string };

/**
 * What changed between two versions a watcher saw. Consecutive changes delivered to one listener
 * chain (`next.from === previous.to`); `to - from` is more than 1 only when the watcher fell behind.
 */
export interface MapChange {
  readonly from: number;
  readonly to: number;
  readonly added: MapNode[];
  readonly removed: string[];
  readonly changed: Array<{ readonly before: MapNode; readonly after: MapNode }>;
  /** Fail-overs and backup-list replacements committed in (from, to], in version order. */
  readonly notices: MapNotice[];
}

export type CompareAndSetResult = { ok: true; version: number } | { ok: false; currentVersion: number };

export type PromoteResult =
  | { result: 'promoted'; primary: string; failed: string; version: number }
  | { result: 'version_moved' }
  | { result: 'no_healthy_backup' }
  | { result: 'not_primary' };

export type MapListener = (change: MapChange) => void;

export interface WatchOptions {
  /**
   * Receives every problem the watcher meets (lost connection, missed notification, a listener that
   * threw). The watcher keeps going after each. Defaults to the store's `onError`.
   */
  onError?: (error: Error) => void;
}

export interface UpdateOptions {
  /** How many compare-and-set attempts before giving up with `update_conflict`; default 32. */
  maxAttempts?: number;
}

export type MapUpdater = (map: DataFlowMap) => Record<string, MapNode> | Promise<Record<string, MapNode>>;

export interface MapStore {
  get(): Promise<DataFlowMap>;
  /** Replaces every node at once if the version is still `expectedVersion`; bumps the version by 1. */
  compareAndSet(expectedVersion: number, next: Record<string, MapNode>): Promise<CompareAndSetResult>;
  /** Reads, applies `fn`, and compare-and-sets, retrying on conflict up to a bounded number of times. */
  update(fn: MapUpdater, options?: UpdateOptions): Promise<DataFlowMap>;
  /**
   * Delivers, asynchronously and in order, every version committed after the returned promise resolves.
   * The resolved function stops the watcher.
   */
  watch(listener: MapListener, options?: WatchOptions): Promise<() => Promise<void>>;
  /** The node's backup list, primary first; empty when none was set. */
  getBackups(nodeId: string): Promise<BackupEntry[]>;
  /** Replaces the node's backup list (empty removes it); bumps the version and announces it. */
  setBackups(nodeId: string, list: readonly BackupEntry[]): Promise<{ version: number }>;
  /**
   * Fails `failedPrimary` over atomically: the first operational backup becomes primary, the failed
   * primary moves to the end marked non-operational, the version is bumped and a `failover` notice
   * naming both hosts is announced.
   */
  promoteBackup(nodeId: string, failedPrimary: string, expectedVersion: number): Promise<PromoteResult>;
  close(): Promise<void>;
}
