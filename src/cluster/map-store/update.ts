/** The read–modify–compare-and-set loop shared by every store. */
import { MapStoreError } from './errors.js';
import type { CompareAndSetResult, DataFlowMap, MapNode, MapUpdater, UpdateOptions } from './types.js';

export const DEFAULT_UPDATE_ATTEMPTS = 32;

export interface CasTarget {
  get(): Promise<DataFlowMap>;
  compareAndSet(expectedVersion: number, next: Record<string, MapNode>): Promise<CompareAndSetResult>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function updateWithRetry(
  store: CasTarget,
  fn: MapUpdater,
  options: UpdateOptions = {},
): Promise<DataFlowMap> {
  const attempts = options.maxAttempts ?? DEFAULT_UPDATE_ATTEMPTS;
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw new MapStoreError(
      'update_conflict',
      `maxAttempts: expected a positive integer, got ${String(attempts)}`,
    );
  }
  let lastSeen = -1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const map = await store.get();
    lastSeen = map.version;
    const nodes = await fn(map);
    const result = await store.compareAndSet(map.version, nodes);
    if (result.ok) return { version: result.version, nodes };
    // Spread competing writers apart a little; the wait grows with each lost race.
    if (attempt < attempts) await pause(Math.floor(Math.random() * Math.min(2 * attempt, 20)));
  }
  throw new MapStoreError(
    'update_conflict',
    `expected an update to commit within ${attempts} compare-and-set attempts; the map kept moving (last seen version ${lastSeen})`,
    { attempts, lastSeen },
  );
}
