/**
 * Reading the quarantine of a host: every actor's file in `dir`, with the replay status from
 * `replayed.log`. Safe while writers append: a frame still being written is a torn tail and is skipped.
 */
import { readdir } from 'node:fs/promises';
import { isErrno } from '../durability/fs-util.js';
import { checkActorId, decodeEntry, entryId, parseEntryId, type StoredEntry } from './entry.js';
import { QuarantineUsageError } from './errors.js';
import { QUARANTINE_MAGIC, QUARANTINE_SUFFIX, quarantineFile, scanFrames } from './format.js';
import { appendReplayed, readReplayed } from './replayed-log.js';

export interface QuarantineEntry extends StoredEntry {
  /** `<actorId>:<position>:<ordinal>` */
  readonly id: string;
  readonly actorId: string;
  readonly status: 'pending' | 'replayed';
  /** When it was marked replayed; undefined while pending. */
  readonly replayedAtMs: number | undefined;
}

export interface QuarantineFilter {
  readonly node?: string;
  readonly reason?: string;
  /** Only entries quarantined at or after this time (ms since the epoch). */
  readonly sinceMs?: number;
}

export function compareActorIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class QuarantineReader {
  /** Serialises this reader's markReplayed calls. */
  #marking: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  /** Actor ids that have a quarantine file, in order. */
  async actors(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith(QUARANTINE_SUFFIX) && n.length > QUARANTINE_SUFFIX.length)
      .map((n) => n.slice(0, -QUARANTINE_SUFFIX.length))
      .sort(compareActorIds);
  }

  /** Every entry matching the filter, in (actor, position, ordinal) order. */
  async list(filter: QuarantineFilter = {}): Promise<QuarantineEntry[]> {
    const replayed = await readReplayed(this.dir);
    const out: QuarantineEntry[] = [];
    for (const actorId of await this.actors()) {
      for (const e of await this.#read(actorId, replayed)) {
        if (filter.node !== undefined && e.node !== filter.node) continue;
        if (filter.reason !== undefined && e.reason !== filter.reason) continue;
        if (filter.sinceMs !== undefined && e.timeMs < filter.sinceMs) continue;
        out.push(e);
      }
    }
    return out;
  }

  /** One entry by id; undefined when no such entry is stored. */
  async get(id: string): Promise<QuarantineEntry | undefined> {
    const { actorId } = parseEntryId(id);
    const entries = await this.#read(actorId, await readReplayed(this.dir));
    return entries.find((e) => e.id === id);
  }

  /**
   * Records durably that these entries were replayed at `timeMs`. Every id must name a stored entry
   * (nothing is recorded otherwise). Returns the ids newly marked; ids marked before keep their first time.
   */
  markReplayed(ids: readonly string[], timeMs: number): Promise<string[]> {
    const run = this.#marking.then(() => this.#mark(ids, timeMs));
    // The caller receives a failure through `run`; the chain only keeps calls in order.
    this.#marking = run.catch(() => undefined);
    return run;
  }

  async #mark(ids: readonly string[], timeMs: number): Promise<string[]> {
    if (!Number.isFinite(timeMs)) {
      throw new QuarantineUsageError('invalid_option', `timeMs: expected a finite number, got ${timeMs}`);
    }
    const wanted = [...new Set(ids)];
    const byActor = new Map<string, string[]>();
    for (const id of wanted) {
      const { actorId } = parseEntryId(id);
      byActor.set(actorId, [...(byActor.get(actorId) ?? []), id]);
    }
    const replayed = await readReplayed(this.dir);
    const unknown: string[] = [];
    for (const [actorId, actorIds] of byActor) {
      const stored = new Set((await this.#read(actorId, replayed)).map((e) => e.id));
      for (const id of actorIds) if (!stored.has(id)) unknown.push(id);
    }
    if (unknown.length > 0) {
      const shown =
        unknown.slice(0, 10).join(', ') + (unknown.length > 10 ? `, … (${unknown.length} in all)` : '');
      throw new QuarantineUsageError(
        'unknown_id',
        `expected ids of stored quarantine entries; not found: ${shown}`,
      );
    }
    const fresh = wanted.filter((id) => !replayed.has(id));
    if (fresh.length > 0) await appendReplayed(this.dir, fresh, timeMs);
    return fresh;
  }

  async #read(actorId: string, replayed: ReadonlyMap<string, number>): Promise<QuarantineEntry[]> {
    checkActorId(actorId);
    const file = quarantineFile(this.dir, actorId);
    const out: QuarantineEntry[] = [];
    try {
      await scanFrames(file, QUARANTINE_MAGIC, (payload, offset) => {
        const e = decodeEntry(payload, file, offset);
        const id = entryId(actorId, e);
        const at = replayed.get(id);
        out.push({ ...e, id, actorId, status: at === undefined ? 'pending' : 'replayed', replayedAtMs: at });
      });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    return out;
  }
}
