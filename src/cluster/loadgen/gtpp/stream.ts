/**
 * A run whose messages are made while it goes (`--prepare stream`): sessions are planned, CDRs
 * generated and encoded, and requests framed just before the GSNs can send them, so a run starts at
 * once and its memory follows what is in flight, not the run's length. The ground truth is written as
 * the gateway confirms: a message's truth lines are held until it is confirmed (then appended to
 * `truth/cdr.csv`) or the run ends (`truth/unconfirmed.csv` if it was never confirmed); a session's
 * line goes to `truth/sessions.csv` once all its records are confirmed. Rows are in the order the
 * gateway confirmed them.
 *
 * Each message is the next `cdrsPerMessage` CDRs of the GSN furthest behind its share: the smallest
 * part made of the records planned for it (the mix gives GSNs of different types different shares).
 * So every GSN keeps pace with the sessions planned for it, and the sessions planned ahead stay few.
 * A GSN with no sessions left drops out.
 */
import { cdrToNar, encodeCdr } from '../../../protocols/cdr/index.js';
import type { GtppVersion } from '../../../protocols/gtpp/index.js';
import { Rng } from '../rng.js';
import { gsnCdrsOf, peersOf, runIdentity, type GeneratedCdr } from './cdrs.js';
import type { MessageFeed, NextMessage, RunMessages } from './messages.js';
import { SessionPlanner, type GsnPlan, type MixEntry, type PlanLimit, type RecordsSpec } from './plan.js';
import {
  addToSession,
  drawTrick,
  sendRequestFrame,
  sessionTruthLine,
  truthLine,
  type SessionTotals,
} from './prepare.js';
import { Outcome, type OutcomeValue } from './truth.js';

export interface StreamOptions {
  readonly gsns: readonly GsnPlan[];
  readonly mix: readonly MixEntry[];
  readonly records: RecordsSpec;
  readonly limit: PlanLimit;
  readonly cdrsPerMessage: number;
  readonly gtppVersion: GtppVersion;
  readonly dupRate: number;
  readonly seed: number;
  /** Wall clock the records end before (ms since the epoch). */
  readonly nowMs: number;
}

/** Where the streamed truth goes: a line at a time (`truth-files.ts` writes them to disk). */
export interface TruthSink {
  cdr(line: string): void;
  session(line: string): void;
  unconfirmed(line: string): void;
}

interface Held {
  readonly lines: string[];
  readonly sessions: Int32Array;
}

interface OpenTruth {
  totals: SessionTotals | undefined;
  readonly records: number;
  confirmed: number;
}

/** Grows a typed array to hold index `i`. */
function room<T extends Uint8Array | Uint16Array>(a: T, i: number, make: (n: number) => T): T {
  if (i < a.length) return a;
  const b = make(Math.max(i + 1, a.length * 2));
  b.set(a);
  return b;
}

export class StreamedRun implements RunMessages, MessageFeed {
  readonly gsns: readonly GsnPlan[];
  readonly #o: StreamOptions;
  readonly #planner: SessionPlanner;
  /** Per GSN: planned sessions it has not opened yet. */
  readonly #queued: number[][];
  readonly #recordsOf = new Map<number, number>();
  readonly #cdrs: Iterator<GeneratedCdr>[];
  readonly #live: boolean[];
  /** Per GSN: records planned for it, and CDRs made of them. */
  readonly #assigned: Float64Array;
  readonly #madeCdrs: Float64Array;
  readonly #dup: Rng;
  #gsnOf = new Uint16Array(1024);
  #cdrsOf = new Uint8Array(1024);
  #trickOf = new Uint8Array(1024);
  readonly #frames = new Map<number, Uint8Array>();
  #made = 0;
  #taken = 0;
  #generatedCdrs = 0;
  readonly #held = new Map<number, Held>();
  readonly #sessions = new Map<number, OpenTruth>();
  #maxHeld = 0;
  readonly #counts = { cdrs: 0, sessions: 0, unconfirmed: 0 };

  constructor(
    o: StreamOptions,
    private readonly sink: TruthSink,
  ) {
    this.#o = o;
    this.gsns = o.gsns;
    this.#planner = new SessionPlanner(o.gsns, o.mix, o.records, o.limit, o.seed);
    this.#queued = o.gsns.map(() => []);
    this.#live = o.gsns.map(() => true);
    this.#assigned = new Float64Array(o.gsns.length);
    this.#madeCdrs = new Float64Array(o.gsns.length);
    this.#dup = new Rng(o.seed, 3);
    const id = runIdentity(o.seed);
    const peers = peersOf(o.gsns);
    this.#cdrs = o.gsns.map((g) =>
      gsnCdrsOf(
        g,
        { take: () => this.#takeSession(g.index), recordsOf: (s) => this.#takeRecords(s) },
        id,
        peers,
        o.nowMs,
        o.seed,
      ),
    );
  }

  /** The next session of GSN `g`, planning sessions (for every GSN) until one is its. */
  #takeSession(g: number): number | undefined {
    const q = this.#queued[g] as number[];
    for (;;) {
      const s = q.shift();
      if (s !== undefined) return s;
      const index = this.#planner.sessions;
      const next = this.#planner.next();
      if (next === undefined) return undefined;
      this.#recordsOf.set(index, next.records);
      (this.#queued[next.gsn] as number[]).push(index);
      this.#assigned[next.gsn] = (this.#assigned[next.gsn] as number) + next.records;
    }
  }

  #takeRecords(session: number): number {
    const n = this.#recordsOf.get(session) as number;
    this.#recordsOf.delete(session);
    this.#sessions.set(session, { totals: undefined, records: n, confirmed: 0 });
    return n;
  }

  gsnOf(m: number): number {
    return this.#gsnOf[m] as number;
  }
  cdrsOf(m: number): number {
    return this.#cdrsOf[m] as number;
  }
  trickOf(m: number): number {
    return this.#trickOf[m] as number;
  }
  firstFrame(m: number): Uint8Array {
    const f = this.#frames.get(m);
    if (f === undefined) throw new Error(`message ${m} was not made, or was sent already`);
    this.#frames.delete(m);
    return f;
  }

  peek(): NextMessage | undefined {
    if (this.#made === this.#taken && !this.#make()) return undefined;
    const m = this.#taken;
    return { gsn: this.#gsnOf[m] as number, cdrs: this.#cdrsOf[m] as number };
  }

  take(): number {
    if (this.#taken >= this.#made) throw new Error('take() without a message: call peek() first');
    return this.#taken++;
  }

  /** Makes the next message of the GSN furthest behind that has CDRs left; false when none has. */
  #make(): boolean {
    for (;;) {
      let best = -1;
      let bestScore = Infinity;
      for (let g = 0; g < this.gsns.length; g++) {
        if (!this.#live[g]) continue;
        const a = this.#assigned[g] as number;
        // A GSN with nothing planned yet goes first: making its message plans sessions until one is its.
        const score = a === 0 ? -1 : (this.#madeCdrs[g] as number) / a;
        if (score < bestScore) {
          best = g;
          bestScore = score;
        }
      }
      if (best < 0) return false;
      if (this.#makeFor(best)) return true;
      this.#live[best] = false;
    }
  }

  #makeFor(g: number): boolean {
    const it = this.#cdrs[g] as Iterator<GeneratedCdr>;
    const k = this.#o.cdrsPerMessage;
    const records: Uint8Array[] = [];
    const lines: string[] = [];
    const sessions = new Int32Array(k);
    for (let i = 0; i < k; i++) {
      const r = it.next();
      if (r.done === true) break;
      const { record, session } = r.value;
      const nar = cdrToNar(record);
      const open = this.#sessions.get(session) as OpenTruth;
      open.totals = addToSession(open.totals, nar);
      sessions[records.length] = session;
      lines.push(truthLine(nar));
      records.push(encodeCdr(record));
    }
    if (records.length === 0) return false;
    const m = this.#made++;
    this.#gsnOf = room(this.#gsnOf, m, (x) => new Uint16Array(x));
    this.#cdrsOf = room(this.#cdrsOf, m, (x) => new Uint8Array(x));
    this.#trickOf = room(this.#trickOf, m, (x) => new Uint8Array(x));
    this.#gsnOf[m] = g;
    this.#cdrsOf[m] = records.length;
    this.#trickOf[m] = drawTrick(this.#dup, this.#o.dupRate);
    this.#frames.set(m, sendRequestFrame(this.#o.gtppVersion, records));
    this.#held.set(m, { lines, sessions: sessions.subarray(0, records.length) });
    this.#maxHeld = Math.max(this.#maxHeld, this.#held.size);
    this.#generatedCdrs += records.length;
    this.#madeCdrs[g] = (this.#madeCdrs[g] as number) + records.length;
    return true;
  }

  /** The gateway confirmed message `m`: its CDRs go to the truth, and sessions it completes. */
  confirmed(m: number): void {
    const h = this.#held.get(m);
    if (h === undefined) return;
    this.#held.delete(m);
    for (const line of h.lines) this.sink.cdr(line);
    this.#counts.cdrs += h.lines.length;
    for (const s of h.sessions) {
      const open = this.#sessions.get(s) as OpenTruth;
      open.confirmed++;
      if (open.confirmed === open.records) {
        this.#sessions.delete(s);
        this.sink.session(sessionTruthLine(open.totals as SessionTotals, open.records));
        this.#counts.sessions++;
      }
    }
  }

  /** The run is over: messages sent and never confirmed go to `unconfirmed`; the rest is let go. */
  finish(outcomeOf: (m: number) => OutcomeValue): {
    readonly cdrs: number;
    readonly sessions: number;
    readonly unconfirmed: number;
  } {
    for (const [m, h] of this.#held) {
      if (outcomeOf(m) !== Outcome.Unconfirmed) continue;
      for (const line of h.lines) this.sink.unconfirmed(line);
      this.#counts.unconfirmed += h.lines.length;
    }
    this.#held.clear();
    this.#frames.clear();
    return { ...this.#counts };
  }

  /** Messages made so far, CDRs in them, and sessions planned. */
  get made(): { readonly messages: number; readonly cdrs: number; readonly sessions: number } {
    return { messages: this.#made, cdrs: this.#generatedCdrs, sessions: this.#planner.sessions };
  }

  /** Sessions planned and not yet opened by their GSN. */
  get plannedAhead(): number {
    return this.#queued.reduce((n, q) => n + q.length, 0);
  }

  /** Sessions whose truth is still open (opened, not all records confirmed). */
  get openSessions(): number {
    return this.#sessions.size;
  }

  /** The most messages whose truth was held at once (made, not yet confirmed). */
  get maxHeld(): number {
    return this.#maxHeld;
  }
}
