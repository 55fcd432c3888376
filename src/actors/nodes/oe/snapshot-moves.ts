/**
 * Key groups' state moving between actors, as pure functions over snapshots (snapshot.ts):
 * `splitSnapshot` cuts a snapshot in two by key group, `mergeSnapshots` joins snapshots of disjoint
 * key groups, and `regroupSnapshot` re-places every session for another number of key groups (after
 * a change of `keyGroups`). Actor-level parts (tick time, list stamps, alarms) go to both halves of
 * a split and are merged by taking the latest/highest. Each takes snapshots as written (held
 * records beside the sessions) and gives them with the records in their sessions.
 */
import { hashString } from '../../routing/key-groups.js';
import { mergeAlarms } from './alarm-state.js';
import {
  OrderEnhancerStateError,
  withHeldRecords,
  type GroupSnapshot,
  type OrderEnhancerSnapshot,
  type ProcessedSnapshot,
  type SessionSnapshot,
} from './snapshot.js';

/** `snapshot` cut in two: the key groups `keepGroup` accepts, and the others. */
export function splitSnapshot(
  whole: OrderEnhancerSnapshot,
  keepGroup: (keyGroup: number) => boolean,
): { kept: OrderEnhancerSnapshot; moved: OrderEnhancerSnapshot } {
  const snapshot = withHeldRecords(whole);
  const kept: Array<[number, GroupSnapshot]> = [];
  const moved: Array<[number, GroupSnapshot]> = [];
  for (const entry of snapshot.groups) (keepGroup(entry[0]) ? kept : moved).push(entry);
  return { kept: { ...snapshot, groups: kept }, moved: { ...snapshot, groups: moved } };
}

/** Snapshots of disjoint key groups (same `keyGroups`) joined into one. */
export function mergeSnapshots(given: readonly OrderEnhancerSnapshot[]): OrderEnhancerSnapshot {
  const snapshots = given.map(withHeldRecords);
  const first = snapshots[0];
  if (first === undefined) {
    throw new OrderEnhancerStateError('invalid_snapshot', 'mergeSnapshots: expected at least one snapshot');
  }
  const groups = new Map<number, GroupSnapshot>();
  let lastTick: number | null = null;
  let order = 0;
  for (const s of snapshots) {
    if (s.keyGroups !== first.keyGroups) {
      throw new OrderEnhancerStateError(
        'key_groups_differ',
        `mergeSnapshots: expected snapshots over the same number of key groups, got ${first.keyGroups} and ${s.keyGroups}`,
      );
    }
    for (const [g, state] of s.groups) {
      if (groups.has(g)) {
        throw new OrderEnhancerStateError(
          'key_group_conflict',
          `mergeSnapshots: expected each key group in one snapshot only, key group ${g} is in two`,
        );
      }
      groups.set(g, state);
    }
    if (s.lastTick !== null) lastTick = lastTick === null ? s.lastTick : Math.max(lastTick, s.lastTick);
    order = Math.max(order, s.order);
  }
  // Spill segments and journal chunks are files of one actor: read back into the state before a merge.
  const spillNext = mergedNext(
    snapshots.map((s) => s.spill),
    (sp) => sp.segments.length > 0,
    'spill segments (their entries back in memory)',
  );
  const journalNext = mergedNext(
    snapshots.map((s) => s.journal),
    (j) => j.chunks.length > 0,
    'journal chunks (their entries back in the lists)',
  );
  const sessionJournalNext = mergedNext(
    snapshots.map((s) => s.sessionJournal),
    (j) => j.chunks.length > 0 || j.pending !== undefined,
    'session chunks (their sessions back in the groups)',
  );
  return {
    version: 1,
    keyGroups: first.keyGroups,
    lastTick,
    order,
    alarms: mergeAlarms(snapshots.map((s) => s.alarms)),
    groups: [...groups.entries()].sort((a, b) => a[0] - b[0]),
    ...(spillNext === undefined ? {} : { spill: { next: spillNext, segments: [] } }),
    ...(journalNext === undefined ? {} : { journal: { next: journalNext, chunks: [] } }),
    ...(sessionJournalNext === undefined
      ? {}
      : { sessionJournal: { next: sessionJournalNext, chunks: [], closed: [] } }),
  };
}

/**
 * The highest `next` of the snapshots' file lists of one kind (undefined: none has one); throws
 * `invalid_snapshot` when one still names files (`namesFiles`).
 */
function mergedNext<T extends { readonly next: number }>(
  lists: ReadonlyArray<T | undefined>,
  namesFiles: (list: T) => boolean,
  what: string,
): number | undefined {
  let next: number | undefined;
  for (const list of lists) {
    if (list === undefined) continue;
    if (namesFiles(list)) {
      throw new OrderEnhancerStateError(
        'invalid_snapshot',
        `mergeSnapshots: expected snapshots without ${what}`,
      );
    }
    next = Math.max(next ?? 0, list.next);
  }
  return next;
}

/**
 * `snapshot` over `keyGroups` key groups: every session and processed session goes to the group
 * its key hashes to. A new group's watermark is the lowest of the groups it takes entries from
 * (so nothing expires earlier than it would have); its processed entries are ordered by stamp.
 */
export function regroupSnapshot(given: OrderEnhancerSnapshot, keyGroups: number): OrderEnhancerSnapshot {
  const snapshot = withHeldRecords(given);
  interface Building {
    watermark: number | null;
    sessions: SessionSnapshot[];
    processed: Map<string, Array<{ key: string; second: number | null; forced: number }>>;
  }
  const out = new Map<number, Building>();
  const at = (key: string): Building => {
    const g = hashString(key) % keyGroups;
    let b = out.get(g);
    if (b === undefined) out.set(g, (b = { watermark: null, sessions: [], processed: new Map() }));
    return b;
  };
  const lower = (b: Building, w: number | null): void => {
    if (w !== null) b.watermark = b.watermark === null ? w : Math.min(b.watermark, w);
  };
  for (const [, gs] of snapshot.groups) {
    for (const s of gs.sessions) {
      const b = at(s.key);
      b.sessions.push(s);
      lower(b, gs.watermark);
    }
    for (const p of gs.processed) {
      p.keys.forEach((key, i) => {
        const b = at(key);
        lower(b, gs.watermark);
        let list = b.processed.get(p.recordType);
        if (list === undefined) b.processed.set(p.recordType, (list = []));
        list.push({ key, second: p.seconds[i] ?? null, forced: p.forced[i] ?? 0 });
      });
    }
  }
  const groups: Array<[number, GroupSnapshot]> = [...out.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([g, b]) => {
      const stamp = b.watermark === null ? null : Math.floor(b.watermark / 1000);
      const processed: ProcessedSnapshot[] = [...b.processed.entries()].map(([recordType, entries]) => {
        const timed = entries.map((e) => ({ ...e, second: e.second ?? stamp }));
        // Pending (null) first, then by stamp; the sort is stable.
        timed.sort((x, y) => (x.second ?? -Infinity) - (y.second ?? -Infinity));
        return {
          recordType,
          keys: timed.map((e) => e.key),
          seconds: timed.map((e) => e.second),
          forced: timed.map((e) => e.forced),
        };
      });
      return [g, { watermark: b.watermark, sessions: b.sessions, processed }];
    });
  return { ...snapshot, keyGroups, groups };
}
