import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planGsns, type MixEntry } from '../../../src/cluster/loadgen/gtpp/plan.js';
import { prepareRun } from '../../../src/cluster/loadgen/gtpp/prepare.js';
import { MessageMaker, type StreamOptions } from '../../../src/cluster/loadgen/gtpp/maker.js';
import { PENDING } from '../../../src/cluster/loadgen/gtpp/messages.js';
import { StreamedRun, type TruthSink } from '../../../src/cluster/loadgen/gtpp/stream.js';
import { TruthFiles } from '../../../src/cluster/loadgen/gtpp/truth-files.js';
import { Outcome, TRUTH_CDR_HEADER, TRUTH_SESSION_HEADER } from '../../../src/cluster/loadgen/gtpp/truth.js';

const MIX: readonly MixEntry[] = [
  { recordType: 'pGWRecord', weight: 60 },
  { recordType: 'ggsnPDPRecord', weight: 25 },
  { recordType: 'sgsnPDPRecord', weight: 15 },
];
const NOW = Date.UTC(2026, 11, 6, 12);
const common = {
  mix: MIX,
  records: { kind: 'uniform', min: 1, max: 6 },
  cdrsPerMessage: 7,
  gtppVersion: 2,
  dupRate: 0.2,
  seed: 11,
  nowMs: NOW,
} as const;

class Lines implements TruthSink {
  readonly cdrs: string[] = [];
  readonly sessions: string[] = [];
  readonly unconfirmedLines: string[] = [];
  cdr(l: string): void {
    this.cdrs.push(l);
  }
  session(l: string): void {
    this.sessions.push(l);
  }
  unconfirmed(l: string): void {
    this.unconfirmedLines.push(l);
  }
}

const options = (limit: StreamOptions['limit']): StreamOptions => ({
  ...common,
  gsns: planGsns(5, MIX, false),
  limit,
});

function streamed(sink: TruthSink, limit: StreamOptions['limit']): StreamedRun {
  return StreamedRun.inThread(options(limit), sink);
}

/** Takes every message of an in-thread feed (peek, take) until it ends or `max` messages. */
function drain(run: StreamedRun, max = Infinity): number[] {
  const out: number[] = [];
  for (let next = run.peek(); out.length < max && next !== undefined; next = run.peek()) {
    if (next === PENDING) throw new Error('an in-thread maker is never pending');
    out.push(run.take());
  }
  return out;
}

/** Takes every message of a feed whose maker runs in a worker, waiting while it is pending. */
async function drainWorker(run: StreamedRun): Promise<number[]> {
  const out: number[] = [];
  let pending = 0;
  for (let next = run.peek(); next !== undefined; next = run.peek()) {
    if (next === PENDING) {
      pending++;
      await new Promise((r) => setTimeout(r, 1));
      continue;
    }
    out.push(run.take());
  }
  expect(pending).toBeGreaterThan(0);
  return out;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a streamed run (--prepare stream)', () => {
  it('ensures it makes the same requests, CDRs and sessions as the run prepared ahead with the same seed', () => {
    const ahead = prepareRun({ ...common, gsns: 5, ipv6: false, limit: { sessions: 400 } });
    const sink = new Lines();
    const run = streamed(sink, { sessions: 400 });
    const msgs = drain(run);
    // Per GSN, its requests in the same order with the same bytes (only the interleaving differs).
    const perGsn = (frames: [number, Uint8Array][]): string[][] =>
      [0, 1, 2, 3, 4].map((g) => frames.filter(([x]) => x === g).map(([, f]) => hex(f)));
    expect(perGsn(msgs.map((m) => [run.gsnOf(m), run.firstFrame(m)]))).toEqual(
      perGsn(Array.from(ahead.msgFrame, (f, m) => [ahead.msgGsn[m] as number, f])),
    );
    expect(msgs.map((m) => run.cdrsOf(m)).reduce((a, b) => a + b, 0)).toBe(ahead.totalCdrs);
    expect(run.made).toEqual({ messages: ahead.msgFrame.length, cdrs: ahead.totalCdrs, sessions: 400 });
    // The same duplicate scenarios, as often (drawn per message in each one's own order).
    const tricks = (xs: number[]): number => xs.filter((t) => t > 0).length;
    expect(tricks(msgs.map((m) => run.trickOf(m)))).toBeGreaterThan(0);

    for (const m of msgs) run.confirmed(m);
    expect(run.finish(() => Outcome.Confirmed)).toEqual({
      cdrs: ahead.totalCdrs,
      sessions: 400,
      unconfirmed: 0,
    });
    expect(sink.cdrs.sort()).toEqual([...ahead.cdrLine].sort());
    expect(sink.sessions.sort()).toEqual([...ahead.sessionLine].sort());
  });

  it('ensures unconfirmed messages go to unconfirmed, rejected and unsent ones nowhere, and a session waits for all its records', () => {
    const sink = new Lines();
    const run = streamed(sink, { sessions: 50 });
    const msgs = drain(run);
    const lines = new Map<number, number>(msgs.map((m) => [m, run.cdrsOf(m)]));
    const outcome = (m: number): (typeof Outcome)[keyof typeof Outcome] =>
      m % 4 === 0
        ? Outcome.Confirmed
        : m % 4 === 1
          ? Outcome.Unconfirmed
          : m % 4 === 2
            ? Outcome.Rejected
            : Outcome.NotSent;
    for (const m of msgs) if (outcome(m) === Outcome.Confirmed) run.confirmed(m);
    run.confirmed(0); // a second confirmation counts nothing twice
    const sum = (pick: (m: number) => boolean): number =>
      msgs.filter(pick).reduce((n, m) => n + (lines.get(m) as number), 0);
    const counts = run.finish(outcome);
    expect(counts.cdrs).toBe(sum((m) => m % 4 === 0));
    expect(counts.unconfirmed).toBe(sum((m) => m % 4 === 1));
    expect(sink.cdrs).toHaveLength(counts.cdrs);
    expect(sink.unconfirmedLines).toHaveLength(counts.unconfirmed);
    // Complete sessions only: every session line's record count is covered by confirmed CDRs.
    expect(counts.sessions).toBeLessThan(50);
    expect(sink.sessions.reduce((n, l) => n + Number(l.split(',')[3]), 0)).toBeLessThanOrEqual(counts.cdrs);
  });

  it('ensures the same messages come from a maker in a worker thread as from one in this thread', async () => {
    const lines = [new Lines(), new Lines()];
    const here = streamed(lines[0] as Lines, { sessions: 300 });
    const there = StreamedRun.inWorker(options({ sessions: 300 }), lines[1] as Lines);
    try {
      const a = drain(here);
      const b = await drainWorker(there);
      expect(b.map((m) => [there.gsnOf(m), there.trickOf(m), hex(there.firstFrame(m))])).toEqual(
        a.map((m) => [here.gsnOf(m), here.trickOf(m), hex(here.firstFrame(m))]),
      );
      expect(there.made).toEqual(here.made);
      for (const m of a) here.confirmed(m);
      for (const m of b) there.confirmed(m);
    } finally {
      here.finish(() => Outcome.Confirmed);
      there.finish(() => Outcome.Confirmed);
    }
    expect(lines[1]).toEqual(lines[0]);
    expect(lines[0]?.sessions).toHaveLength(300);
  });

  it('ensures the maker plans sessions only a few ahead of the GSNs that open them, however long it goes', () => {
    const maker = new MessageMaker(options({ unbounded: true }));
    let plannedAhead = 0;
    let open = 0;
    for (let i = 0; i < 8000; i++) {
      expect(maker.make()).toBeDefined();
      plannedAhead = Math.max(plannedAhead, maker.plannedAhead);
      open = Math.max(open, maker.openSessions);
    }
    // GSNs of a heavier type get more sessions and make more messages, so every GSN keeps pace with
    // what is planned for it; each GSN keeps 16 sessions open.
    expect(plannedAhead).toBeLessThan(200);
    expect(open).toBeLessThanOrEqual(5 * 16);
  });

  it('ensures an unbounded run holds only the messages not yet confirmed, however long it goes', () => {
    const run = streamed(new Lines(), { unbounded: true });
    const inFlight: number[] = [];
    let openSessions = 0;
    for (let i = 0; i < 8000; i++) {
      expect(run.peek()).toBeDefined();
      inFlight.push(run.take());
      if (inFlight.length > 64) run.confirmed(inFlight.shift() as number);
      openSessions = Math.max(openSessions, run.openSessions);
    }
    // Sessions open in the maker (16 a GSN) and those waiting for confirmations.
    expect(openSessions).toBeLessThan(5 * 16 + 64 * 7);
    expect(run.made.messages).toBe(8000);
    expect(run.made.cdrs).toBeGreaterThan(8000 * 6);
    // What was made but not confirmed, plus a message or so of look-ahead.
    expect(run.maxHeld).toBeLessThanOrEqual(66);
    expect(() => run.take()).toThrow('take() without a message');
  });

  it('ensures the truth files are written as it goes, with their headers, in the order of confirmation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'narflow-stream-'));
    dirs.push(dir);
    const files = new TruthFiles(dir);
    const run = streamed(files, { sessions: 30 });
    const msgs = drain(run);
    for (const m of [...msgs].reverse()) run.confirmed(m);
    const counts = run.finish(() => Outcome.Confirmed);
    files.close();
    const read = (f: string): string[] =>
      readFileSync(join(dir, 'truth', f), 'utf8')
        .split('\n')
        .slice(0, -1);
    const cdr = read('cdr.csv');
    expect(cdr[0]).toBe(TRUTH_CDR_HEADER);
    expect(cdr).toHaveLength(counts.cdrs + 1);
    expect(read('sessions.csv')[0]).toBe(TRUTH_SESSION_HEADER);
    expect(read('sessions.csv')).toHaveLength(31);
    expect(read('unconfirmed.csv')).toEqual([TRUTH_CDR_HEADER]);
  });
});
