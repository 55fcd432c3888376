/**
 * The order enhancer's alarms, kept in its snapshot (the runtime's alarm table is not) and raised
 * again after a restore:
 *  - `open_sessions_limit`: a session was force-closed because `maxOpenSessions` were open;
 *    cleared when fewer than 90% of the limit are open.
 *  - `processed_sessions_limit`: more than `maxProcessedSessions` processed sessions were kept in
 *    memory, so they went to spill segments on disk (nothing inside the window is forgotten); the
 *    detail counts what is on disk. Cleared once no spill segment is left (all expired).
 *  - `incomplete_sessions`: a G-CDR session was emitted with a sequence-number gap
 *    (`missingSequenceNumbers`); the detail counts them since the state began. Cleared at the
 *    first tick an hour of tick time after the last one.
 *  - `unknown_record_types`: records of a type in no `recordTypes` list were passed through
 *    untracked; the detail counts them and names up to 8 types. Cleared like the one above.
 */
import type { AttributeValue } from '../../../protocols/nar/nar.js';
import type { HandlerContext } from '../../runtime/actor.js';

/** An event alarm clears after this much tick time without a new event. */
export const ALARM_QUIET_MS = 3_600_000;
const MAX_TYPE_NAMES = 8;
const MAX_TYPE_NAME_LENGTH = 64;

export interface AlarmSnapshot {
  openLimit: boolean;
  processedLimit: boolean;
  incomplete: number;
  /** Tick time of the last incomplete emission while the alarm is raised (null: before a tick). */
  incompleteAt: number | null;
  incompleteRaised: boolean;
  unknown: number;
  unknownTypes: string[];
  unknownAt: number | null;
  unknownRaised: boolean;
}

export function emptyAlarms(): AlarmSnapshot {
  return {
    openLimit: false,
    processedLimit: false,
    incomplete: 0,
    incompleteAt: null,
    incompleteRaised: false,
    unknown: 0,
    unknownTypes: [],
    unknownAt: null,
    unknownRaised: false,
  };
}

export function isAlarmSnapshot(v: unknown): v is AlarmSnapshot {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  const time = (x: unknown) => x === null || typeof x === 'number';
  return (
    typeof a['openLimit'] === 'boolean' &&
    typeof a['processedLimit'] === 'boolean' &&
    typeof a['incomplete'] === 'number' &&
    time(a['incompleteAt']) &&
    typeof a['incompleteRaised'] === 'boolean' &&
    typeof a['unknown'] === 'number' &&
    Array.isArray(a['unknownTypes']) &&
    a['unknownTypes'].every((t) => typeof t === 'string') &&
    time(a['unknownAt']) &&
    typeof a['unknownRaised'] === 'boolean'
  );
}

/** Alarm state of several snapshots merged: raised if raised in any, counts and times the highest. */
export function mergeAlarms(all: readonly AlarmSnapshot[]): AlarmSnapshot {
  const out = emptyAlarms();
  const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  for (const a of all) {
    out.openLimit ||= a.openLimit;
    out.processedLimit ||= a.processedLimit;
    out.incomplete = Math.max(out.incomplete, a.incomplete);
    out.incompleteAt = later(out.incompleteAt, a.incompleteAt);
    out.incompleteRaised ||= a.incompleteRaised;
    out.unknown = Math.max(out.unknown, a.unknown);
    for (const t of a.unknownTypes) {
      if (out.unknownTypes.length < MAX_TYPE_NAMES && !out.unknownTypes.includes(t)) out.unknownTypes.push(t);
    }
    out.unknownAt = later(out.unknownAt, a.unknownAt);
    out.unknownRaised ||= a.unknownRaised;
  }
  return out;
}

/** Processed sessions in memory and in spill segments on disk. */
export interface SpillCounts {
  readonly inMemory: number;
  readonly onDisk: number;
  readonly segments: number;
}

export class OeAlarms {
  state: AlarmSnapshot = emptyAlarms();
  /** The record count the `unknown_record_types` detail shows (refreshed after each call). */
  #shownUnknown = -1;
  /** The spill the `processed_sessions_limit` detail shows. */
  #shownSpill = '';

  constructor(
    private readonly maxOpen: number,
    private readonly maxProcessed: number,
  ) {}

  /** After a restore: raise again what was raised. */
  announce(ctx: HandlerContext, spill: SpillCounts): void {
    const a = this.state;
    if (a.openLimit) this.#raiseOpen(ctx);
    if (a.processedLimit) this.#raiseProcessed(ctx, spill);
    if (a.incompleteRaised) this.#raiseIncomplete(ctx);
    if (a.unknownRaised) this.#raiseUnknown(ctx);
  }

  /** The first tick: events before it count from now. */
  firstTick(now: number): void {
    if (this.state.incompleteRaised && this.state.incompleteAt === null) this.state.incompleteAt = now;
    if (this.state.unknownRaised && this.state.unknownAt === null) this.state.unknownAt = now;
  }

  tick(now: number, ctx: HandlerContext): void {
    const a = this.state;
    if (a.incompleteRaised && a.incompleteAt !== null && now - a.incompleteAt >= ALARM_QUIET_MS) {
      a.incompleteRaised = false;
      ctx.alarm('incomplete_sessions', false);
    }
    if (a.unknownRaised && a.unknownAt !== null && now - a.unknownAt >= ALARM_QUIET_MS) {
      a.unknownRaised = false;
      ctx.alarm('unknown_record_types', false);
    }
  }

  incompleteEmitted(now: number | null, ctx: HandlerContext): void {
    const a = this.state;
    a.incomplete++;
    a.incompleteAt = now;
    a.incompleteRaised = true;
    this.#raiseIncomplete(ctx);
  }

  unknownType(recordType: AttributeValue | undefined, now: number | null, ctx: HandlerContext): void {
    const a = this.state;
    a.unknown++;
    a.unknownAt = now;
    if (
      a.unknownRaised &&
      (a.unknownTypes.length >= MAX_TYPE_NAMES ||
        (typeof recordType === 'string' && a.unknownTypes.includes(recordType)))
    ) {
      return;
    }
    const name =
      recordType === undefined ? '(none)' : String(recordType).slice(0, MAX_TYPE_NAME_LENGTH) || '(empty)';
    const newName = a.unknownTypes.length < MAX_TYPE_NAMES && !a.unknownTypes.includes(name);
    if (newName) a.unknownTypes.push(name);
    if (!a.unknownRaised || newName) {
      a.unknownRaised = true;
      this.#raiseUnknown(ctx);
    }
  }

  /** After each call: raises or clears the two limit alarms, refreshes the unknown-type count. */
  limits(open: number, spill: SpillCounts, ctx: HandlerContext): void {
    const a = this.state;
    if (a.unknownRaised && a.unknown !== this.#shownUnknown) this.#raiseUnknown(ctx);
    if (a.openLimit && open < this.maxOpen * 0.9) {
      a.openLimit = false;
      ctx.alarm('open_sessions_limit', false);
    }
    if (spill.segments > 0) {
      a.processedLimit = true;
      this.#raiseProcessed(ctx, spill);
    } else if (a.processedLimit) {
      a.processedLimit = false;
      this.#shownSpill = '';
      ctx.alarm('processed_sessions_limit', false);
    }
  }

  openLimitReached(ctx: HandlerContext): void {
    if (this.state.openLimit) return;
    this.state.openLimit = true;
    this.#raiseOpen(ctx);
  }

  #raiseOpen(ctx: HandlerContext): void {
    ctx.alarm(
      'open_sessions_limit',
      true,
      `${this.maxOpen} sessions open (maxOpenSessions): the least recently active are force-closed`,
    );
  }

  #raiseProcessed(ctx: HandlerContext, spill: SpillCounts): void {
    const shown = `${spill.onDisk}/${spill.segments}`;
    if (shown === this.#shownSpill) return;
    this.#shownSpill = shown;
    ctx.alarm(
      'processed_sessions_limit',
      true,
      `more than ${this.maxProcessed} processed sessions (maxProcessedSessions): ${spill.onDisk} kept on disk in ` +
        `${spill.segments} spill segments, ${spill.inMemory} in memory; nothing inside processedWindowMs is forgotten`,
    );
  }

  #raiseIncomplete(ctx: HandlerContext): void {
    ctx.alarm(
      'incomplete_sessions',
      true,
      `${this.state.incomplete} sessions emitted with missingSequenceNumbers so far`,
    );
  }

  #raiseUnknown(ctx: HandlerContext): void {
    const a = this.state;
    this.#shownUnknown = a.unknown;
    ctx.alarm(
      'unknown_record_types',
      true,
      `${a.unknown} records of types in no recordTypes list passed through untracked: ${a.unknownTypes.join(', ')}`,
    );
  }
}
