/**
 * V8 heap settings for the actors' worker threads (`host.heap`). V8 starts a new isolate with a
 * small old generation and keeps its limit near what is live; an actor's live data is small
 * (tens of MB) while it promotes a steady stream of short-lived objects (requests held through a
 * disk commit, batches in flight), so under load V8 ran a major GC every few hundred milliseconds,
 * most of it marking on the helper threads. A larger initial old generation lets that garbage be
 * collected in far fewer major GCs, for a little more memory. The setting is process-wide and
 * applies to the isolates started after it: set it before the first actor starts.
 */
import { setFlagsFromString } from 'node:v8';

export interface WorkerHeapSettings {
  /** Initial old-generation size of each worker isolate, in MiB; 0 leaves V8's default. */
  readonly initialOldSpaceMb: number;
}

export function applyWorkerHeap(s: WorkerHeapSettings): void {
  if (s.initialOldSpaceMb > 0) setFlagsFromString(`--initial-old-space-size=${s.initialOldSpaceMb}`);
}
