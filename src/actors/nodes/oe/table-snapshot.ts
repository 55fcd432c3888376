/**
 * Live state ⇄ snapshot. Taking a snapshot copies lists (held records are shared: they are never
 * changed while held). Restoring rebuilds the session maps, both timer lists (by deadline, then
 * list stamp, key group and key, which is their exact order for a snapshot of one actor) and the
 * processed lists. Sessions of a record type the settings no longer track are handed back as
 * retired (their records are emitted at the next call); processed sessions of such types are
 * dropped.
 */
import { packRecords } from '../../../protocols/nar/batch.js';
import type { Nar } from '../../../protocols/nar/nar.js';
import type { NarRecord } from '../../../protocols/nar/packed-nar.js';
import type { RecordKinds } from './record-kinds.js';
import { heldNar, type Held, type RecordHolder } from './held-record.js';
import { emissionOrder, LIST_HOLD, Session } from './session.js';
import type { SessionTable } from './session-table.js';
import {
  OrderEnhancerStateError,
  type GroupSnapshot,
  type OrderEnhancerSnapshot,
  type ProcessedSnapshot,
  type SessionSnapshot,
} from './snapshot.js';

/** A session whose record type is no longer tracked, kept as it came until it is emitted. */
export interface RetiredSession {
  readonly group: number;
  readonly session: SessionSnapshot;
}

/**
 * A session as plain data, without its held records (`records` empty): the writers write those
 * apart, as the packed bytes they are held as (`placeHeldRecords` puts them back).
 */
export function sessionSnapshot(s: Session, kinds: RecordKinds): SessionSnapshot {
  const keys: string[] = [];
  for (let i = 0; i < s.accepted; i++) keys.push(s.keyAt(i));
  return {
    recordType: kinds.names[s.type] as string,
    key: s.key,
    records: [],
    keys,
    seqs: s.seqList(),
    emitted: s.emitted,
    finalSeq: s.finalSeq,
    updatedAt: s.updatedAt,
    holdSince: s.holdSince,
    order: s.order,
    list: s.list === LIST_HOLD ? 'hold' : 'idle',
  };
}

/**
 * The table's key groups with the open sessions `inline` (the others are in session journal
 * chunks) and the retired ones; each processed list from its `journaled` position on (the entries
 * before it are in processed journal chunks). The inline sessions' held records are not in their
 * sessions but in `heldRecords` (absent: none), packed as they are held, in the order the groups
 * list the sessions (see `placeHeldRecords`); retired sessions keep theirs.
 */
export function snapshotGroups(
  table: SessionTable,
  kinds: RecordKinds,
  inline: Iterable<Session>,
  retired: readonly RetiredSession[],
  holder: Pick<RecordHolder, 'emitted'>,
): Pick<OrderEnhancerSnapshot, 'groups' | 'heldRecords'> {
  const out: Array<[number, GroupSnapshot]> = [];
  const records: NarRecord[] = [];
  const sessionsBy = new Map<number, Array<[SessionSnapshot, Session | undefined]>>();
  const add = (g: number, s: SessionSnapshot, live?: Session): void => {
    const list = sessionsBy.get(g);
    if (list === undefined) sessionsBy.set(g, [[s, live]]);
    else list.push([s, live]);
  };
  for (const s of inline) add(s.group, sessionSnapshot(s, kinds), s);
  for (const r of retired) add(r.group, r.session);
  for (let g = 0; g < table.keyGroups; g++) {
    const state = table.groups[g];
    const listed = sessionsBy.get(g) ?? [];
    if (state === undefined && listed.length === 0) continue;
    const processed: ProcessedSnapshot[] = [];
    if (state !== undefined) {
      state.processed.forEach((list, type) => {
        if (list === undefined || list.size === 0) return;
        const own = list.snapshot(list.journaled);
        if (own.keys.length > 0) processed.push({ recordType: kinds.names[type] as string, ...own });
      });
    }
    const watermark = state?.watermark ?? null;
    if (listed.length === 0 && processed.length === 0 && watermark === null) continue;
    const sessions: SessionSnapshot[] = [];
    for (const [snapshot, live] of listed) {
      sessions.push(snapshot);
      if (live !== undefined) for (const h of live.heldRecords()) records.push(holder.emitted(h));
    }
    const firstStamp = state?.firstStamp;
    out.push([g, { watermark, sessions, processed, ...(firstStamp === undefined ? {} : { firstStamp }) }]);
  }
  return records.length > 0 ? { groups: out, heldRecords: packRecords(records) } : { groups: out };
}

export interface Restored {
  held: number;
  processed: number;
  retired: RetiredSession[];
}

const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

function checkSession(s: SessionSnapshot, g: number): void {
  const ok =
    typeof s === 'object' &&
    s !== null &&
    typeof s.recordType === 'string' &&
    typeof s.key === 'string' &&
    Array.isArray(s.records) &&
    Array.isArray(s.keys) &&
    s.keys.every((k) => typeof k === 'string') &&
    isNumberList(s.seqs) &&
    s.seqs.length === s.keys.length &&
    Number.isInteger(s.emitted) &&
    s.emitted + s.records.length === s.keys.length &&
    typeof s.finalSeq === 'number' &&
    typeof s.updatedAt === 'number' &&
    typeof s.holdSince === 'number' &&
    typeof s.order === 'number' &&
    (s.list === 'idle' || s.list === 'hold');
  if (!ok) {
    throw new OrderEnhancerStateError(
      'invalid_snapshot',
      `order-enhancer snapshot: key group ${g}: expected sessions with recordType, key, records, keys and seqs (one per accepted record), emitted, finalSeq, times, order and list`,
    );
  }
}

/**
 * Fills an empty `table` from `snapshot` (whose keyGroups equal the table's); `keep` makes each
 * held record what a live session holds.
 */
export function restoreGroups(
  snapshot: OrderEnhancerSnapshot,
  table: SessionTable,
  kinds: RecordKinds,
  keep: (r: Nar) => Held,
): Restored {
  const result: Restored = { held: 0, processed: 0, retired: [] };
  const idle: Session[] = [];
  const hold: Session[] = [];
  for (const [g, gs] of snapshot.groups) {
    const group = table.group(g);
    group.watermark = gs.watermark;
    group.firstStamp = gs.firstStamp;
    for (const s of gs.sessions) {
      checkSession(s, g);
      const type = kinds.indexOf(s.recordType);
      if (type === undefined) {
        result.retired.push({ group: g, session: s });
        result.held += s.records.length;
        continue;
      }
      const live = liveSession(s, g, type, keep);
      live.holdSince = s.holdSince;
      live.order = s.order;
      if (s.finalSeq >= 0) live.final(s.finalSeq);
      if (group.sessionMap(type).has(s.key)) {
        throw new OrderEnhancerStateError(
          'invalid_snapshot',
          `order-enhancer snapshot: key group ${g}: session "${s.key}" (${s.recordType}) twice`,
        );
      }
      group.sessionMap(type).set(s.key, live);
      table.size++;
      result.held += live.held;
      (s.list === 'hold' ? hold : idle).push(live);
    }
    for (const p of gs.processed) {
      const type = kinds.indexOf(p.recordType);
      if (type === undefined) continue;
      const problem =
        Array.isArray(p.keys) && Array.isArray(p.seconds) && Array.isArray(p.forced)
          ? group.processedList(type).restore(p)
          : 'expected keys, seconds and forced lists';
      if (problem !== undefined) {
        throw new OrderEnhancerStateError(
          'invalid_snapshot',
          `order-enhancer snapshot: key group ${g}, processed ${p.recordType}: ${problem}`,
        );
      }
      result.processed += group.processedList(type).size;
    }
  }
  const byDeadline =
    (at: (s: Session) => number) =>
    (a: Session, b: Session): number =>
      at(a) - at(b) || a.order - b.order || a.group - b.group || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  idle.sort(byDeadline((s) => s.updatedAt));
  hold.sort(byDeadline((s) => s.holdSince));
  let order = snapshot.order;
  for (const s of idle) {
    table.idle.append(s, s.order);
    order = Math.max(order, s.order);
  }
  for (const s of hold) {
    table.hold.append(s, s.order);
    order = Math.max(order, s.order);
  }
  table.order = order;
  return result;
}

function liveSession(s: SessionSnapshot, g: number, type: number, keep: (r: Nar) => Held): Session {
  const live = new Session(s.key, g, type, s.updatedAt);
  for (let i = 0; i < s.keys.length; i++) {
    live.restoreItem(
      s.keys[i] as string,
      s.seqs[i] as number,
      i < s.emitted ? null : keep(s.records[i - s.emitted] as Nar),
    );
  }
  live.emitted = s.emitted;
  return live;
}

/** A retired session's held records in emission order (by sequence number, unnumbered last). */
export function retiredRecords(s: SessionSnapshot): Nar[] {
  return emissionOrder(liveSession(s, 0, 0, heldNar)).map(heldNar);
}
