/**
 * `aggregate-ap` (seed: the Aggregation Node): merges NARs whose key attributes are identical.
 * The first NAR of a key is stored in the look-up table; later ones apply the rules' actions to
 * the action fields (other attributes keep the first NAR's values). An aggregate is emitted as a
 * new NAR, with a new id in `idAttribute` and `aggregatedCount` = the NARs merged into it, when:
 *   - a NAR matching `flowEnd` arrives (merged first; the aggregate is then removed),
 *   - the periodic flush runs (tick time, at multiples of `flushIntervalMs`): every aggregate
 *     that received NARs since its last emission, in insertion order; its action fields are then
 *     re-initialised and it stays, so its first-NAR attributes stay,
 *   - it was not updated for `idleTimeoutMs` of tick time (then removed),
 *   - a new key arrives while `maxKeys` are open: the least recently updated one goes early,
 *     and the `open_keys_cap` alarm is raised until fewer than 90% of the cap are open,
 *   - the node drains (orderly stop or removal from the plan), only when `flushOnDrain` (default
 *     false: aggregates are state, kept in the checkpoint across a restart, so a stop and start
 *     gives the same output as an undisturbed run; set it for nodes about to be removed).
 * On a tick, idle aggregates go first (least recently updated first), then the flush.
 * `aggregatedCount` is not set when the rules use that attribute (so a second-level aggregator can
 * `sum` it). An absent key attribute quarantines the NAR (`missing_key`); null is a key value.
 * A value an action cannot take (a string to sum, …) quarantines the NAR (`invalid_value`).
 * Ledger: a NAR that opens an aggregate is `held` until it is emitted; each further NAR merged
 * into it counts `merged`. Time comes only from ticks. A snapshot taken under other rules is
 * restored with those rules and its aggregates are emitted at the next call.
 * With several partitions, route to this node by its key (session routing on the key attributes,
 * or hash routing on one of them), or one key's NARs are aggregated in several partitions.
 */
import { packValue } from '../../../protocols/nar/batch.js';
import type { Nar } from '../../../protocols/nar/nar.js';
import { compileCondition, type Condition } from '../../rules/expression/index.js';
import type { HandlerContext, NodeEnv, NodeHandler } from '../../runtime/actor.js';
import type { NodeType } from '../registry.js';
import { ActionSet } from './actions.js';
import { aggregateRules, parseRulesFile, type AggregateRules } from './rules.js';
import { aggregateApSettings, type AggregateApSettings } from './settings.js';
import { AggregateTable, TableStateError, type Entry, type EntrySnapshot } from './table.js';

/** Set on every emitted NAR unless the rules use that attribute themselves. */
export const AGGREGATED_COUNT = 'aggregatedCount';

interface AggregateSnapshot {
  version: 1;
  rules: AggregateRules;
  seq: number;
  lastTick: number | null;
  capAlarm: boolean;
  entries: EntrySnapshot[];
  recency: number[];
}

function isSnapshot(v: unknown): v is AggregateSnapshot {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<AggregateSnapshot>;
  return (
    s.version === 1 &&
    aggregateRules.safeParse(s.rules).success &&
    Array.isArray(s.entries) &&
    Array.isArray(s.recency) &&
    typeof s.seq === 'number'
  );
}

const sameRules = (a: AggregateRules, b: AggregateRules) => JSON.stringify(a) === JSON.stringify(b);

/** A look-up table with the actions its aggregates were built by. */
interface Lookup {
  readonly rules: AggregateRules;
  readonly table: AggregateTable;
  readonly actions: ActionSet;
  /** Whether emitted NARs get `aggregatedCount`. */
  readonly setCount: boolean;
}

function lookup(rules: AggregateRules): Lookup {
  return {
    rules,
    table: new AggregateTable(rules.key),
    actions: new ActionSet(rules.actions),
    setCount:
      !rules.key.includes(AGGREGATED_COUNT) && !rules.actions.some((a) => a.field === AGGREGATED_COUNT),
  };
}

class AggregateHandler implements NodeHandler {
  #live: Lookup;
  /** Aggregates restored from a snapshot taken under other rules: emitted at the next call. */
  #retired: Lookup | undefined;
  readonly #flowEnd: Condition | undefined;
  readonly #idPrefix: string;
  #seq = 1;
  #lastTick: number | null = null;
  #capAlarm = false;
  /** The cap alarm came back with a snapshot and is to be raised again at the next call. */
  #announceAlarm = false;
  /** Aggregates holding at least one NAR not yet emitted. */
  #held = 0;

  constructor(
    private readonly s: AggregateApSettings,
    env: NodeEnv,
  ) {
    this.#live = lookup(s.rules);
    this.#flowEnd = s.flowEnd === undefined ? undefined : compileCondition(s.flowEnd);
    this.#idPrefix = `${env.nodeId}-p${env.partition}-`;
  }

  init(snapshot: unknown): void {
    if (snapshot === undefined || snapshot === null) return;
    if (!isSnapshot(snapshot)) {
      throw new TableStateError(
        'aggregate snapshot: expected version 1 with rules, entries, recency and seq',
      );
    }
    const from = sameRules(snapshot.rules, this.s.rules) ? this.#live : lookup(snapshot.rules);
    from.table.restore(snapshot.entries, snapshot.recency);
    if (from !== this.#live) this.#retired = from;
    this.#seq = snapshot.seq;
    this.#lastTick = snapshot.lastTick;
    this.#capAlarm = this.#announceAlarm = snapshot.capAlarm;
    this.#held = 0;
    for (const e of from.table.values()) if (e.pending > 0) this.#held++;
  }

  snapshot(): AggregateSnapshot {
    const current = this.#retired ?? this.#live;
    return {
      version: 1,
      rules: current.rules,
      seq: this.#seq,
      lastTick: this.#lastTick,
      capAlarm: this.#capAlarm,
      ...current.table.snapshot(),
    };
  }

  held(): number {
    return this.#held;
  }

  handleBatch(records: Nar[], ctx: HandlerContext): void {
    this.#catchUp(ctx);
    const { table, actions } = this.#live;
    const now = this.#lastTick ?? 0;
    let merged = 0;
    for (const r of records) {
      const key = table.keyOf(r);
      if (key === undefined) {
        ctx.quarantine(packValue(r), 'missing_key', { attribute: table.keyAttributes[table.missing] });
        continue;
      }
      let entry = table.get(key);
      const problem = actions.problem(entry, r);
      if (problem !== undefined) {
        ctx.quarantine(packValue(r), 'invalid_value', { ...problem });
        continue;
      }
      if (entry === undefined) {
        while (table.size >= this.s.maxKeys) this.#evictOldest(ctx);
        entry = {
          key,
          record: { ...r },
          pending: 0,
          updatedAt: now,
          avgSum: actions.newAvgSums(),
          avgCount: actions.newAvgCounts(),
          prev: null,
          next: null,
        };
        table.add(entry);
      }
      if (entry.pending === 0) {
        actions.start(entry, r);
        this.#held++;
      } else {
        actions.merge(entry, r);
        merged++;
      }
      entry.pending++;
      table.touch(entry, now);
      if (this.#flowEnd !== undefined && this.#flowEnd(r)) this.#close(this.#live, entry, ctx);
    }
    if (merged > 0) ctx.count('merged', merged);
    this.#checkCapCleared(ctx);
  }

  handleTick(nowMs: number, ctx: HandlerContext): void {
    this.#catchUp(ctx);
    const { table } = this.#live;
    const previous = this.#lastTick;
    const now = previous === null ? nowMs : Math.max(previous, nowMs);
    this.#lastTick = now;
    // Aggregates opened before the first tick have no tick time yet: they start ageing now.
    if (previous === null) for (let e = table.oldest(); e !== null; e = e.next) e.updatedAt = now;
    const idle = this.s.idleTimeoutMs;
    if (idle > 0) {
      for (let e = table.oldest(); e !== null && now - e.updatedAt >= idle; e = table.oldest()) {
        this.#close(this.#live, e, ctx);
      }
    }
    const every = this.s.flushIntervalMs;
    // Flushes fall on multiples of the interval in tick time (with 60000: at each full minute).
    if (every > 0 && previous !== null && Math.floor(now / every) > Math.floor(previous / every)) {
      this.#flush(ctx);
    }
    this.#checkCapCleared(ctx);
  }

  drain(ctx: HandlerContext): void {
    this.#catchUp(ctx);
    if (this.s.flushOnDrain) this.#flush(ctx);
  }

  /** Emits every aggregate holding NARs, in insertion order, and re-initialises its action fields. */
  #flush(ctx: HandlerContext): void {
    const live = this.#live;
    for (const e of live.table.values()) {
      if (e.pending === 0) continue;
      this.#emit(live, e, true, ctx);
      live.actions.reset(e);
    }
  }

  /** Emits the aggregate (if it holds NARs) and removes it. */
  #close(from: Lookup, e: Entry, ctx: HandlerContext): void {
    if (e.pending > 0) this.#emit(from, e, false, ctx);
    from.table.remove(e);
  }

  #emit(from: Lookup, e: Entry, keep: boolean, ctx: HandlerContext): void {
    const out = keep ? { ...e.record } : e.record;
    from.actions.finish(e, out);
    out[this.s.idAttribute] = `${this.#idPrefix}${this.#seq++}`;
    if (from.setCount) out[AGGREGATED_COUNT] = e.pending;
    ctx.emit(out);
    this.#held--;
  }

  #evictOldest(ctx: HandlerContext): void {
    const oldest = this.#live.table.oldest();
    if (oldest === null) return;
    this.#close(this.#live, oldest, ctx);
    if (this.#capAlarm) return;
    this.#capAlarm = true;
    this.#raiseCapAlarm(ctx);
  }

  #raiseCapAlarm(ctx: HandlerContext): void {
    ctx.alarm('open_keys_cap', true, `${this.s.maxKeys} keys open, cap ${this.s.maxKeys}`);
  }

  #checkCapCleared(ctx: HandlerContext): void {
    if (this.#capAlarm && this.#live.table.size < this.s.maxKeys * 0.9) {
      this.#capAlarm = false;
      ctx.alarm('open_keys_cap', false);
    }
  }

  /** First call after a restore: raise the cap alarm again; emit aggregates built by old rules. */
  #catchUp(ctx: HandlerContext): void {
    if (this.#announceAlarm) {
      this.#announceAlarm = false;
      if (this.#capAlarm) this.#raiseCapAlarm(ctx);
    }
    const retired = this.#retired;
    if (retired === undefined) return;
    this.#retired = undefined;
    for (let e = retired.table.oldest(); e !== null; e = retired.table.oldest()) this.#close(retired, e, ctx);
  }
}

export { aggregateApSettings, type AggregateApSettings };

export const aggregateAp: NodeType<AggregateApSettings> = {
  name: 'aggregate-ap',
  kind: 'AP',
  description: 'aggregates NARs with identical key attributes by sum, min, max, avg, count, first or last',
  settings: aggregateApSettings,
  checkpoint: 'periodic',
  create: (s, env) => new AggregateHandler(s, env),
  parseRulesFile,
};
