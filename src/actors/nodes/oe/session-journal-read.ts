/**
 * Reading the journal of open sessions (session-journal.ts): its chunk files, the chunk a snapshot
 * carries while it is being written, and the fold of them all into a whole snapshot.
 */
import { join } from 'node:path';
import { unpackValues } from '../../../protocols/nar/batch.js';
import { ChunkFiles } from '../../durability/chunk-files.js';
import {
  isClosedSession,
  placeHeldRecords,
  OrderEnhancerStateError,
  stateVersion,
  type ClosedSession,
  type GroupSnapshot,
  type OrderEnhancerSnapshot,
  type SessionSnapshot,
} from './snapshot.js';

export const SESSION_JOURNAL_DIR = 'oe-sessions';
export const SESSION_CHUNK_SUFFIX = '.nsj';

export interface ChunkHeader {
  /** 2: the held records in a fourth value; 1: in each session. */
  readonly version: 1 | 2;
  readonly closed: number;
  readonly sessions: number;
  /** Version 2: the held records of all the sessions. */
  readonly records?: number;
}

/** A session's identity across key groups: record type NUL key. */
export const sessionId = (recordType: string, key: string): string => `${recordType}\u0000${key}`;

export function sessionChunkFiles(actorDir: string): ChunkFiles {
  return new ChunkFiles(join(actorDir, SESSION_JOURNAL_DIR), SESSION_CHUNK_SUFFIX);
}

/** What `readSessionJournal` found besides the whole snapshot. */
export interface ReadSessions {
  readonly snapshot: OrderEnhancerSnapshot;
  /** Per session (`recordType` NUL `key`) whose latest version is in a chunk: that chunk. */
  readonly origin: Map<string, number>;
  /** Sessions some chunk holds a version of. */
  readonly written: Set<string>;
  /** Versions per chunk. */
  readonly entries: Map<number, number>;
  /** Tombstones no named chunk holds (the pending chunk's, then the snapshot's own): still to be journaled. */
  readonly closed: ClosedSession[];
}

/** A chunk's tombstones and sessions; `what` names it in errors. */
function parseChunk(
  what: string,
  read: () => Uint8Array,
): { closed: ClosedSession[]; sessions: Array<[number, SessionSnapshot]> } {
  const fail = (problem: string): never => {
    throw new OrderEnhancerStateError('invalid_snapshot', `order-enhancer ${what}: ${problem}`);
  };
  let values: unknown[] = [];
  try {
    values = unpackValues(read());
  } catch (err) {
    fail((err as Error).message);
  }
  const [header, closed, listed, held] = values as [
    Partial<ChunkHeader> | undefined,
    unknown,
    unknown,
    unknown,
  ];
  const version = header?.version;
  if (
    values.length !== (version === 2 ? 4 : 3) ||
    (version !== 1 && version !== 2) ||
    !Array.isArray(closed) ||
    !Array.isArray(listed) ||
    listed.length !== header?.sessions
  ) {
    fail(
      `expected a version 1 or 2 header, the tombstones, a list of ${String(header?.sessions)} sessions ` +
        `(and, version 2, their held records), got ${values.length} values`,
    );
  }
  if ((closed as unknown[]).length !== header?.closed || !(closed as unknown[]).every(isClosedSession)) {
    fail(`expected ${String(header?.closed)} tombstones [keyGroup, recordType, key]`);
  }
  const sessions = listed as Array<[number, SessionSnapshot]>;
  for (const entry of sessions) {
    const ok =
      Array.isArray(entry) &&
      entry.length === 2 &&
      Number.isInteger(entry[0]) &&
      typeof entry[1] === 'object' &&
      entry[1] !== null &&
      typeof entry[1].recordType === 'string' &&
      typeof entry[1].key === 'string';
    if (!ok) fail('expected sessions as [keyGroup, session]');
  }
  if (version === 2) {
    if (!Array.isArray(held) || held.length !== header?.records)
      fail(`expected ${String(header?.records)} held records`);
    placeHeldRecords(
      sessions.map(([, s]) => s),
      held,
      fail,
    );
  }
  return { closed: closed as ClosedSession[], sessions };
}

/**
 * `snapshot` with the open sessions of its session chunks (files under `actorDir`) folded in:
 * the chunks in order, each one's tombstones then its sessions, then the snapshot's own; the
 * result names no chunk. For restoring, regrouping and moving key groups.
 */
export function readSessionJournal(snapshot: OrderEnhancerSnapshot, actorDir: string): ReadSessions {
  const journal = snapshot.sessionJournal;
  const ids = journal?.chunks ?? [];
  const origin = new Map<string, number>();
  const written = new Set<string>();
  const entries = new Map<number, number>();
  let closedSince = journal?.closed ?? [];
  if (ids.length === 0 && journal?.pending === undefined)
    return { snapshot, origin, written, entries, closed: closedSince };
  const open = new Map<string, { group: number; session: SessionSnapshot }>();
  const files = sessionChunkFiles(actorDir);
  /** `session` is the latest version of its session; `chunk`: the named chunk holding it, if one does. */
  const put = (group: number, session: SessionSnapshot, chunk?: number): void => {
    const id = sessionId(session.recordType, session.key);
    open.set(id, { group, session });
    if (chunk === undefined) {
      origin.delete(id);
      return;
    }
    origin.set(id, chunk);
    written.add(id);
  };
  const hide = (closed: readonly ClosedSession[]): void => {
    for (const [, recordType, key] of closed) {
      const id = sessionId(recordType, key);
      open.delete(id);
      origin.delete(id);
    }
  };
  for (const chunk of ids) {
    const { closed, sessions } = parseChunk(`session chunk ${files.file(chunk)}`, () => files.read(chunk));
    entries.set(chunk, sessions.length);
    hide(closed);
    for (const [group, session] of sessions) put(group, session, chunk);
  }
  const pending = journal?.pending;
  if (pending !== undefined) {
    // The chunk being written when the snapshot was taken: after the named ones, before the snapshot's own.
    const { closed, sessions } = parseChunk('snapshot: the session chunk being written', () => pending);
    hide(closed);
    closedSince = [...closed, ...closedSince]; // (not unshift(...closed): no argument-count limit)
    for (const [group, session] of sessions) put(group, session);
  }
  hide(journal?.closed ?? []);
  for (const [group, gs] of snapshot.groups) for (const session of gs.sessions) put(group, session);
  const groups = new Map<number, GroupSnapshot>(
    snapshot.groups.map(([g, gs]) => [g, { ...gs, sessions: [] as SessionSnapshot[] }]),
  );
  for (const { group, session } of open.values()) {
    let gs = groups.get(group);
    if (gs === undefined) groups.set(group, (gs = { watermark: null, sessions: [], processed: [] }));
    gs.sessions.push(session);
  }
  const sessionJournal = { next: journal?.next ?? 1, chunks: [], closed: [] };
  return {
    snapshot: {
      ...snapshot,
      version: stateVersion({ ...snapshot, sessionJournal }),
      groups: [...groups.entries()].sort((a, b) => a[0] - b[0]),
      sessionJournal,
    },
    origin,
    written,
    entries,
    closed: closedSince,
  };
}
