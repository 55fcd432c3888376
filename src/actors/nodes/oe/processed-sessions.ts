/**
 * An order-enhancer actor's duplicate history (seed FIG. 16: "already propagated sessions"): the
 * processed lists of its key groups in memory (processed.ts, held in each `GroupState`), their
 * journal chunks (processed-journal.ts) and, past `maxProcessedSessions`, the spill segments on disk
 * (spill.ts). It answers whether a session was processed, takes closed sessions, expires them with
 * their key group's watermark, and keeps its files in step with the checkpoints.
 */
import type { SpillCounts } from './alarm-state.js';
import { cutoffSecond } from './processed.js';
import { ProcessedJournal, type JournalLimits, type ReadJournal } from './processed-journal.js';
import type { RecordKinds } from './record-kinds.js';
import type { GroupState, SessionTable } from './session-table.js';
import type { JournalSnapshot, OrderEnhancerSnapshot, SpillSnapshot } from './snapshot.js';
import { fullKeyOf, ProcessedSpill } from './spill.js';

export class ProcessedSessions {
  /** Entries in memory (the spill counts those on disk). */
  #inMemory = 0;
  readonly #spill: ProcessedSpill;
  readonly #journal: ProcessedJournal;

  constructor(
    actorDir: string,
    private readonly windowMs: number,
    journalLimits: JournalLimits,
    onError: (err: unknown, what: string) => void,
  ) {
    this.#spill = new ProcessedSpill(actorDir);
    this.#journal = new ProcessedJournal(actorDir, journalLimits, onError);
  }

  counts(): SpillCounts {
    return { inMemory: this.#inMemory, onDisk: this.#spill.entries, segments: this.#spill.segments };
  }

  /** The packed entry of session `key` of record type `type` if it was processed (memory, then disk). */
  lookup(group: GroupState, type: number, typeName: string, key: string): number | undefined {
    const inMemory = group.processed[type]?.lookup(key);
    if (inMemory !== undefined || this.#spill.segments === 0) return inMemory;
    return this.#spill.lookup(fullKeyOf(typeName, key), group.id, group.cutoff);
  }

  /** A session closed: stamped with its group's watermark (pending before the first). */
  add(group: GroupState, type: number, key: string, forced: boolean): void {
    const w = group.watermark;
    if (group.processedList(type).add(key, w === null ? null : Math.floor(w / 1000), forced))
      this.#inMemory++;
  }

  /** The group's watermark moves to `time`: pending entries take their stamp, entries out of the window go. */
  advance(group: GroupState, time: number): void {
    const first = group.watermark === null;
    group.watermark = time;
    if (first) {
      const second = Math.floor(time / 1000);
      group.firstStamp = second;
      for (const list of group.processed) list?.stampPending(second);
    }
    const cutoff = cutoffSecond(time, this.windowMs);
    if (cutoff <= group.cutoff) return;
    group.cutoff = cutoff;
    for (const list of group.processed) if (list !== undefined) this.#inMemory -= list.expireBefore(cutoff);
  }

  /** At each tick: segments and chunks wholly out of the window die. */
  tick(groups: ReadonlyArray<GroupState | undefined>): void {
    if (this.#spill.segments > 0) this.#spill.expire((g) => groups[g]?.cutoff ?? -Infinity);
    if (this.#journal.chunks > 0) this.#journal.expire(groups);
  }

  /** After each call: past `max` in memory, every stamped entry goes to a spill segment. */
  limit(groups: ReadonlyArray<GroupState | undefined>, typeNames: readonly string[], max: number): void {
    if (this.#inMemory <= max) return;
    this.#inMemory -= this.#spill.spillGroups(groups, typeNames);
    this.#journal.spilled(groups);
  }

  /**
   * After `table` was restored from `restored` (`read` from `checked`, regrouped or not): the
   * count, the cutoffs, the journal's chunks and the spill's segments. A regrouped state holds
   * every entry in memory: the files of the old layout are given up once newer checkpoints commit.
   */
  restore(
    checked: OrderEnhancerSnapshot | undefined,
    read: ReadJournal | undefined,
    restored: { table: SessionTable; kinds: RecordKinds; processed: number; regrouped: boolean },
  ): void {
    const { table, kinds, regrouped } = restored;
    this.#inMemory = restored.processed;
    for (const group of table.groups) {
      if (group !== undefined && group.watermark !== null) {
        group.cutoff = cutoffSecond(group.watermark, this.windowMs);
      }
    }
    this.#journal.restore(
      checked?.journal,
      regrouped || read === undefined ? undefined : { read, table, kinds },
    );
    this.#spill.restore(checked?.spill);
    if (regrouped) this.#spill.retireAll();
  }

  /** What a snapshot names; before the lists are taken (a chunk cut now is not durable yet). */
  snapshot(groups: ReadonlyArray<GroupState | undefined>, typeNames: readonly string[]): JournalSnapshot {
    return this.#journal.snapshot(groups, typeNames, this.#inMemory);
  }

  spillSnapshot(): SpillSnapshot {
    return this.#spill.snapshot();
  }

  committed(n: number): void {
    this.#spill.committed(n);
    this.#journal.committed(n);
  }

  close(): void {
    this.#spill.close();
  }

  /** Resolves when no journal chunk is being written. */
  settled(): Promise<void> {
    return this.#journal.settled();
  }
}
