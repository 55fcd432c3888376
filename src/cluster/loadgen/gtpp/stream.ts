/**
 * A run whose messages are made while it goes (`--prepare stream`): a `MessageMaker` (in a worker
 * thread, or in this one) plans sessions, generates and encodes CDRs and frames requests just ahead
 * of what the GSNs send, so a run starts at once and its memory follows what is in flight, not the
 * run's length. The ground truth is written as the gateway confirms: a message's truth lines are held
 * until it is confirmed (then appended to `truth/cdr.csv`) or the run ends (`truth/unconfirmed.csv`
 * if it was never confirmed); a session's line goes to `truth/sessions.csv` once all its records are
 * confirmed. Rows are in the order the gateway confirmed them.
 */
import { grownToHold } from '../grow.js';
import { makerInThread, MakerThread, type MakerSource } from './maker-thread.js';
import type { MadeCounts, MadeMessage, StreamOptions } from './maker.js';
import { PENDING, type MessageFeed, type NextMessage, type RunMessages } from './messages.js';
import type { GsnPlan } from './plan.js';
import { Outcome, type OutcomeValue } from './truth.js';

export type { StreamOptions } from './maker.js';

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
  readonly records: number;
  confirmed: number;
  /** Known once the session's last record is made. */
  line: string | undefined;
}

export class StreamedRun implements RunMessages, MessageFeed {
  readonly gsns: readonly GsnPlan[];
  #gsnOf = new Uint16Array(1024);
  #cdrsOf = new Uint8Array(1024);
  #trickOf = new Uint8Array(1024);
  readonly #frames = new Map<number, Uint8Array>();
  #made = 0;
  #taken = 0;
  #madeCdrs = 0;
  readonly #held = new Map<number, Held>();
  readonly #sessions = new Map<number, OpenTruth>();
  #maxHeld = 0;
  readonly #counts = { cdrs: 0, sessions: 0, unconfirmed: 0 };

  /** A run whose messages are made in a worker thread of its own. */
  static inWorker(o: StreamOptions, sink: TruthSink): StreamedRun {
    return new StreamedRun(o.gsns, new MakerThread(o), sink);
  }

  /** A run whose messages are made in this thread, as they are asked for. */
  static inThread(o: StreamOptions, sink: TruthSink): StreamedRun {
    return new StreamedRun(o.gsns, makerInThread(o), sink);
  }

  private constructor(
    gsns: readonly GsnPlan[],
    private readonly source: MakerSource,
    private readonly sink: TruthSink,
  ) {
    this.gsns = gsns;
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

  peek(): NextMessage | undefined | typeof PENDING {
    if (this.#made === this.#taken) {
      const next = this.source.next();
      if (next === undefined || next === PENDING) return next;
      this.#add(next);
    }
    const m = this.#taken;
    return { gsn: this.#gsnOf[m] as number, cdrs: this.#cdrsOf[m] as number };
  }

  take(): number {
    if (this.#taken >= this.#made) throw new Error('take() without a message: call peek() first');
    return this.#taken++;
  }

  #add(made: MadeMessage): void {
    const m = this.#made++;
    this.#gsnOf = grownToHold(this.#gsnOf, m, (x) => new Uint16Array(x));
    this.#cdrsOf = grownToHold(this.#cdrsOf, m, (x) => new Uint8Array(x));
    this.#trickOf = grownToHold(this.#trickOf, m, (x) => new Uint8Array(x));
    this.#gsnOf[m] = made.gsn;
    this.#cdrsOf[m] = made.lines.length;
    this.#trickOf[m] = made.trick;
    this.#frames.set(m, made.frame);
    this.#held.set(m, { lines: made.lines, sessions: made.sessions });
    this.#maxHeld = Math.max(this.#maxHeld, this.#held.size);
    this.#madeCdrs += made.lines.length;
    for (let i = 0; i < made.opened.length; i += 2)
      this.#sessions.set(made.opened[i] as number, {
        records: made.opened[i + 1] as number,
        confirmed: 0,
        line: undefined,
      });
    for (const [s, line] of made.finished) (this.#sessions.get(s) as OpenTruth).line = line;
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
      if (++open.confirmed === open.records) {
        this.#sessions.delete(s);
        this.sink.session(open.line as string);
        this.#counts.sessions++;
      }
    }
  }

  /** Open no new session: the messages end once the sessions open now are made whole. */
  finishSessions(): void {
    this.source.finishSessions();
  }

  /** The run is over: messages sent and never confirmed go to `unconfirmed`; the rest is let go. */
  finish(outcomeOf: (m: number) => OutcomeValue): {
    readonly cdrs: number;
    readonly sessions: number;
    readonly unconfirmed: number;
  } {
    this.source.close();
    for (const [m, h] of this.#held) {
      if (outcomeOf(m) !== Outcome.Unconfirmed) continue;
      for (const line of h.lines) this.sink.unconfirmed(line);
      this.#counts.unconfirmed += h.lines.length;
    }
    this.#held.clear();
    this.#frames.clear();
    return { ...this.#counts };
  }

  /** Messages handed to this run so far, CDRs in them, and sessions planned. */
  get made(): MadeCounts {
    return { messages: this.#made, cdrs: this.#madeCdrs, sessions: this.source.sessionsPlanned };
  }

  /** The most messages whose truth was held at once (made, not yet confirmed). */
  get maxHeld(): number {
    return this.#maxHeld;
  }

  /** Sessions whose truth is still open (some record not made or not confirmed). */
  get openSessions(): number {
    return this.#sessions.size;
  }
}
