/**
 * Makes a streamed run's messages one at a time (`--prepare stream`): sessions are planned as the
 * GSNs open them, each GSN's CDRs generated and encoded, requests framed, and what the ground truth
 * needs kept beside each message: its CDRs' truth lines and sessions, the sessions it opened (with
 * their number of records) and the sessions whose last record it holds (with their truth lines).
 *
 * Each message is the next `cdrsPerMessage` CDRs of the GSN furthest behind its share: the smallest
 * part made of the records planned for it (the mix gives GSNs of different types different shares).
 * So every GSN keeps pace with the sessions planned for it, and the sessions planned ahead stay few.
 * A GSN with no sessions left drops out. Deterministic for a seed: the same in the sending thread or
 * in a worker (`maker-thread.ts`).
 */
import { cdrToNar, encodeCdr } from '../../../protocols/cdr/index.js';
import type { GtppVersion } from '../../../protocols/gtpp/index.js';
import { Rng } from '../rng.js';
import { gsnCdrsOf, peersOf, runIdentity, type GeneratedCdr } from './cdrs.js';
import { SessionPlanner, type GsnPlan, type MixEntry, type PlanLimit, type RecordsSpec } from './plan.js';
import {
  addToSession,
  drawTrick,
  sendRequestFrame,
  sessionTruthLine,
  truthLine,
  type SessionTotals,
} from './prepare.js';

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

export interface MadeMessage {
  readonly gsn: number;
  /** Its duplicate scenario (`Trick`), 0 for none. */
  readonly trick: number;
  /** The request (sequence number 0, patched when sent). */
  readonly frame: Uint8Array;
  /** Per CDR: its `truth/cdr.csv` line and its session. */
  readonly lines: string[];
  readonly sessions: Int32Array;
  /** Sessions opened while making it, with their number of records: session, records, session, … */
  readonly opened: number[];
  /** Sessions whose last record it holds: session and `truth/sessions.csv` line. */
  readonly finished: Array<[number, string]>;
}

/** What has been made so far. */
export interface MadeCounts {
  readonly messages: number;
  readonly cdrs: number;
  /** Sessions planned (some perhaps not opened yet). */
  readonly sessions: number;
}

interface Making {
  totals: SessionTotals | undefined;
  readonly records: number;
  made: number;
}

export class MessageMaker {
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
  readonly #making = new Map<number, Making>();
  #opened: number[] = [];
  /** No session is opened any more: the GSNs send the rest of their open sessions, then end. */
  #finishing = false;
  #messages = 0;
  #cdrsMade = 0;

  constructor(o: StreamOptions) {
    this.#o = o;
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

  get made(): MadeCounts {
    return { messages: this.#messages, cdrs: this.#cdrsMade, sessions: this.#planner.sessions };
  }

  /** Sessions planned and not yet opened by their GSN. */
  get plannedAhead(): number {
    return this.#queued.reduce((n, q) => n + q.length, 0);
  }

  /** Sessions opened whose last record is not made yet. */
  get openSessions(): number {
    return this.#making.size;
  }

  /**
   * From now on no session is opened: each GSN makes the rest of the sessions it has open, then has
   * no more (sessions planned for it and not opened are dropped; no CDR of theirs was made).
   */
  finishSessions(): void {
    this.#finishing = true;
  }

  /** The next message of the GSN furthest behind that has CDRs left; undefined when none has. */
  make(): MadeMessage | undefined {
    for (;;) {
      let best = -1;
      let bestScore = Infinity;
      for (let g = 0; g < this.#live.length; g++) {
        if (!this.#live[g]) continue;
        const a = this.#assigned[g] as number;
        // A GSN with nothing planned yet goes first: making its message plans sessions until one is its.
        const score = a === 0 ? -1 : (this.#madeCdrs[g] as number) / a;
        if (score < bestScore) {
          best = g;
          bestScore = score;
        }
      }
      if (best < 0) return undefined;
      const m = this.#makeFor(best);
      if (m !== undefined) return m;
      this.#live[best] = false;
    }
  }

  /** The next session of GSN `g`, planning sessions (for every GSN) until one is its. */
  #takeSession(g: number): number | undefined {
    if (this.#finishing) return undefined;
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
    this.#making.set(session, { totals: undefined, records: n, made: 0 });
    this.#opened.push(session, n);
    return n;
  }

  #makeFor(g: number): MadeMessage | undefined {
    const it = this.#cdrs[g] as Iterator<GeneratedCdr>;
    const k = this.#o.cdrsPerMessage;
    const records: Uint8Array[] = [];
    const lines: string[] = [];
    const sessions = new Int32Array(k);
    const finished: Array<[number, string]> = [];
    for (let i = 0; i < k; i++) {
      const r = it.next();
      if (r.done === true) break;
      const { record, session } = r.value;
      const nar = cdrToNar(record);
      const s = this.#making.get(session) as Making;
      s.totals = addToSession(s.totals, nar);
      if (++s.made === s.records) {
        this.#making.delete(session);
        finished.push([session, sessionTruthLine(s.totals, s.records)]);
      }
      sessions[records.length] = session;
      lines.push(truthLine(nar));
      records.push(encodeCdr(record));
    }
    if (records.length === 0) return undefined;
    this.#messages++;
    this.#cdrsMade += records.length;
    this.#madeCdrs[g] = (this.#madeCdrs[g] as number) + records.length;
    const opened = this.#opened;
    this.#opened = [];
    return {
      gsn: g,
      trick: drawTrick(this.#dup, this.#o.dupRate),
      frame: sendRequestFrame(this.#o.gtppVersion, records),
      lines,
      sessions: sessions.subarray(0, records.length),
      opened,
      finished,
    };
  }
}
