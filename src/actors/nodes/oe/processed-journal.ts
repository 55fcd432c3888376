/**
 * The journal of processed sessions: what keeps an order enhancer's checkpoints small when it
 * remembers millions of closed sessions. A processed list only grows at its tail and expires from
 * its head (processed.ts), so its entries are written once, in order, to immutable chunk files in
 * `<actorDir>/oe-journal/`, and a checkpoint holds only the entries added since the last durable
 * chunk (plus the names of the live chunks). Without it each checkpoint held every processed
 * session: 16 MB and 0.7 s of the actor's thread at 600,000 of them.
 *  - A chunk is cut at a snapshot once the entries not in chunks reach `minEntries` (the setting
 *    `journalChunkEntries`) and a share (`liveShare`) of the processed sessions in memory; it
 *    holds, per list, the entries from the list's `journaled` position on. It is written in the
 *    background (chunk-files.ts); the lists' `journaled` positions move, and snapshots name the
 *    chunk, only once it is durable. Until then its entries stay in the checkpoints. A snapshot
 *    naming chunks is state version 2 (snapshot.ts).
 *  - A chunk is dead once every key group it holds entries of is past their latest stamp (pending
 *    entries, closed before their group saw a record time, take the group's first stamp). Its file
 *    goes once no kept checkpoint names it.
 *  - A spill (spill.ts) moves every stamped entry to disk: every chunk is then dead, a chunk being
 *    written is void, and the entries left in memory (pending ones) are journaled again.
 *  - Restoring reads the named chunks, keeps the entries their key group's window still holds (the
 *    ones memory held when the checkpoint was taken), and puts the checkpoint's own entries after
 *    them (`readJournal`): the lists come back as they were, in the same order.
 * Chunk file: MessagePack values: a header `{ version: 1, lists, entries }`, then per list
 * `[keyGroup, recordType, keys, seconds (null: pending), forced (1/0)]`.
 */
import { join } from 'node:path';
import { packValue, unpackValues } from '../../../protocols/nar/batch.js';
import { ChunkFiles } from '../../durability/chunk-files.js';
import { cutoffSecond, type ProcessedList } from './processed.js';
import type { RecordKinds } from './record-kinds.js';
import type { GroupState, SessionTable } from './session-table.js';
import {
  OrderEnhancerStateError,
  type GroupSnapshot,
  type JournalSnapshot,
  type OrderEnhancerSnapshot,
  type ProcessedSnapshot,
  stateVersion,
} from './snapshot.js';

export const JOURNAL_DIR = 'oe-journal';
const SUFFIX = '.npj';

/** When a chunk is cut. */
export interface JournalLimits {
  /** Entries not in chunks, at least. */
  readonly minEntries: number;
  /** …and at least this share of the processed sessions in memory. */
  readonly liveShare: number;
}

/** A chunk holds at least this share of the processed sessions in memory: a large state takes larger chunks, not more. */
export const JOURNAL_LIVE_SHARE = 1 / 64;

/** Per key group a chunk holds entries of: their latest stamp (second), and whether some are pending. */
export type ChunkReach = Map<number, { latest: number; pending: boolean }>;

type ChunkList = [
  group: number,
  recordType: string,
  keys: string[],
  seconds: Array<number | null>,
  forced: number[],
];

interface ChunkHeader {
  readonly version: 1;
  readonly lists: number;
  readonly entries: number;
}

function reachOf(lists: readonly ChunkList[]): ChunkReach {
  const reach: ChunkReach = new Map();
  for (const [g, , , seconds] of lists) {
    let r = reach.get(g);
    if (r === undefined) reach.set(g, (r = { latest: -Infinity, pending: false }));
    for (const s of seconds) {
      if (s === null) r.pending = true;
      else if (s > r.latest) r.latest = s;
    }
  }
  return reach;
}

export class ProcessedJournal {
  readonly #files: ChunkFiles;
  readonly #limits: JournalLimits;
  readonly #onError: (err: unknown, what: string) => void;
  #live: Array<{ id: number; reach: ChunkReach }> = [];
  /** The chunk being written, if any. */
  #writing: number | undefined = undefined;
  /** Bumped by a spill: a chunk begun before it is void. */
  #generation = 0;

  constructor(actorDir: string, limits: JournalLimits, onError: (err: unknown, what: string) => void) {
    this.#files = new ChunkFiles(join(actorDir, JOURNAL_DIR), SUFFIX);
    this.#limits = limits;
    this.#onError = onError;
  }

  /** Live chunks. */
  get chunks(): number {
    return this.#live.length;
  }

  /**
   * After a restore from `s` (absent: from a checkpoint without a journal): keeps the files of its
   * chunks, removes every other one. `into`: the table restored from `readJournal`'s result, whose
   * lists then know which of their entries are in chunks. Without it (the lists were rebuilt another
   * way: key groups regrouped) the chunks are given up, their files going once newer checkpoints are
   * committed, and everything in memory is journaled again.
   */
  restore(
    s: JournalSnapshot | undefined,
    into: { read: ReadJournal; table: SessionTable; kinds: RecordKinds } | undefined,
  ): void {
    const ids = s?.chunks ?? [];
    this.#files.restore(ids, s?.next ?? 1);
    this.#generation++;
    this.#writing = undefined;
    this.#live = ids.map((id) => ({ id, reach: into?.read.reaches.get(id) ?? new Map() }));
    if (into === undefined) {
      this.#retireAll();
      return;
    }
    // The checkpoint's own entries are the ones after the chunks': journaled at the next cut.
    for (const group of into.table.groups) {
      group?.processed.forEach((list, type) => {
        if (list === undefined) return;
        const own = into.read.inline.get(group.id)?.get(into.kinds.names[type] as string) ?? 0;
        list.journaled = list.size - own;
      });
    }
  }

  /**
   * At each snapshot of the handler, before the lists are taken: cuts a chunk when due. Returns
   * what the snapshot names.
   */
  snapshot(
    groups: ReadonlyArray<GroupState | undefined>,
    typeNames: readonly string[],
    inMemory: number,
  ): JournalSnapshot {
    this.#files.snapshotTaken();
    if (this.#writing === undefined) {
      let since = 0;
      for (const g of groups)
        for (const list of g?.processed ?? []) if (list !== undefined) since += list.ops - list.journaled;
      if (since >= Math.max(this.#limits.minEntries, inMemory * this.#limits.liveShare)) {
        this.#cut(groups, typeNames, since);
      }
    }
    return { next: this.#files.next, chunks: this.#live.map((c) => c.id) };
  }

  /** Gives up chunks whose every key group is past their latest stamp. */
  expire(groups: ReadonlyArray<GroupState | undefined>): void {
    const dead = (reach: ChunkReach): boolean => {
      for (const [g, { latest, pending }] of reach) {
        const group = groups[g];
        if (group === undefined) continue;
        const first = group.firstStamp ?? Infinity;
        if (Math.max(latest, pending ? first : -Infinity) >= group.cutoff) return false;
      }
      return true;
    };
    this.#live = this.#live.filter((c) => {
      if (!dead(c.reach)) return true;
      this.#files.retire(c.id);
      return false;
    });
  }

  /** Every stamped entry went to a spill segment: the chunks are dead; memory is journaled again. */
  spilled(groups: ReadonlyArray<GroupState | undefined>): void {
    this.#retireAll();
    for (const g of groups)
      for (const list of g?.processed ?? []) if (list !== undefined) list.journaled = list.ops - list.size;
  }

  committed(n: number): void {
    this.#files.committed(n);
  }

  /** Resolves when no chunk is being written. */
  settled(): Promise<void> {
    return this.#files.settled();
  }

  #retireAll(): void {
    this.#generation++;
    for (const c of this.#live) this.#files.retire(c.id);
    this.#live = [];
  }

  #cut(groups: ReadonlyArray<GroupState | undefined>, typeNames: readonly string[], entries: number): void {
    const lists: ChunkList[] = [];
    const marks: Array<[ProcessedList, number]> = [];
    for (const g of groups) {
      g?.processed.forEach((list, type) => {
        if (list === undefined || list.ops === list.journaled) return;
        const s = list.snapshot(list.journaled);
        marks.push([list, list.ops]);
        if (s.keys.length > 0) lists.push([g.id, typeNames[type] as string, s.keys, s.seconds, s.forced]);
      });
    }
    const header: ChunkHeader = { version: 1, lists: lists.length, entries };
    const parts = [packValue(header), ...lists.map((l) => packValue(l))];
    const bytes = Buffer.concat(parts);
    const generation = this.#generation;
    const { id, done } = this.#files.write(bytes, (err, file) =>
      this.#onError(
        err,
        `order-enhancer journal chunk ${file} could not be written; checkpoints keep its entries`,
      ),
    );
    this.#writing = id;
    void done.then((ok) => {
      if (this.#writing === id) this.#writing = undefined;
      if (generation !== this.#generation) {
        // A spill or a restore since: its entries are elsewhere now.
        if (ok) this.#files.retire(id);
        return;
      }
      if (!ok) return;
      for (const [list, mark] of marks) if (mark > list.journaled) list.journaled = mark;
      this.#live.push({ id, reach: reachOf(lists) });
    });
  }
}

/** What `readJournal` found: the whole snapshot, each chunk's reach, and the checkpoint's own entries per list. */
export interface ReadJournal {
  readonly snapshot: OrderEnhancerSnapshot;
  readonly reaches: Map<number, ChunkReach>;
  /** Entries the checkpoint held itself, by key group and record type. */
  readonly inline: Map<number, Map<string, number>>;
}

function readChunk(files: ChunkFiles, id: number): ChunkList[] {
  const file = files.file(id);
  let values: unknown[];
  try {
    values = unpackValues(files.read(id));
  } catch (err) {
    throw new OrderEnhancerStateError(
      'invalid_snapshot',
      `order-enhancer journal chunk ${file}: ${(err as Error).message}`,
    );
  }
  const header = values[0] as Partial<ChunkHeader> | undefined;
  if (header?.version !== 1 || header.lists !== values.length - 1) {
    throw new OrderEnhancerStateError(
      'invalid_snapshot',
      `order-enhancer journal chunk ${file}: expected a version 1 header and its ${String(header?.lists)} lists, got ${values.length - 1}`,
    );
  }
  const lists = values.slice(1) as ChunkList[];
  for (const l of lists) {
    const ok =
      Array.isArray(l) &&
      l.length === 5 &&
      Number.isInteger(l[0]) &&
      typeof l[1] === 'string' &&
      Array.isArray(l[2]) &&
      Array.isArray(l[3]) &&
      Array.isArray(l[4]) &&
      l[2].length === l[3].length &&
      l[2].length === l[4].length;
    if (!ok) {
      throw new OrderEnhancerStateError(
        'invalid_snapshot',
        `order-enhancer journal chunk ${file}: expected lists [keyGroup, recordType, keys, seconds, forced] of equal lengths`,
      );
    }
  }
  return lists;
}

/**
 * `snapshot` with the entries of its journal chunks (files under `actorDir`) back in its processed
 * lists, before the checkpoint's own, leaving out those their key group's window (`windowMs`) no
 * longer holds; the result names no chunk. For restoring, regrouping and moving key groups.
 */
export function readJournal(
  snapshot: OrderEnhancerSnapshot,
  actorDir: string,
  windowMs: number,
): ReadJournal {
  const ids = snapshot.journal?.chunks ?? [];
  const inline = new Map<number, Map<string, number>>();
  for (const [g, gs] of snapshot.groups) {
    inline.set(g, new Map(gs.processed.map((p) => [p.recordType, p.keys.length])));
  }
  const reaches = new Map<number, ChunkReach>();
  if (ids.length === 0) return { snapshot, reaches, inline };
  const groups = new Map<number, GroupSnapshot>(snapshot.groups.map(([g, gs]) => [g, gs]));
  const fromChunks = new Map<number, Map<string, ProcessedSnapshot>>();
  const files = new ChunkFiles(join(actorDir, JOURNAL_DIR), SUFFIX);
  for (const id of ids) {
    const lists = readChunk(files, id);
    reaches.set(id, reachOf(lists));
    for (const [g, recordType, keys, seconds, forced] of lists) {
      const gs = groups.get(g);
      const first = gs?.firstStamp ?? null;
      const cutoff =
        gs?.watermark === null || gs === undefined ? -Infinity : cutoffSecond(gs.watermark, windowMs);
      let byType = fromChunks.get(g);
      if (byType === undefined) fromChunks.set(g, (byType = new Map()));
      let out = byType.get(recordType);
      if (out === undefined)
        byType.set(recordType, (out = { recordType, keys: [], seconds: [], forced: [] }));
      for (let i = 0; i < keys.length; i++) {
        const second = seconds[i] ?? first;
        if (second !== null && second < cutoff) continue;
        out.keys.push(keys[i] as string);
        out.seconds.push(second);
        out.forced.push(forced[i] as number);
      }
    }
  }
  for (const [g, byType] of fromChunks) {
    const gs = groups.get(g) ?? { watermark: null, sessions: [], processed: [] };
    const processed: ProcessedSnapshot[] = [];
    for (const [recordType, out] of byType) {
      const own = gs.processed.find((p) => p.recordType === recordType);
      for (let i = 0; i < (own?.keys.length ?? 0); i++) {
        out.keys.push(own?.keys[i] as string);
        out.seconds.push(own?.seconds[i] ?? null);
        out.forced.push(own?.forced[i] ?? 0);
      }
      if (out.keys.length > 0) processed.push(out);
    }
    for (const p of gs.processed) if (!byType.has(p.recordType)) processed.push(p);
    groups.set(g, { ...gs, processed });
  }
  const journal = { next: snapshot.journal?.next ?? 1, chunks: [] };
  return {
    snapshot: {
      ...snapshot,
      version: stateVersion({ ...snapshot, journal }),
      groups: [...groups.entries()].sort((a, b) => a[0] - b[0]),
      journal,
    },
    reaches,
    inline,
  };
}
