/**
 * Open sessions per key group and record type (seed FIG. 16: "session table"), plus two timer
 * lists across all key groups. Every open session is on exactly one list:
 *  - idle: S-CDR sessions, and G-CDR sessions holding no records (after a hold flush), in order of
 *    their last record's tick time; a record moves its session to the tail. Head first, they time
 *    out after `inactivityTimeoutMs`.
 *  - hold: G-CDR sessions holding records, in order of the tick time their oldest held record
 *    arrived; head first, they are flushed after `maxHoldMs`.
 * Both lists are in deadline order, so a tick only looks at their heads. Each list move stamps
 * the session with a growing `order`, which rebuilds both lists exactly after a restore.
 * Every change of an open session goes through `touch` (the table's own moves call it), and
 * `changes` (the session journal) hears of it and of each removal.
 */
import { ProcessedList } from './processed.js';
import { LIST_HOLD, LIST_IDLE, LIST_NONE, type Session } from './session.js';

export class SessionList {
  head: Session | null = null;
  tail: Session | null = null;

  constructor(readonly id: typeof LIST_IDLE | typeof LIST_HOLD) {}

  append(s: Session, order: number): void {
    s.order = order;
    s.list = this.id;
    s.prev = this.tail;
    s.next = null;
    if (this.tail === null) this.head = s;
    else this.tail.next = s;
    this.tail = s;
  }

  remove(s: Session): void {
    if (s.prev === null) this.head = s.next;
    else s.prev.next = s.next;
    if (s.next === null) this.tail = s.prev;
    else s.next.prev = s.prev;
    s.prev = null;
    s.next = null;
    s.list = LIST_NONE;
  }
}

/** The state of one key group. */
export class GroupState {
  /** Highest usable record time seen in this key group (ms), or null before the first one. */
  watermark: number | null = null;
  /** The stamp its first watermark gave the pending processed entries (second), if it came. */
  firstStamp: number | undefined = undefined;
  /** Processed entries stamped before this second are gone (derived: not in the snapshot). */
  cutoff = -Infinity;
  /** Open sessions by record type index, then session key. */
  readonly sessions: Array<Map<string, Session> | undefined> = [];
  /** Processed sessions by record type index. */
  readonly processed: Array<ProcessedList | undefined> = [];

  constructor(readonly id: number) {}

  processedList(type: number): ProcessedList {
    let list = this.processed[type];
    if (list === undefined) this.processed[type] = list = new ProcessedList();
    return list;
  }

  sessionMap(type: number): Map<string, Session> {
    let map = this.sessions[type];
    if (map === undefined) this.sessions[type] = map = new Map();
    return map;
  }
}

/** Told of every change of an open session and of its removal (session-journal.ts). */
export interface SessionChanges {
  touched(s: Session): void;
  removed(s: Session): void;
}

const IGNORED: SessionChanges = { touched: () => undefined, removed: () => undefined };

export class SessionTable {
  readonly groups: Array<GroupState | undefined>;
  readonly idle = new SessionList(LIST_IDLE);
  readonly hold = new SessionList(LIST_HOLD);
  /** Open sessions. */
  size = 0;
  /** Last list stamp handed out. */
  order = 0;

  constructor(
    readonly keyGroups: number,
    readonly changes: SessionChanges = IGNORED,
  ) {
    this.groups = new Array<GroupState | undefined>(keyGroups);
  }

  group(g: number): GroupState {
    let state = this.groups[g];
    if (state === undefined) this.groups[g] = state = new GroupState(g);
    return state;
  }

  add(s: Session, list: SessionList): void {
    this.group(s.group).sessionMap(s.type).set(s.key, s);
    this.size++;
    list.append(s, ++this.order);
    this.changes.touched(s);
  }

  /**
   * The open session nearest its own deadline: the idle list's head (`inactivityMs` after its last
   * record) or the hold list's head (`holdMs` after its oldest held record), the idle one on a tie.
   */
  nearestDeadline(inactivityMs: number, holdMs: number): Session | null {
    const a = this.idle.head;
    const b = this.hold.head;
    if (a === null) return b;
    if (b === null) return a;
    return a.updatedAt + inactivityMs <= b.holdSince + holdMs ? a : b;
  }

  remove(s: Session): void {
    this.groups[s.group]?.sessions[s.type]?.delete(s.key);
    this.size--;
    this.#listOf(s)?.remove(s);
    this.changes.removed(s);
  }

  /** `s` changed (records, times, completeness). */
  touch(s: Session): void {
    this.changes.touched(s);
  }

  /** Moves `s` to the tail of `list` (from wherever it is). */
  moveTo(s: Session, list: SessionList): void {
    this.changes.touched(s);
    if (s.list === list.id && list.tail === s) {
      s.order = ++this.order;
      return;
    }
    this.#listOf(s)?.remove(s);
    list.append(s, ++this.order);
  }

  /** Every open session, list by list in list order (idle first). */
  *all(): IterableIterator<Session> {
    for (let s = this.idle.head; s !== null; s = s.next) yield s;
    for (let s = this.hold.head; s !== null; s = s.next) yield s;
  }

  #listOf(s: Session): SessionList | undefined {
    return s.list === LIST_IDLE ? this.idle : s.list === LIST_HOLD ? this.hold : undefined;
  }
}
