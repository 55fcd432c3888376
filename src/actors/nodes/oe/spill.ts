/**
 * Processed sessions beyond the memory limit (`maxProcessedSessions`) go to disk, never away: when
 * an actor holds more than the limit in memory, every stamped processed entry moves to a new spill
 * segment (spill-segment.ts) in `<actorDir>/oe-spill/`, at that deterministic point of the input.
 * A record whose session is neither open nor processed in memory is then looked up in the
 * segments (a Bloom filter in memory answers most misses). An entry on disk expires like one in
 * memory (its stamp behind its key group's cutoff); a segment whose every key group is past its
 * latest stamp is dead.
 * Segments are part of the state: the snapshot names the live ones and the next id. A replay
 * writes the same segment under the same id again. Files the restored snapshot does not name are
 * removed at restore; a dead segment's file is removed once two committed checkpoints (the current
 * and the previous one, which the checkpoint store falls back to) no longer name it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkFiles } from '../../durability/chunk-files.js';
import { hashString } from '../../routing/key-groups.js';
import { cutoffSecond, isForced, secondOf } from './processed.js';
import type { GroupState } from './session-table.js';
import { keyHashes, SpillSegment, TYPE_SEPARATOR, writeSegment, type SpillEntry } from './spill-segment.js';
import {
  isSpillSnapshot,
  OrderEnhancerStateError,
  type GroupSnapshot,
  type OrderEnhancerSnapshot,
  type ProcessedSnapshot,
  type SpillSnapshot,
} from './snapshot.js';

export const SPILL_DIR = 'oe-spill';
const SUFFIX = '.nps';

export function fullKeyOf(typeName: string, key: string): string {
  return `${typeName}${TYPE_SEPARATOR}${key}`;
}

/** Record type and session key of a full key. */
export function splitFullKey(fullKey: string): [string, string] {
  const at = fullKey.indexOf(TYPE_SEPARATOR);
  return [fullKey.slice(0, at), fullKey.slice(at + 1)];
}

export class ProcessedSpill {
  /** The segment files: ids, and the removal of dead ones once no kept checkpoint names them. */
  readonly #files: ChunkFiles;
  #live: SpillSegment[] = [];

  constructor(actorDir: string) {
    this.#files = new ChunkFiles(join(actorDir, SPILL_DIR), SUFFIX);
  }

  /** Entries in live segments (some may have expired since the segment was written). */
  get entries(): number {
    let n = 0;
    for (const s of this.#live) n += s.count;
    return n;
  }

  get segments(): number {
    return this.#live.length;
  }

  static fileOf(dir: string, id: number): string {
    return join(dir, SPILL_DIR, `${id}${SUFFIX}`);
  }

  /** Opens the segments `s` names and removes every other file of the spill directory. */
  restore(s: SpillSnapshot | undefined): void {
    if (s !== undefined && !isSpillSnapshot(s)) {
      throw new OrderEnhancerStateError(
        'invalid_snapshot',
        'order-enhancer snapshot: expected spill { next, segments: ids below next }',
      );
    }
    this.close();
    this.#files.restore(s?.segments ?? [], s?.next ?? 1);
    this.#live = (s?.segments ?? []).map((id) => SpillSegment.open(id, this.#files.file(id)));
  }

  /**
   * Moves every stamped processed entry of `groups` (pending ones, closed before their group saw a
   * record time, stay) to a new live segment; `typeNames` names the record type indexes. Returns
   * how many entries went.
   */
  spillGroups(groups: ReadonlyArray<GroupState | undefined>, typeNames: readonly string[]): number {
    const entries: SpillEntry[] = [];
    for (const group of groups) {
      if (group === undefined) continue;
      group.processed.forEach((list, type) => {
        const name = typeNames[type] as string;
        list?.takeStamped((key, packed) =>
          entries.push({ fullKey: fullKeyOf(name, key), group: group.id, packed, second: secondOf(packed) }),
        );
      });
    }
    if (entries.length === 0) return 0;
    mkdirSync(this.#files.dir, { recursive: true });
    const id = this.#files.newId();
    const file = this.#files.file(id);
    writeSegment(file, entries);
    this.#live.push(SpillSegment.open(id, file));
    return entries.length;
  }

  /** The packed entry of a processed session on disk that has not expired (`cutoff`: its group's), or undefined. */
  lookup(fullKey: string, group: number, cutoff: number): number | undefined {
    let h: [number, number] | undefined;
    for (const seg of this.#live) {
      if (!seg.groups.has(group)) continue;
      h ??= keyHashes(fullKey);
      const v = seg.lookup(fullKey, h);
      if (v !== undefined) return secondOf(v) >= cutoff ? v : undefined;
    }
    return undefined;
  }

  /** Retires segments whose every key group is past its latest stamp. */
  expire(cutoffOf: (group: number) => number): void {
    this.#live = this.#live.filter((seg) => {
      for (const [g, latest] of seg.groups) if (latest >= cutoffOf(g)) return true;
      this.#retire(seg);
      return false;
    });
  }

  /** Gives up every live segment (their entries are back in memory): files go as retired ones do. */
  retireAll(): void {
    for (const segment of this.#live) this.#retire(segment);
    this.#live = [];
  }

  snapshot(): SpillSnapshot {
    this.#files.snapshotTaken();
    return { next: this.#files.next, segments: this.#live.map((s) => s.id) };
  }

  /** The checkpoint of snapshot `n` is durable. */
  committed(n: number): void {
    this.#files.committed(n);
  }

  close(): void {
    for (const s of this.#live) s.close();
    this.#live = [];
  }

  /** A dead segment is never read again; its file goes once no kept checkpoint names it. */
  #retire(segment: SpillSegment): void {
    segment.close();
    this.#files.retire(segment.id);
  }
}

interface Spilled {
  readonly key: string;
  readonly second: number;
  readonly forced: number;
}

/** A processed list with `spilled` (stamped, any order) merged in by stamp; pending entries first. */
function mergeList(
  list: ProcessedSnapshot | undefined,
  recordType: string,
  spilled: Spilled[],
): ProcessedSnapshot {
  spilled.sort((x, y) => x.second - y.second);
  const out: ProcessedSnapshot = { recordType, keys: [], seconds: [], forced: [] };
  const n = list?.keys.length ?? 0;
  let i = 0;
  const push = (key: string, second: number | null, forced: number): void => {
    out.keys.push(key);
    out.seconds.push(second);
    out.forced.push(forced);
  };
  const take = (): void => {
    push(list?.keys[i] as string, list?.seconds[i] ?? null, list?.forced[i] ?? 0);
    i++;
  };
  while (i < n && list?.seconds[i] === null) take();
  for (const e of spilled) {
    while (i < n && (list?.seconds[i] as number) <= e.second) take();
    push(e.key, e.second, e.forced);
  }
  while (i < n) take();
  return out;
}

/**
 * `snapshot` with the processed sessions of its spill segments (files under `actorDir`) back in its
 * processed lists, those out of the window (`windowMs`) left out, and no live segment: for
 * regrouping and for moving key groups, which place every entry by its key.
 */
export function unspill(
  snapshot: OrderEnhancerSnapshot,
  actorDir: string,
  windowMs: number,
): OrderEnhancerSnapshot {
  const ids = snapshot.spill?.segments ?? [];
  if (ids.length === 0) return snapshot;
  const groups = new Map<number, GroupSnapshot>(snapshot.groups.map(([g, gs]) => [g, gs]));
  const spilled = new Map<number, Map<string, Spilled[]>>();
  for (const id of ids) {
    const seg = SpillSegment.open(id, ProcessedSpill.fileOf(actorDir, id));
    try {
      for (const { fullKey, packed } of seg.entries()) {
        const [recordType, key] = splitFullKey(fullKey);
        const g = hashString(key) % snapshot.keyGroups;
        const watermark = groups.get(g)?.watermark ?? null;
        const second = secondOf(packed);
        if (watermark !== null && second < cutoffSecond(watermark, windowMs)) continue;
        let byType = spilled.get(g);
        if (byType === undefined) spilled.set(g, (byType = new Map()));
        let list = byType.get(recordType);
        if (list === undefined) byType.set(recordType, (list = []));
        list.push({ key, second, forced: isForced(packed) ? 1 : 0 });
      }
    } finally {
      seg.close();
    }
  }
  for (const [g, byType] of spilled) {
    const gs = groups.get(g) ?? { watermark: null, sessions: [], processed: [] };
    const processed = gs.processed.filter((p) => !byType.has(p.recordType));
    for (const [recordType, entries] of byType) {
      processed.push(
        mergeList(
          gs.processed.find((p) => p.recordType === recordType),
          recordType,
          entries,
        ),
      );
    }
    groups.set(g, { ...gs, processed });
  }
  return {
    ...snapshot,
    groups: [...groups.entries()].sort((a, b) => a[0] - b[0]),
    spill: { next: snapshot.spill?.next ?? 1, segments: [] },
  };
}
