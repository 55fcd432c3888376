/**
 * `order-enhancer-oe` (seed 002, FIG. 16): de-duplication and sequencing per session. For each NAR:
 *  1. Its `recordType` picks the rule: a `passThrough` type is emitted at once, untracked; a type
 *     in no list too (counted in the `unknown_record_types` alarm). A tracked record lacking a
 *     session-key attribute (absent or null) is quarantined (`missing_session_key`).
 *  2. Its session is (record type, session key): sequence numbers count per record stream. The
 *     session key is the text the `session` router hashes, so the record's key group here is the
 *     one routing placed it by (`keyGroups` must equal the routing's).
 *  3. A session in the processed list (closed and propagated) drops the record as a duplicate:
 *     `late_duplicate`, or `late_after_forced_close` when the session was forced out incomplete (the
 *     record may be a genuine late one: turn on `auditDuplicates` to keep it).
 *  4. Otherwise the session (opened now if new) takes it, unless it has a record with the same
 *     record key already (`in_session_duplicate`).
 *  5. G-CDR rule (`complete` types): the session is complete when a record with a final cause
 *     (`finalCauses`) has arrived and every sequence number 1..n is there, n being the highest
 *     final record's number (an unnumbered final record needs none: it is the whole session).
 *     Records may arrive in any order, the final one first. Held records are then emitted sorted
 *     by sequence number (unnumbered last, ties in arrival order) — records numbered above n come
 *     after n — and the session moves to the processed list.
 *  6. S-CDR rule (`timeout` types): the session completes after `inactivityTimeoutMs` of tick time
 *     without a record (each record restarts it); then its records go out sorted.
 *  7. A G-CDR session holding records for `maxHoldMs` of tick time is flushed: held records go out
 *     sorted, each with `missingSequenceNumbers` ("3,5-7") when numbers below the highest seen (or
 *     below n) are missing, which raises `incomplete_sessions`. With its final record there, the
 *     session is then processed (forced); without it (a session that is simply long) it stays
 *     open holding only record keys, so its later records are still de-duplicated and nothing is
 *     lost, and it closes (forced) after `inactivityTimeoutMs` without records. An S-CDR session
 *     still receiving records after `maxHoldMs` has its held records emitted when the next one
 *     arrives, and stays open.
 *  8. `maxOpenSessions` open: before a new session opens, the one nearest its own deadline is
 *     force-closed (its records emitted as in 7, S-CDR or G-CDR), `open_sessions_limit` raised.
 *     Nothing is dropped.
 * Processed sessions are remembered per key group for `processedWindowMs` of *record time*: each
 * is stamped with the key group's watermark (highest `timeAttribute` seen in the group) when it
 * closes, and forgotten once the watermark is more than the window past the stamp (at a
 * granularity of one second, never early). Stamping at close rather than with the session's own
 * record times keeps a session closed late (the S-CDR timeout, a 24 h hold) for the whole window.
 * Records without a usable time (absent, unparsable, or more than `maxTimeAheadMs` ahead of the
 * latest tick) do not move the watermark; sessions closed before their group saw any time wait
 * for its first one. Nothing is forgotten by count: past `maxProcessedSessions` in memory, the
 * processed sessions go to spill segments on disk (spill.ts) and the `processed_sessions_limit`
 * alarm is raised, so a duplicate inside the window is never taken for a new session. Per key
 * group watermarks make the result the same however key groups are spread over actors.
 * Ledger: held records are `held`; each dropped duplicate is `duplicates` (per reason); with
 * `auditDuplicates` a copy of it, with `duplicateReason` set, goes to the `duplicates` channel and
 * counts `created`. Time comes only from ticks (and record times from records). State is kept per
 * key group (snapshot.ts), so key groups can move between actors with their state. Drain does not
 * flush: open sessions are state and stay in the checkpoint (and its session chunks).
 */
import { packValue } from '../../../protocols/nar/batch.js';
import type { Nar } from '../../../protocols/nar/nar.js';
import type { PackedBatch } from '../../../protocols/nar/packed-batch.js';
import { hashString } from '../../routing/key-groups.js';
import type { HandlerContext, NodeEnv, NodeHandler } from '../../runtime/actor.js';
import { OeAlarms } from './alarm-state.js';
import { isForced } from './processed.js';
import { JOURNAL_LIVE_SHARE, readJournal, type JournalLimits } from './processed-journal.js';
import { ProcessedSessions } from './processed-sessions.js';
import { readSessionJournal } from './session-journal-read.js';
import { SessionJournal } from './session-journal.js';
import { unspill } from './spill.js';
import { PASS_THROUGH, RecordKinds, RULE_COMPLETE, RULE_TIMEOUT } from './record-kinds.js';
import {
  missingAttribute,
  recordKeyOf,
  recordTimeOf,
  sequenceNumberOf,
  sessionKeyOf,
} from './record-fields.js';
import { heldNar, RecordHolder } from './held-record.js';
import { NarView, PackedView, type RecordView } from './record-view.js';
import { emissionOrder, LIST_IDLE, missingSequenceNumbers, Session } from './session.js';
import { SessionTable, type GroupState } from './session-table.js';
import type { OrderEnhancerOeSettings } from './settings.js';
import { checkSnapshot, stateVersion, type OrderEnhancerSnapshot } from './snapshot.js';
import { regroupSnapshot } from './snapshot-moves.js';
import { restoreGroups, retiredRecords, snapshotGroups, type RetiredSession } from './table-snapshot.js';

/** Set on records of a session emitted with a sequence-number gap: the missing numbers, "3,5-7". */
export const MISSING_SEQUENCE_NUMBERS = 'missingSequenceNumbers';
/** Set on audit copies of dropped duplicates: the reason. */
export const DUPLICATE_REASON = 'duplicateReason';
/** Output channel of audit copies (with `auditDuplicates`). */
export const DUPLICATES_CHANNEL = 'duplicates';

export type DuplicateReason = 'in_session_duplicate' | 'late_duplicate' | 'late_after_forced_close';

export class OrderEnhancerHandler implements NodeHandler {
  readonly #s: OrderEnhancerOeSettings;
  readonly #kinds: RecordKinds;
  readonly #table: SessionTable;
  readonly #alarms: OeAlarms;
  #lastTick: number | null = null;
  #held = 0;
  /** Alarms came back with a snapshot and are raised again at the next call. */
  #announce = false;
  /** Sessions of record types no longer tracked: emitted at the next call. */
  #retired: RetiredSession[] = [];
  /** The duplicate history: processed lists, their journal chunks, spill segments. */
  readonly #done: ProcessedSessions;
  /** The open sessions' changes since their latest version went to a chunk. */
  readonly #changes: SessionJournal;
  readonly #actorDir: string;
  /** Keeps held records packed, and emits them so. */
  readonly #holder = new RecordHolder();
  /** Input records are read through these: NAR objects, or a batch read in place. */
  readonly #nar = new NarView(this.#holder);
  readonly #packed = new PackedView(this.#holder);

  constructor(
    s: OrderEnhancerOeSettings,
    env: Pick<NodeEnv, 'actorDir' | 'log'>,
    journalLimits: JournalLimits = { minEntries: s.journalChunkEntries, liveShare: JOURNAL_LIVE_SHARE },
  ) {
    this.#s = s;
    this.#kinds = new RecordKinds(s);
    const onError = (err: unknown, what: string): void => env.log.error({ err }, what);
    this.#changes = new SessionJournal(env.actorDir, this.#kinds, journalLimits, onError, this.#holder);
    this.#table = new SessionTable(s.keyGroups, this.#changes);
    this.#alarms = new OeAlarms(s.maxOpenSessions, s.maxProcessedSessions);
    this.#actorDir = env.actorDir;
    this.#done = new ProcessedSessions(env.actorDir, s.processedWindowMs, journalLimits, onError);
  }

  init(snapshot: unknown): void {
    if (snapshot === undefined || snapshot === null) {
      this.#done.restore(undefined, undefined, {
        table: this.#table,
        kinds: this.#kinds,
        processed: 0,
        regrouped: false,
      });
      this.#changes.restore(undefined, this.#table, undefined, []);
      return;
    }
    const checked = checkSnapshot(snapshot);
    const window = this.#s.processedWindowMs;
    const open = readSessionJournal(checked, this.#actorDir);
    const read = readJournal(open.snapshot, this.#actorDir, window);
    let snap = read.snapshot;
    const regroup = snap.keyGroups !== this.#s.keyGroups;
    if (regroup) {
      // Spilled entries are placed by key group too: back in memory first, spilled again later.
      snap = regroupSnapshot(unspill(snap, this.#actorDir, window), this.#s.keyGroups);
    }
    const restored = restoreGroups(snap, this.#table, this.#kinds, (r) => this.#holder.hold(r));
    this.#done.restore(checked, read, {
      table: this.#table,
      kinds: this.#kinds,
      processed: restored.processed,
      regrouped: regroup,
    });
    this.#changes.restore(checked.sessionJournal, this.#table, regroup ? undefined : open, restored.retired);
    this.#held = restored.held;
    this.#retired = restored.retired;
    this.#lastTick = snap.lastTick;
    this.#alarms.state = structuredClone(snap.alarms);
    this.#announce = true;
  }

  snapshot(): OrderEnhancerSnapshot {
    // Before the lists are taken: a chunk cut now is not durable yet, so they still hold its entries.
    const journal = this.#done.snapshot(this.#table.groups, this.#kinds.names);
    // The sessions: a chunk cut now is not durable yet, so the snapshot carries its bytes.
    const sessionJournal = this.#changes.snapshot(this.#table);
    return {
      version: stateVersion({ journal, sessionJournal }),
      keyGroups: this.#s.keyGroups,
      lastTick: this.#lastTick,
      order: this.#table.order,
      alarms: structuredClone(this.#alarms.state),
      journal,
      sessionJournal,
      spill: this.#done.spillSnapshot(),
      ...snapshotGroups(this.#table, this.#kinds, this.#changes.inline(), this.#retired, this.#holder),
    };
  }

  checkpointCommitted(n: number): void {
    this.#done.committed(n);
    this.#changes.committed(n);
  }

  terminate(): void {
    this.#done.close();
  }

  /** Resolves when no journal chunk is being written (tests). */
  async settled(): Promise<void> {
    await Promise.all([this.#done.settled(), this.#changes.settled()]);
  }

  held(): number {
    return this.#held;
  }

  handleBatch(records: Nar[], ctx: HandlerContext): void {
    this.#catchUp(ctx);
    const now = this.#lastTick ?? 0;
    const view = this.#nar;
    for (let i = 0; i < records.length; i++) {
      view.r = records[i] as Nar;
      this.#accept(view, now, ctx);
    }
    this.#limits(ctx);
  }

  /** A batch read in place: the same as `handleBatch`, without making NAR objects of its records. */
  handlePackedBatch(batch: PackedBatch, ctx: HandlerContext): void {
    this.#catchUp(ctx);
    const now = this.#lastTick ?? 0;
    const view = this.#packed;
    view.load(batch);
    for (let i = 0; i < batch.header.count; i++) {
      view.select(i);
      this.#accept(view, now, ctx);
    }
    this.#limits(ctx);
  }

  handleTick(nowMs: number, ctx: HandlerContext): void {
    this.#catchUp(ctx);
    const previous = this.#lastTick;
    const now = previous === null ? nowMs : Math.max(previous, nowMs);
    this.#lastTick = now;
    const table = this.#table;
    if (previous === null) {
      // Sessions opened before the first tick have no tick time yet: their clocks start now.
      for (const s of table.all()) {
        s.updatedAt = s.holdSince = now;
        table.touch(s);
      }
      this.#alarms.firstTick(now);
    }
    const { maxHoldMs, inactivityTimeoutMs } = this.#s;
    for (let s = table.hold.head; s !== null && now - s.holdSince >= maxHoldMs; s = table.hold.head) {
      this.#holdExpired(s, now, ctx);
    }
    for (
      let s = table.idle.head;
      s !== null && now - s.updatedAt >= inactivityTimeoutMs;
      s = table.idle.head
    ) {
      if (this.#kinds.ruleOf(s.type) === RULE_TIMEOUT) {
        this.#flush(s, false, ctx);
        this.#close(s, false);
      } else this.#close(s, true); // a G-CDR session holding only keys: it never completed
    }
    this.#alarms.tick(now, ctx);
    this.#done.tick(this.#table.groups);
    this.#limits(ctx);
  }

  /**
   * After each call: more than `maxProcessedSessions` processed sessions in memory go to a spill
   * segment on disk; the limit alarms follow.
   */
  #limits(ctx: HandlerContext): void {
    this.#done.limit(this.#table.groups, this.#kinds.names, this.#s.maxProcessedSessions);
    this.#alarms.limits(this.#table.size, this.#done.counts(), ctx);
  }

  #accept(r: RecordView, now: number, ctx: HandlerContext): void {
    const s = this.#s;
    const recordType = r.get(s.recordTypeAttribute);
    const type = this.#kinds.kindOf(recordType);
    if (type === undefined) {
      ctx.emit(r.out());
      this.#alarms.unknownType(recordType, this.#lastTick, ctx);
      return;
    }
    if (type === PASS_THROUGH) {
      ctx.emit(r.out());
      return;
    }
    const key = sessionKeyOf(r, s.sessionKey);
    if (key === undefined) {
      ctx.quarantine(packValue(r.nar()), 'missing_session_key', {
        attribute: s.sessionKey[missingAttribute(r, s.sessionKey)],
      });
      return;
    }
    const table = this.#table;
    const group = table.group(hashString(key) % s.keyGroups);
    const time = recordTimeOf(r.get(s.timeAttribute));
    if (time > (group.watermark ?? -Infinity)) this.#advance(group, time);
    const rule = this.#kinds.ruleOf(type);
    // A key is open or processed, never both: most records find their open session first.
    let session = group.sessions[type]?.get(key);
    if (session === undefined) {
      const done = this.#done.lookup(group, type, this.#kinds.names[type] as string, key);
      if (done !== undefined) {
        this.#dropDuplicate(r, isForced(done) ? 'late_after_forced_close' : 'late_duplicate', ctx);
        return;
      }
      while (table.size >= s.maxOpenSessions) this.#evictOne(ctx);
      session = new Session(key, group.id, type, now);
      table.add(session, rule === RULE_COMPLETE ? table.hold : table.idle);
    } else if (rule === RULE_TIMEOUT && session.held > 0 && now - session.holdSince >= s.maxHoldMs) {
      this.#flush(session, false, ctx);
    }
    const seq = sequenceNumberOf(r.get(s.sequenceAttribute));
    if (!session.admit(recordKeyOf(r, s.recordKey), seq, r)) {
      this.#dropDuplicate(r, 'in_session_duplicate', ctx);
      return;
    }
    this.#held++;
    session.updatedAt = now;
    table.touch(session);
    if (rule === RULE_TIMEOUT) {
      if (session.held === 1) session.holdSince = now;
      table.moveTo(session, table.idle);
      return;
    }
    if (session.list === LIST_IDLE) {
      // A G-CDR session holding only keys holds a record again.
      session.holdSince = now;
      table.moveTo(session, table.hold);
    }
    if (this.#kinds.isFinal(r.get(s.closingAttribute))) session.final(seq);
    if (session.complete) {
      this.#flush(session, false, ctx);
      this.#close(session, false);
    }
  }

  /** The key group saw a later record time: move its watermark and forget what fell out of the window. */
  #advance(group: GroupState, time: number): void {
    const ahead = this.#s.maxTimeAheadMs;
    if (ahead > 0 && this.#lastTick !== null && time > this.#lastTick + ahead) return;
    this.#done.advance(group, time);
  }

  /**
   * Emits the held records in order; `mark`: a G-CDR session forced out, whose records carry the
   * missing sequence numbers when there is a gap. Returns nothing; keys stay for de-duplication.
   */
  #flush(s: Session, mark: boolean, ctx: HandlerContext): void {
    const n = s.held;
    if (n === 0) return;
    const missing = mark ? missingSequenceNumbers(s.seqList(), s.finalSeq) : '';
    for (const r of emissionOrder(s))
      ctx.emit(
        missing === '' ? this.#holder.emitted(r) : { ...heldNar(r), [MISSING_SEQUENCE_NUMBERS]: missing },
      );
    this.#held -= n;
    s.release();
    this.#table.touch(s);
    if (missing !== '') this.#alarms.incompleteEmitted(this.#lastTick, ctx);
  }

  /** Removes an open session and remembers it as processed. */
  #close(s: Session, forced: boolean): void {
    this.#table.remove(s);
    this.#done.add(this.#table.group(s.group), s.type, s.key, forced);
  }

  #holdExpired(s: Session, now: number, ctx: HandlerContext): void {
    this.#flush(s, true, ctx);
    if (s.finalSeq >= 0) {
      this.#close(s, true);
      return;
    }
    // No final record yet: a long session. It stays open with its keys, waiting for more.
    s.updatedAt = now;
    this.#table.moveTo(s, this.#table.idle);
  }

  /** Force-closes the open session nearest its own deadline (limit of open sessions reached). */
  #evictOne(ctx: HandlerContext): void {
    const s = this.#table.nearestDeadline(this.#s.inactivityTimeoutMs, this.#s.maxHoldMs);
    if (s === null) return;
    this.#flush(s, this.#kinds.ruleOf(s.type) === RULE_COMPLETE, ctx);
    this.#close(s, true);
    this.#alarms.openLimitReached(ctx);
  }

  #dropDuplicate(r: RecordView, reason: DuplicateReason, ctx: HandlerContext): void {
    ctx.duplicate(reason);
    if (!this.#s.auditDuplicates) return;
    ctx.count('created', 1);
    ctx.emit({ ...r.nar(), [DUPLICATE_REASON]: reason }, DUPLICATES_CHANNEL);
  }

  /** First call after a restore: raise the alarms again; emit sessions of types no longer tracked. */
  #catchUp(ctx: HandlerContext): void {
    if (this.#announce) {
      this.#announce = false;
      this.#alarms.announce(ctx, this.#done.counts());
    }
    if (this.#retired.length === 0) return;
    const retired = this.#retired;
    this.#retired = [];
    for (const { session } of retired) {
      for (const r of retiredRecords(session)) ctx.emit(r);
      this.#held -= session.records.length;
    }
  }
}
