/**
 * Key groups moving between the actors of an order enhancer, when its partitions, its key groups
 * or the ring that places key groups on actors changed. Every old actor is quiescent (its input
 * fully handled), so its snapshot is its whole state. The snapshots are joined (regrouped by key
 * when the number of key groups changed) and cut by the new placement; the actor-level parts
 * (tick time, list stamps, alarms) are merged and go to every new actor, as `splitSnapshot` does.
 * A session, its held records and its duplicate history move together: nothing a session had
 * seen is forgotten, so a late duplicate is caught by whichever actor its key group now lives on.
 */
import type { KeyGroupPlacement, Repartitioned } from '../registry.js';
import { hashString } from '../../routing/key-groups.js';
import {
  checkSnapshot,
  OrderEnhancerStateError,
  type GroupSnapshot,
  type OrderEnhancerSnapshot,
} from './snapshot.js';
import { mergeSnapshots, regroupSnapshot } from './snapshot-moves.js';
import { readJournal } from './processed-journal.js';
import { readSessionJournal } from './session-journal-read.js';
import { unspill } from './spill.js';

function checkPlacement(p: KeyGroupPlacement): void {
  const ok =
    Number.isInteger(p.keyGroups) &&
    p.keyGroups >= 1 &&
    Number.isInteger(p.actors) &&
    p.actors >= 1 &&
    p.ownerOf.length === p.keyGroups &&
    p.ownerOf.every((a) => Number.isInteger(a) && a >= 0 && a < p.actors);
  if (!ok) {
    throw new OrderEnhancerStateError(
      'invalid_snapshot',
      `order-enhancer repartition: expected an owner 0–${p.actors - 1} for each of ${p.keyGroups} key groups`,
    );
  }
}

/** The held records of a key group's sessions. */
function heldIn(gs: GroupSnapshot): number {
  let n = 0;
  for (const s of gs.sessions) n += s.records.length;
  return n;
}

/** The old snapshots joined over the placement's key groups. */
function join(present: readonly OrderEnhancerSnapshot[], keyGroups: number): OrderEnhancerSnapshot {
  if (present.every((s) => s.keyGroups === keyGroups)) return mergeSnapshots(present);
  // Actor-level parts merged as usual; the groups of all actors regrouped by key, so entries of
  // one new key group that lived on several actors come together.
  const header = mergeSnapshots(present.map((s) => ({ ...s, keyGroups, groups: [] })));
  return regroupSnapshot({ ...header, groups: present.flatMap((s) => s.groups) }, keyGroups);
}

export function repartitionSnapshots(
  states: readonly unknown[],
  placement: KeyGroupPlacement,
): Repartitioned {
  checkPlacement(placement);
  const { keyGroups, actors, ownerOf } = placement;
  const snaps = states.map((s) => (s === undefined || s === null ? undefined : checkSnapshot(s)));
  if (snaps.some((s) => (s?.spill?.segments.length ?? 0) > 0)) {
    throw new OrderEnhancerStateError(
      'invalid_snapshot',
      'order-enhancer repartition: expected snapshots with their spilled sessions back in memory (unspill)',
    );
  }
  const moved = snaps.map(() => new Array<number>(actors).fill(0));
  snaps.forEach((snap, from) => {
    for (const [, gs] of snap?.groups ?? []) {
      for (const s of gs.sessions) {
        const row = moved[from] as number[];
        const to = ownerOf[hashString(s.key) % keyGroups] as number;
        row[to] = (row[to] as number) + s.records.length;
      }
    }
  });
  const present = snaps.filter((s): s is OrderEnhancerSnapshot => s !== undefined);
  if (present.length === 0) {
    return { states: new Array<unknown>(actors).fill(null), held: new Array<number>(actors).fill(0), moved };
  }
  const joined = join(present, keyGroups);
  const parts: Array<Array<[number, GroupSnapshot]>> = Array.from({ length: actors }, () => []);
  for (const entry of joined.groups)
    (parts[ownerOf[entry[0]] as number] as Array<[number, GroupSnapshot]>).push(entry);
  return {
    states: parts.map((groups) => ({ ...joined, groups })),
    held: parts.map((groups) => groups.reduce((n, [, gs]) => n + heldIn(gs), 0)),
    moved,
  };
}

/**
 * The order enhancer's `repartition`: each old actor's journal chunks (open and processed
 * sessions) and spilled sessions (files in its directory) back in its snapshot first, then
 * `repartitionSnapshots`; the new states name no file.
 */
export function repartitionActors(
  states: readonly unknown[],
  placement: KeyGroupPlacement,
  actorDirs: readonly string[],
  processedWindowMs: number,
): Repartitioned {
  const inMemory = states.map((st, i) => {
    if (st === undefined || st === null) return st;
    const dir = actorDirs[i] as string;
    const whole = readJournal(readSessionJournal(checkSnapshot(st), dir).snapshot, dir, processedWindowMs);
    return unspill(whole.snapshot, dir, processedWindowMs);
  });
  return repartitionSnapshots(inMemory, placement);
}
