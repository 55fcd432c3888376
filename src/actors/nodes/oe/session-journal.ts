/**
 * The journal of open sessions: what keeps an order enhancer's checkpoints small while it holds
 * many open sessions (an S-CDR inactivity timeout of minutes at thousands of records a second
 * holds hundreds of thousands of records). Each checkpoint used to hold every open session with
 * its held records: 42 MiB and 4 s of the actor's thread at 190,000 held records.
 * It is a changelog of session versions in immutable chunk files in `<actorDir>/oe-sessions/`:
 *  - Every change of an open session (session-table.ts `touch`) makes it dirty. A checkpoint holds
 *    the dirty sessions itself, and names the chunks holding the latest version of every other.
 *  - A chunk is cut at a snapshot once the dirty sessions and pending tombstones reach
 *    `minEntries` and a share (`liveShare`) of the open sessions. It holds their current versions
 *    and the tombstones, and is written in the background (chunk-files.ts). Once it is durable,
 *    the sessions unchanged since the cut are clean, their latest version in that chunk.
 *  - A session closed after a chunk was cut with a version of it leaves a tombstone: held by the
 *    checkpoints until a durable chunk holds it. Restoring folds the named chunks in order, each
 *    chunk's tombstones before its sessions, then the checkpoint's own tombstones and sessions.
 *  - A chunk is live while some open session has its latest version there. Chunks die from the
 *    oldest on (a tombstone only ever hides versions in older chunks, so it goes with them). When
 *    the chunks hold more than twice the live versions, the oldest chunk's live sessions are made
 *    dirty, so the next chunk takes them and the oldest dies. A dead chunk's file goes once no
 *    kept checkpoint names it.
 *  - A snapshot taken while a chunk is being written carries the chunk's bytes (`pending`) instead
 *    of its sessions packed again, and holds only the sessions changed since the cut and the
 *    tombstones after the chunk's. A snapshot naming or carrying a chunk is state version 3.
 * Reading it back: session-journal-read.ts. Chunk file: four MessagePack values: a header
 * `{ version: 2, closed, sessions, records }`, the tombstones `[[keyGroup, recordType, key], …]`,
 * the sessions `[[keyGroup, SessionSnapshot], …]` with their `records` empty, and every session's
 * held records in one array, in the sessions' order (each holds `keys.length − emitted`), written
 * as a batch's payload is: the packed bytes a record is held as are copied, not packed again.
 * Version 1 chunks (three values, each session's records in it) are still read.
 */
import { packRecords, packValue } from '../../../protocols/nar/batch.js';
import type { NarRecord } from '../../../protocols/nar/packed-nar.js';
import type { ChunkFiles } from '../../durability/chunk-files.js';
import type { RecordHolder } from './held-record.js';
import type { JournalLimits } from './processed-journal.js';
import type { RecordKinds } from './record-kinds.js';
import type { Session } from './session.js';
import { sessionChunkFiles, sessionId, type ChunkHeader, type ReadSessions } from './session-journal-read.js';
import type { SessionChanges, SessionTable } from './session-table.js';
import type { ClosedSession, SessionJournalSnapshot, SessionSnapshot } from './snapshot.js';
import { sessionSnapshot, type RetiredSession } from './table-snapshot.js';

/** Chunks may hold this many versions per live one before the oldest chunk is compacted. */
const COMPACT_RATIO = 2;

interface LiveChunk {
  readonly id: number;
  /** Session versions it holds. */
  readonly entries: number;
  /** Open sessions whose latest version it holds. */
  live: number;
  /** The sessions it was cut with (some closed or changed since). */
  readonly sessions: Session[];
}

export class SessionJournal implements SessionChanges {
  readonly #files: ChunkFiles;
  readonly #limits: JournalLimits;
  readonly #onError: (err: unknown, what: string) => void;
  readonly #kinds: RecordKinds;
  /**
   * Open sessions whose latest version no durable chunk holds: the checkpoints hold them. A list,
   * each session knowing its `slot` (a field test and a swap instead of a Set's hashing per record).
   */
  #dirty: Session[] = [];
  /** Closed sessions some chunk may hold a version of, not yet in a durable chunk. */
  #closed: ClosedSession[] = [];
  /** Live chunks, oldest first. */
  #live: LiveChunk[] = [];
  readonly #byId = new Map<number, LiveChunk>();
  /**
   * The chunk being written: its bytes (snapshots carry them until it is durable, instead of its
   * sessions packed again), the versions of the sessions it holds, its tombstones (the first ones pending).
   */
  #pending: { id: number; bytes: Uint8Array; versions: Map<Session, number>; closed: number } | undefined =
    undefined;

  constructor(
    actorDir: string,
    kinds: RecordKinds,
    limits: JournalLimits,
    onError: (err: unknown, what: string) => void,
    /** Writes held records into chunks as the packed bytes they are kept as. */
    private readonly holder: Pick<RecordHolder, 'emitted'>,
  ) {
    this.#files = sessionChunkFiles(actorDir);
    this.#kinds = kinds;
    this.#limits = limits;
    this.#onError = onError;
  }

  /** Live chunks. */
  get chunks(): number {
    return this.#live.length;
  }

  /** The open sessions a snapshot holds itself: the dirty ones, but those the chunk being written holds as they are. */
  *inline(): IterableIterator<Session> {
    const versions = this.#pending?.versions;
    for (const s of this.#dirty) if (versions?.get(s) !== s.version) yield s;
  }

  /** Takes `s` off the dirty list. */
  #clean(s: Session): void {
    const last = this.#dirty.pop() as Session;
    if (last !== s) {
      this.#dirty[s.slot] = last;
      last.slot = s.slot;
    }
    s.slot = -1;
  }

  touched(s: Session): void {
    s.version++;
    if (s.slot >= 0) return; // dirty already
    this.#unpin(s);
    s.slot = this.#dirty.length;
    this.#dirty.push(s);
  }

  removed(s: Session): void {
    if (s.slot >= 0) this.#clean(s);
    else this.#unpin(s);
    if (s.written) this.#closed.push([s.group, this.#kinds.names[s.type] as string, s.key]);
  }

  /**
   * After a restore: keeps the files of the chunks `s` names, removes every other one. `read`:
   * what `readSessionJournal` found, for the table restored from its result; absent (the sessions
   * were re-placed: key groups regrouped), the chunks are given up, their files going once newer
   * checkpoints are committed, and every open session is dirty. `retired`: sessions of record
   * types no longer tracked, emitted at the next call: those a chunk holds get a tombstone.
   */
  restore(
    s: SessionJournalSnapshot | undefined,
    table: SessionTable,
    read: ReadSessions | undefined,
    retired: readonly RetiredSession[],
  ): void {
    const ids = s?.chunks ?? [];
    this.#files.restore(ids, s?.next ?? 1);
    this.#pending = undefined;
    this.#dirty = [];
    this.#byId.clear();
    this.#live = ids.map((id) => ({ id, entries: read?.entries.get(id) ?? 0, live: 0, sessions: [] }));
    for (const c of this.#live) this.#byId.set(c.id, c);
    this.#closed = read === undefined ? [] : [...read.closed];
    for (const session of table.all()) {
      const id = sessionId(this.#kinds.names[session.type] as string, session.key);
      const chunk = read?.origin.get(id);
      session.written = read !== undefined && read.written.has(id);
      const c = chunk === undefined ? undefined : this.#byId.get(chunk);
      if (c === undefined) {
        session.slot = this.#dirty.length;
        this.#dirty.push(session);
        continue;
      }
      session.chunk = c.id;
      c.live++;
      c.sessions.push(session);
    }
    if (read === undefined) {
      for (const c of this.#live) this.#files.retire(c.id);
      this.#live = [];
      this.#byId.clear();
      return;
    }
    for (const { group, session } of retired) {
      if (read.written.has(sessionId(session.recordType, session.key)))
        this.#closed.push([group, session.recordType, session.key]);
    }
  }

  /** At each snapshot of the handler, before the sessions are taken: cuts a chunk when due. */
  snapshot(table: SessionTable): SessionJournalSnapshot {
    this.#files.snapshotTaken();
    while (this.#live[0]?.live === 0) this.#retire(this.#live[0]);
    if (this.#pending === undefined) {
      this.#compact();
      const since = this.#dirty.length + this.#closed.length;
      if (since > 0 && since >= Math.max(this.#limits.minEntries, table.size * this.#limits.liveShare)) {
        this.#cut();
      }
    }
    const pending = this.#pending;
    return {
      next: this.#files.next,
      chunks: this.#live.map((c) => c.id),
      closed: this.#closed.slice(pending?.closed ?? 0),
      ...(pending === undefined ? {} : { pending: pending.bytes }),
    };
  }

  committed(n: number): void {
    this.#files.committed(n);
  }

  /** Resolves when no chunk is being written. */
  settled(): Promise<void> {
    return this.#files.settled();
  }

  /** `s` leaves the chunk holding its latest version (it changed or closed): one live session fewer there. */
  #unpin(s: Session): void {
    if (s.chunk === 0) return;
    const c = this.#byId.get(s.chunk);
    if (c !== undefined) c.live--;
    s.chunk = 0;
  }

  #retire(c: LiveChunk): void {
    this.#live.shift();
    this.#byId.delete(c.id);
    this.#files.retire(c.id);
  }

  /** Chunks holding more than COMPACT_RATIO versions per live one: the oldest one's live sessions are taken again. */
  #compact(): void {
    const oldest = this.#live[0];
    if (oldest === undefined) return;
    let entries = 0;
    let live = 0;
    for (const c of this.#live) {
      entries += c.entries;
      live += c.live;
    }
    if (entries <= COMPACT_RATIO * live + this.#limits.minEntries) return;
    for (const s of oldest.sessions) if (s.chunk === oldest.id) this.touched(s);
  }

  #cut(): void {
    const versions = new Map<Session, number>();
    const sessions: Array<[number, SessionSnapshot]> = [];
    const records: NarRecord[] = [];
    const closed = this.#closed.slice();
    for (const s of this.#dirty) {
      versions.set(s, s.version);
      s.written = true;
      sessions.push([s.group, sessionSnapshot(s, this.#kinds)]);
      for (const r of s.heldRecords()) records.push(this.holder.emitted(r));
    }
    const header: ChunkHeader = {
      version: 2,
      closed: closed.length,
      sessions: sessions.length,
      records: records.length,
    };
    // The held records in one value after the sessions: their bytes copied as they are held.
    const bytes = Buffer.concat([
      packValue(header),
      packValue(closed),
      packValue(sessions),
      packRecords(records),
    ]);
    const { id, done } = this.#files.write(bytes, (err, file) =>
      this.#onError(
        err,
        `order-enhancer session chunk ${file} could not be written; checkpoints keep its sessions`,
      ),
    );
    this.#pending = { id, bytes, versions, closed: closed.length };
    void done.then((ok) => {
      if (this.#pending?.id !== id) return; // a restore since
      this.#pending = undefined;
      if (!ok) return;
      const c: LiveChunk = { id, entries: versions.size, live: 0, sessions: [] };
      for (const [s, version] of versions) {
        // Closed since the cut (its tombstone is pending), or changed again: still dirty.
        if (s.version !== version || s.slot < 0) continue;
        this.#clean(s);
        s.chunk = id;
        c.live++;
        c.sessions.push(s);
      }
      // The tombstones cut were the first ones pending; later ones stay.
      this.#closed.splice(0, closed.length);
      this.#live.push(c);
      this.#byId.set(id, c);
    });
  }
}
