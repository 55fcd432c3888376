/**
 * The order enhancer's snapshot: plain data, per key group, in ascending key-group order, so a
 * key group's state can move to another actor with pure functions (snapshot-moves.ts). Here: its
 * shape, the checks of a snapshot read back, and the held records written beside the sessions.
 */
import { unpackValue } from '../../../protocols/nar/batch.js';
import type { Nar } from '../../../protocols/nar/nar.js';
import { isAlarmSnapshot, type AlarmSnapshot } from './alarm-state.js';
import type { ProcessedListSnapshot } from './processed.js';

export class OrderEnhancerStateError extends Error {
  override readonly name = 'OrderEnhancerStateError';
  constructor(
    readonly code: 'invalid_snapshot' | 'key_group_conflict' | 'key_groups_differ',
    message: string,
  ) {
    super(message);
  }
}

export interface SessionSnapshot {
  recordType: string;
  key: string;
  /** Held records, in arrival order. */
  records: Nar[];
  /** Record keys of every accepted record; the first `emitted` were emitted already. */
  keys: string[];
  seqs: number[];
  emitted: number;
  finalSeq: number;
  updatedAt: number;
  holdSince: number;
  order: number;
  list: 'idle' | 'hold';
}

export interface ProcessedSnapshot extends ProcessedListSnapshot {
  recordType: string;
}

export interface GroupSnapshot {
  /** Highest usable record time seen in the key group (ms), null before the first. */
  watermark: number | null;
  /**
   * The stamp (second) the group's first watermark gave its pending processed entries (absent
   * before it, and in snapshots written before journals): journal chunks may hold them unstamped.
   */
  firstStamp?: number | undefined;
  sessions: SessionSnapshot[];
  processed: ProcessedSnapshot[];
}

/** Processed sessions spilled to disk (spill.ts): the next segment id and the live segments. */
export interface SpillSnapshot {
  readonly next: number;
  /** Live segment ids, oldest first. */
  readonly segments: number[];
}

/**
 * The journal of processed sessions (processed-journal.ts): the next chunk id and the live chunks,
 * oldest first. With it, a group's `processed` lists hold only the entries after the chunks'.
 */
export interface JournalSnapshot {
  readonly next: number;
  readonly chunks: number[];
}

/** A closed session whose versions session chunks may hold: [key group, record type, key]. */
export type ClosedSession = [number, string, string];

/**
 * The journal of open sessions (session-journal.ts): the next chunk id, the live chunks (oldest
 * first) and the tombstones no durable chunk holds yet. With it, a group's `sessions` hold only
 * the sessions changed since their latest version went to a durable chunk.
 */
export interface SessionJournalSnapshot {
  readonly next: number;
  readonly chunks: number[];
  /** Tombstones after the named chunks' (and after the pending chunk's). */
  readonly closed: ClosedSession[];
  /**
   * The bytes of the chunk being written at the snapshot, not durable yet: read after the named
   * chunks; the group's `sessions` then hold only the sessions changed since it was cut.
   */
  readonly pending?: Uint8Array | undefined;
}

export interface OrderEnhancerSnapshot {
  /**
   * 3 when it names or carries session chunks, 2 when it names processed journal chunks only (older builds,
   * which would restore it without what the chunks hold, refuse it), else 1.
   */
  version: 1 | 2 | 3;
  keyGroups: number;
  lastTick: number | null;
  /** Highest list stamp handed out. */
  order: number;
  alarms: AlarmSnapshot;
  /** [key group, its state], ascending by key group, only key groups with state. */
  groups: Array<[number, GroupSnapshot]>;
  /** Absent: nothing was ever spilled. */
  spill?: SpillSnapshot | undefined;
  /** Absent in snapshots written before journals: the processed lists are whole. */
  journal?: JournalSnapshot | undefined;
  /** Absent in snapshots written before session journals: the open sessions are all there. */
  sessionJournal?: SessionJournalSnapshot | undefined;
  /**
   * The held records of the sessions listing none, in the order the groups list them, as one
   * MessagePack array (`packRecords`: packed records' bytes copied, not packed again). Absent
   * when there are none, and in snapshots written before; `checkSnapshot` puts them in place.
   * (A build without it refuses such a snapshot: its sessions lack records.)
   */
  heldRecords?: Uint8Array | undefined;
}

/** The version a snapshot with these chunks named has (see `version`). */
export function stateVersion(s: Pick<OrderEnhancerSnapshot, 'journal' | 'sessionJournal'>): 1 | 2 | 3 {
  if ((s.sessionJournal?.chunks.length ?? 0) > 0 || s.sessionJournal?.pending !== undefined) return 3;
  return (s.journal?.chunks.length ?? 0) > 0 ? 2 : 1;
}

/** `{ next, <list>: ids }`, every id in 1..next-1: what names the files of a spill or a journal. */
function isFileIds(v: unknown, list: 'segments' | 'chunks'): boolean {
  const s = v as { next?: unknown; [k: string]: unknown } | null;
  if (typeof s !== 'object' || s === null || !Number.isSafeInteger(s.next)) return false;
  const ids = s[list];
  const next = s.next as number;
  return Array.isArray(ids) && ids.every((id) => Number.isSafeInteger(id) && id >= 1 && id < next);
}

export function isSpillSnapshot(v: unknown): v is SpillSnapshot {
  return isFileIds(v, 'segments');
}

export function isJournalSnapshot(v: unknown): v is JournalSnapshot {
  return isFileIds(v, 'chunks');
}

export function isClosedSession(t: unknown): t is ClosedSession {
  return (
    Array.isArray(t) &&
    t.length === 3 &&
    Number.isInteger(t[0]) &&
    typeof t[1] === 'string' &&
    typeof t[2] === 'string'
  );
}

export function isSessionJournalSnapshot(v: unknown): v is SessionJournalSnapshot {
  if (!isFileIds(v, 'chunks')) return false;
  const { closed, pending } = v as { closed?: unknown; pending?: unknown };
  return (
    (pending === undefined || pending instanceof Uint8Array) &&
    Array.isArray(closed) &&
    closed.every(isClosedSession)
  );
}

/** Checks the outline (the restore checks each entry); throws `invalid_snapshot`. */
export function checkSnapshot(v: unknown): OrderEnhancerSnapshot {
  const fail = (what: string): never => {
    throw new OrderEnhancerStateError('invalid_snapshot', `order-enhancer snapshot: expected ${what}`);
  };
  if (typeof v !== 'object' || v === null) return fail('an object');
  const s = v as Partial<OrderEnhancerSnapshot>;
  if (s.version !== 1 && s.version !== 2 && s.version !== 3) fail('version 1, 2 or 3');
  if (s.version === 2 && s.journal === undefined) fail('a journal in a version 2 snapshot');
  if (s.version === 3 && s.sessionJournal === undefined) fail('a session journal in a version 3 snapshot');
  if (typeof s.keyGroups !== 'number' || !Number.isInteger(s.keyGroups) || s.keyGroups < 1)
    fail('keyGroups ≥ 1');
  if (s.lastTick !== null && typeof s.lastTick !== 'number') fail('lastTick to be a number or null');
  if (typeof s.order !== 'number') fail('order to be a number');
  if (!isAlarmSnapshot(s.alarms)) fail('the alarm state');
  if (!Array.isArray(s.groups)) fail('groups to be a list');
  if (s.spill !== undefined && !isSpillSnapshot(s.spill)) fail('spill { next, segments: ids below next }');
  if (s.journal !== undefined && !isJournalSnapshot(s.journal))
    fail('journal { next, chunks: ids below next }');
  if (s.sessionJournal !== undefined && !isSessionJournalSnapshot(s.sessionJournal))
    fail('sessionJournal { next, chunks: ids below next, closed: [keyGroup, recordType, key] }');
  let last = -1;
  for (const entry of s.groups as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) return fail('each group as [keyGroup, state]');
    const [g, state] = entry as [unknown, unknown];
    if (typeof g !== 'number' || !Number.isInteger(g) || g <= last || g >= (s.keyGroups as number)) {
      fail(`key groups ascending in 0–${(s.keyGroups as number) - 1}, got ${String(g)}`);
    }
    last = g as number;
    const gs = state as Partial<GroupSnapshot> | null;
    if (
      typeof gs !== 'object' ||
      gs === null ||
      !Array.isArray(gs.sessions) ||
      !Array.isArray(gs.processed) ||
      (gs.watermark !== null && typeof gs.watermark !== 'number') ||
      (gs.firstStamp !== undefined && !Number.isSafeInteger(gs.firstStamp))
    ) {
      fail(`key group ${String(g)} to have watermark, sessions and processed (and an integer firstStamp)`);
    }
  }
  return withHeldRecords(s as OrderEnhancerSnapshot);
}

/**
 * The snapshot with `heldRecords` put in its sessions (itself when it has none): the form the pure
 * functions here work on. A copy: the snapshot given is not changed.
 */
export function withHeldRecords(s: OrderEnhancerSnapshot): OrderEnhancerSnapshot {
  if (s.heldRecords === undefined) return s;
  const fail = (what: string): never => {
    throw new OrderEnhancerStateError(
      'invalid_snapshot',
      `order-enhancer snapshot: expected heldRecords ${what}`,
    );
  };
  if (!(s.heldRecords instanceof Uint8Array)) return fail('as bytes');
  let held: unknown;
  try {
    held = unpackValue(s.heldRecords);
  } catch (err) {
    return fail(`as a MessagePack array (${(err as Error).message})`);
  }
  const { heldRecords: _packed, ...rest } = s;
  const groups: Array<[number, GroupSnapshot]> = [];
  const sessions: SessionSnapshot[] = [];
  for (const [g, gs] of rest.groups) {
    const own = gs.sessions.map((x) => ({ ...x }));
    groups.push([g, { ...gs, sessions: own }]);
    sessions.push(...own);
  }
  placeHeldRecords(sessions, held, (problem) => fail(`to fit the sessions: ${problem}`));
  return { ...rest, groups };
}

/**
 * Gives each session listing no records its held ones (`keys.length − emitted`) from `held`, in
 * order; `fail` is called when they do not fit exactly.
 */
export function placeHeldRecords(
  sessions: readonly SessionSnapshot[],
  held: unknown,
  fail: (problem: string) => never,
): void {
  if (!Array.isArray(held)) fail(`expected a list of records, got ${typeof held}`);
  const records = held as Nar[];
  let at = 0;
  for (const s of sessions) {
    if (typeof s !== 'object' || s === null || (Array.isArray(s.records) && s.records.length > 0)) continue;
    const n = Array.isArray(s.keys) && Number.isInteger(s.emitted) ? s.keys.length - s.emitted : -1;
    if (n < 0 || at + n > records.length) fail(`session "${s.key}": its held records are not all there`);
    s.records = records.slice(at, at + n);
    at += n;
  }
  if (at !== records.length) fail(`${records.length - at} held records belong to no session`);
}
