/**
 * The embedded single-host map store: everything in this process, with the same semantics as the
 * Redis store. Watchers are told asynchronously, one change per version, in version order.
 */
import { planPromotion } from './backups.js';
import { diffMaps } from './diff.js';
import { MapStoreError, defaultErrorSink } from './errors.js';
import { DEFAULT_UPDATE_ATTEMPTS, updateWithRetry } from './update.js';
import { checkBackups, checkHostId, checkNodeId, checkNodes, checkVersion } from './validate.js';
import type {
  BackupEntry,
  CompareAndSetResult,
  DataFlowMap,
  MapChange,
  MapListener,
  MapNode,
  MapNotice,
  MapStore,
  MapUpdater,
  PromoteResult,
  UpdateOptions,
  WatchOptions,
} from './types.js';

export interface MemoryMapStoreOptions {
  /** Where watcher problems go when `watch` was given no `onError`; default: a process warning. */
  onError?: (error: Error) => void;
  /** Default for `update`'s `maxAttempts`. */
  updateAttempts?: number;
}

interface Watcher {
  readonly listener: MapListener;
  readonly onError: (error: Error) => void;
  readonly queue: MapChange[];
  scheduled: boolean;
  active: boolean;
}

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryMapStore implements MapStore {
  #version = 0;
  #nodes: Record<string, MapNode> = {};
  readonly #backups = new Map<string, BackupEntry[]>();
  readonly #watchers = new Set<Watcher>();
  readonly #onError: (error: Error) => void;
  readonly #updateAttempts: number;
  #closed = false;

  constructor(options: MemoryMapStoreOptions = {}) {
    this.#onError = options.onError ?? defaultErrorSink;
    this.#updateAttempts = options.updateAttempts ?? DEFAULT_UPDATE_ATTEMPTS;
  }

  async get(): Promise<DataFlowMap> {
    this.#checkOpen();
    return { version: this.#version, nodes: copy(this.#nodes) };
  }

  async compareAndSet(expectedVersion: number, next: Record<string, MapNode>): Promise<CompareAndSetResult> {
    this.#checkOpen();
    checkVersion(expectedVersion, 'expected version');
    checkNodes(next);
    if (expectedVersion !== this.#version) return { ok: false, currentVersion: this.#version };
    const version = this.#commit(copy(next), null);
    return { ok: true, version };
  }

  update(fn: MapUpdater, options: UpdateOptions = {}): Promise<DataFlowMap> {
    return updateWithRetry(this, fn, { maxAttempts: options.maxAttempts ?? this.#updateAttempts });
  }

  async watch(listener: MapListener, options: WatchOptions = {}): Promise<() => Promise<void>> {
    this.#checkOpen();
    const watcher: Watcher = {
      listener,
      onError: options.onError ?? this.#onError,
      queue: [],
      scheduled: false,
      active: true,
    };
    this.#watchers.add(watcher);
    return async () => {
      watcher.active = false;
      watcher.queue.length = 0;
      this.#watchers.delete(watcher);
    };
  }

  async getBackups(nodeId: string): Promise<BackupEntry[]> {
    this.#checkOpen();
    checkNodeId(nodeId);
    return copy(this.#backups.get(nodeId) ?? []);
  }

  async setBackups(nodeId: string, list: readonly BackupEntry[]): Promise<{ version: number }> {
    this.#checkOpen();
    checkNodeId(nodeId);
    const checked = checkBackups(nodeId, list);
    if (checked.length === 0) this.#backups.delete(nodeId);
    else this.#backups.set(nodeId, checked);
    const version = this.#commit(this.#nodes, (v) => ({ kind: 'backups', version: v, node: nodeId }));
    return { version };
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
    if (expectedVersion !== this.#version) return { result: 'version_moved' };
    const plan = planPromotion(this.#backups.get(nodeId) ?? [], failedPrimary);
    if (plan.kind !== 'promoted') return { result: plan.kind };
    this.#backups.set(nodeId, plan.list);
    const version = this.#commit(this.#nodes, (v) => ({
      kind: 'failover',
      version: v,
      node: nodeId,
      primary: plan.primary,
      failed: failedPrimary,
    }));
    return { result: 'promoted', primary: plan.primary, failed: failedPrimary, version };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const watcher of this.#watchers) {
      watcher.active = false;
      watcher.queue.length = 0;
    }
    this.#watchers.clear();
  }

  #checkOpen(): void {
    if (this.#closed) throw new MapStoreError('closed', 'expected an open map store; close() was called');
  }

  #commit(nodes: Record<string, MapNode>, notice: ((version: number) => MapNotice) | null): number {
    const before: DataFlowMap = { version: this.#version, nodes: this.#nodes };
    this.#version += 1;
    this.#nodes = nodes;
    const change: MapChange = {
      ...diffMaps(before, { version: this.#version, nodes }),
      notices: notice === null ? [] : [notice(this.#version)],
    };
    for (const watcher of this.#watchers) {
      watcher.queue.push(copy(change));
      if (!watcher.scheduled) {
        watcher.scheduled = true;
        setImmediate(() => this.#drain(watcher));
      }
    }
    return this.#version;
  }

  #drain(watcher: Watcher): void {
    watcher.scheduled = false;
    while (watcher.active) {
      const change = watcher.queue.shift();
      if (change === undefined) return;
      try {
        watcher.listener(change);
      } catch (err) {
        watcher.onError(
          new MapStoreError(
            'listener_failed',
            `expected the map listener to return; it threw on version ${change.to}`,
            { from: change.from, to: change.to },
            { cause: err },
          ),
        );
      }
    }
  }
}
