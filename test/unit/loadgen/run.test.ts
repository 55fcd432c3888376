import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_TSHARK, requireTshark } from '../../helpers/tshark.js';
import { runGtppLoad, type GtppLoadInput } from '../../../src/cluster/loadgen/gtpp/index.js';
import { truthLine } from '../../../src/cluster/loadgen/gtpp/prepare.js';
import { cdrToNar, decodeCdr } from '../../../src/protocols/cdr/index.js';
import { Responder } from './responder.js';

const dirs: string[] = [];
const responders: Responder[] = [];
afterEach(async () => {
  for (const r of responders.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function responder(r: Responder, tcp = false): Promise<Responder> {
  responders.push(r);
  return tcp ? r.listenTcp() : r.listenUdp();
}

function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'narflow-loadgen-'));
  dirs.push(d);
  return d;
}

const rows = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '');
/** What the responder took, as truth lines (sorted; repeats kept). */
const takenLines = (r: Responder): string[] =>
  r.taken.map((hex) => truthLine(cdrToNar(decodeCdr(Buffer.from(hex, 'hex'))))).sort();

const base = (port: number, out: string): GtppLoadInput => ({
  target: { host: '127.0.0.1', port },
  out,
  progress: 'off',
  timeoutMs: 150,
  retries: 3,
  maxSeconds: 20,
});

/**
 * A run of 3 GSNs with 30% of requests in a duplicate scenario (used with every 7th answer lost).
 * Retransmissions 150 ms apart: on a loaded machine 4 in a row could all time out before their
 * answers were read (about 1 run in 25 under two busy cores), and the request failed; 10 retries
 * make that negligible without changing which answers are lost.
 */
const DUPLICATE_SCENARIOS: GtppLoadInput = {
  retries: 10,
  gsns: 3,
  sessions: 120,
  records: { kind: 'uniform', min: 1, max: 5 },
  cdrsPerMessage: 5,
  window: 8,
  dupRate: 0.3,
  seed: 7,
};

describe("runGtppLoad against a GTP' responder", () => {
  it('ensures lost answers are retransmitted (253), the duplicate scenarios complete, and the truth equals what the gateway took, once each', async () => {
    // Every 7th answer is lost: the GSN retransmits the same request and gets 253.
    const r = await responder(new Responder({ dropAnswer: (_p, _f, nth) => nth % 7 === 0 }));
    const out = outDir();
    const report = await runGtppLoad({
      ...base(r.port, out),
      ...DUPLICATE_SCENARIOS,
    });
    const s = report.summary;
    expect(report.ended).toBe('done');
    expect(s.sent).toBe(report.prepared.cdrs);
    expect(s.accepted).toBe(report.prepared.cdrs);
    expect(s.retransmitted).toBeGreaterThan(0);
    expect(s.alreadyFulfilled).toBeGreaterThan(0);
    expect(s.possiblyDuplicated).toBeGreaterThan(0);
    expect(s.cancelled).toBeGreaterThan(0);
    expect(s.released).toBeGreaterThan(0);
    expect(s.rejected + s.failed + s.unconfirmed).toBe(0);
    // Lost requests and ignored answers held window slots until the timeout, never the whole window.
    expect(s.windowHeldByTimeouts).toBeGreaterThan(0);
    expect(s.windowHeldByTimeouts).toBeLessThan(1);
    expect(r.held).toBe(0);
    expect([...r.peers].sort()).toEqual(['127.0.0.10', '127.0.0.11', '127.0.0.12']);

    const truth = rows(join(out, 'truth/cdr.csv'));
    expect(truth).toHaveLength(report.prepared.cdrs);
    expect(takenLines(r)).toEqual(truth);
    expect(truth).toEqual([...truth].sort());
    const sessions = rows(join(out, 'truth/sessions.csv'));
    expect(sessions).toHaveLength(120);
    expect(sessions.reduce((n, l) => n + Number(l.split(',')[3]), 0)).toBe(report.prepared.cdrs);
    expect(rows(join(out, 'truth/unconfirmed.csv'))).toEqual([]);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as typeof report;
    expect(json.summary.accepted).toBe(s.accepted);
    expect(json.gsns.reduce((n, g) => n + g.accepted, 0)).toBe(s.accepted);
    const slots = json.gsns.reduce((n, g) => n + g.slotsWaitingTimeout, 0) / json.gsns.length;
    expect(slots / json.options.window).toBeCloseTo(s.windowHeldByTimeouts ?? NaN, 2);
    expect(json.series.length).toBeGreaterThanOrEqual(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('ensures the same seed gives the same CDRs', async () => {
    const r = await responder(new Responder());
    const a = outDir();
    const b = outDir();
    await runGtppLoad({ ...base(r.port, a), sessions: 30, seed: 3 });
    await runGtppLoad({ ...base(r.port, b), sessions: 30, seed: 3 });
    const ta = rows(join(a, 'truth/cdr.csv'));
    // Opening times follow the wall clock; everything else is the seed's.
    const strip = (l: string): string =>
      l
        .split(',')
        .filter((_, i) => i !== 9)
        .join(',');
    expect(rows(join(b, 'truth/cdr.csv')).map(strip)).toEqual(ta.map(strip));
    expect(ta).toHaveLength(90);
  });

  it('ensures 177 answers reject the CDRs (no retransmission) and keep them out of the truth', async () => {
    const r = await responder(new Responder({ cause: (peer) => (peer === '127.0.0.11' ? 177 : 128) }));
    const out = outDir();
    const report = await runGtppLoad({ ...base(r.port, out), gsns: 2, sessions: 40, seed: 2 });
    const rejected = report.gsns[1]?.sent ?? 0;
    expect(rejected).toBeGreaterThan(0);
    expect(report.summary).toMatchObject({
      rejected,
      retransmitted: 0,
      accepted: report.prepared.cdrs - rejected,
    });
    expect(takenLines(r)).toEqual(rows(join(out, 'truth/cdr.csv')));
  });

  it('ensures TCP carries the same protocol (one connection per GSN, stream framing)', async () => {
    const r = await responder(new Responder(), true);
    const out = outDir();
    const report = await runGtppLoad({
      ...base(r.port, out),
      transport: 'tcp',
      gsns: 2,
      sessions: 50,
      dupRate: 0.2,
      seed: 4,
    });
    expect(report.summary.accepted).toBe(report.prepared.cdrs);
    expect(takenLines(r)).toEqual(rows(join(out, 'truth/cdr.csv')));
  });

  it('ensures a restart storm: the GSN goes silent, restarts with Node Alive, re-sends outstanding as possibly duplicated + Release, floods its backlog', async () => {
    // Answers from GSN 0 are held back while it is down, so requests are outstanding when it goes down.
    const r = await responder(new Responder());
    const out = outDir();
    const report = await runGtppLoad({
      ...base(r.port, out),
      gsns: 2,
      sessions: 200,
      records: { kind: 'fixed', n: 2 },
      rate: 2000,
      shape: { kind: 'storm', gsn: 0, atMs: 60, downMs: 250 },
      seed: 9,
    });
    expect(report.summary.restarts).toBe(1);
    expect(report.gsns[0]?.restarts).toBe(1);
    expect(
      r.messages.some((m) => m.peer === '127.0.0.10' && m.frame.message.type === 'node-alive-request'),
    ).toBe(true);
    expect(report.summary.accepted).toBe(report.prepared.cdrs);
    const truth = rows(join(out, 'truth/cdr.csv'));
    expect(truth).toHaveLength(report.prepared.cdrs);
    // A request the gateway took before the GSN went down is taken again on Release: the truth lists it once.
    expect([...new Set(takenLines(r))].sort()).toEqual(truth);
  });

  it('ensures a Redirection Request moves traffic to the secondary and a Node Alive Request brings it back', async () => {
    const secondary = await responder(new Responder());
    let redirected = false;
    // The primary takes request 3 without answering, then redirects: request 3 is outstanding and moves.
    const primary = await responder(
      new Responder({
        dropAnswer: (_p, _f, nth) => nth === 3,
        onRequest: (peer, _f, nth) => {
          if (nth === 3 && !redirected) {
            redirected = true;
            peer.send({ type: 'redirection-request', cause: 61, recommendedNode: '127.0.0.1' }, 1);
            setTimeout(() => peer.send({ type: 'node-alive-request', nodeAddress: '127.0.0.1' }, 2), 100);
          }
        },
      }),
    );
    const out = outDir();
    const report = await runGtppLoad({
      ...base(primary.port, out),
      secondary: { host: '127.0.0.1', port: secondary.port },
      sessions: 200,
      rate: 3000,
      window: 4,
      seed: 5,
    });
    expect(secondary.commands.get(2) ?? 0).toBeGreaterThan(0);
    expect(secondary.commands.get(1) ?? 0).toBeGreaterThan(0);
    expect(primary.messages.some((m) => m.frame.message.type === 'redirection-response')).toBe(true);
    expect(primary.messages.some((m) => m.frame.message.type === 'node-alive-response')).toBe(true);
    expect(report.summary.redirected).toBeGreaterThan(0);
    expect(report.summary.accepted).toBe(report.prepared.cdrs);
    const truth = rows(join(out, 'truth/cdr.csv'));
    expect([...new Set([...takenLines(primary), ...takenLines(secondary)])].sort()).toEqual(truth);
    expect(secondary.held + primary.held).toBe(0);
  });

  it('ensures --start-at holds every message back until that time, and the report says how long it waited', async () => {
    let firstMs: number | undefined;
    const r = await responder(
      new Responder({
        dropAnswer: () => {
          firstMs ??= Date.now();
          return false;
        },
      }),
    );
    const startAtMs = Date.now() + 600;
    const report = await runGtppLoad({ ...base(r.port, outDir()), sessions: 10, startAtMs });
    expect(report.summary.accepted).toBe(30);
    expect(firstMs).toBeGreaterThanOrEqual(startAtMs);
    expect(report.prepared.waitedMs).toBeGreaterThan(0);
    expect(report.prepared.lateMs).toBeGreaterThanOrEqual(0);
    // Interrupted while it waits, the run ends at once as aborted, nothing sent.
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const stopped = await runGtppLoad(
      { ...base(r.port, outDir()), sessions: 10, startAtMs: Date.now() + 60_000 },
      { signal: abort.signal },
    );
    expect(stopped.ended).toBe('aborted');
    expect(stopped.summary.sent).toBe(0);
    expect(stopped.prepared.lateMs).toBeUndefined();
    // Without it, nothing is waited for and no lateness is reported.
    const plain = await runGtppLoad({ ...base(r.port, outDir()), sessions: 1 });
    expect(plain.prepared.waitedMs).toBe(0);
    expect(plain.prepared.lateMs).toBeUndefined();
  });

  it('ensures --count bounds the run and unconfirmed CDRs are listed apart when the gateway stops answering', async () => {
    const r = await responder(new Responder({ dropAnswer: (_p, _f, nth) => nth > 4 }));
    const out = outDir();
    const report = await runGtppLoad({
      ...base(r.port, out),
      sessions: 100,
      count: 60,
      retries: 1,
      timeoutMs: 50,
      seed: 1,
    });
    expect(report.summary.sent).toBe(60);
    expect(report.summary.accepted).toBe(40);
    expect(report.summary.failed).toBe(20);
    expect(rows(join(out, 'truth/cdr.csv'))).toHaveLength(40);
    expect(rows(join(out, 'truth/unconfirmed.csv'))).toHaveLength(20);
  });

  it('ensures --duration stops new CDRs (the rest is never sent) and --max-seconds ends a run that cannot finish', async () => {
    const r = await responder(new Responder());
    const out = outDir();
    const timed = await runGtppLoad({
      ...base(r.port, out),
      sessions: 1000,
      rate: 1000,
      durationMs: 300,
      seed: 1,
    });
    expect(timed.ended).toBe('duration');
    expect(timed.summary.sent).toBeGreaterThan(0);
    expect(timed.summary.sent).toBeLessThan(timed.prepared.cdrs);
    expect(rows(join(out, 'truth/cdr.csv'))).toHaveLength(timed.summary.accepted);

    const silent = await responder(new Responder({ dropAnswer: () => true }));
    const capped = await runGtppLoad({
      ...base(silent.port, outDir()),
      sessions: 5,
      retries: 100,
      timeoutMs: 100,
      maxSeconds: 1,
    });
    expect(capped.ended).toBe('max-seconds');
    expect(capped.summary.accepted).toBe(0);
    expect(capped.summary.unconfirmed).toBe(15);
    expect(capped.truth).toEqual({ cdrs: 0, sessions: 0, unconfirmed: 15 });
  });

  requireTshark("the load generator's pcap");

  it.skipIf(!HAVE_TSHARK)(
    "ensures --pcap captures every datagram both ways and tshark dissects them as GTP'",
    async () => {
      const r = await responder(new Responder());
      const out = outDir();
      const pcap = join(out, 'run.pcap');
      const report = await runGtppLoad({ ...base(r.port, out), sessions: 20, pcap, seed: 8 });
      const fields = execFileSync(
        '/usr/bin/tshark',
        [
          '-r',
          pcap,
          '-d',
          `udp.port==${r.port},gtpprime`,
          '-T',
          'fields',
          '-e',
          'frame.protocols',
          '-e',
          'gtp.message',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      )
        .trim()
        .split('\n');
      expect(fields).toHaveLength(report.summary.requests + report.summary.responses);
      expect(fields.every((l) => l.startsWith('eth:ethertype:ip:udp:gtpprime'))).toBe(true);
      expect(fields.filter((l) => l.endsWith('0xf0'))).toHaveLength(report.summary.requests);
    },
  );
});

describe("runGtppLoad --prepare stream against a GTP' responder", () => {
  it('ensures a streamed run completes the duplicate scenarios and its truth equals what the gateway took, once each', async () => {
    const r = await responder(new Responder({ dropAnswer: (_p, _f, nth) => nth % 7 === 0 }));
    const out = outDir();
    const report = await runGtppLoad({
      ...base(r.port, out),
      prepare: 'stream',
      ...DUPLICATE_SCENARIOS,
    });
    const s = report.summary;
    expect(report.prepared.mode).toBe('stream');
    expect(report.prepared.ms).toBe(0);
    expect(report.ended).toBe('done');
    expect(s.sent).toBe(report.prepared.cdrs);
    expect(s.accepted).toBe(report.prepared.cdrs);
    expect(s.alreadyFulfilled).toBeGreaterThan(0);
    expect(s.cancelled).toBeGreaterThan(0);
    expect(s.released).toBeGreaterThan(0);
    expect(s.rejected + s.failed + s.unconfirmed).toBe(0);
    const truth = rows(join(out, 'truth/cdr.csv'));
    expect(truth).toHaveLength(report.prepared.cdrs);
    expect(takenLines(r)).toEqual([...truth].sort());
    expect(rows(join(out, 'truth/sessions.csv'))).toHaveLength(120);
    expect(rows(join(out, 'truth/unconfirmed.csv'))).toEqual([]);
    expect(report.truth).toEqual({ cdrs: report.prepared.cdrs, sessions: 120, unconfirmed: 0 });
    expect(report.resources.peakRssBytes).toBeGreaterThan(10 * 1048576);
    expect(report.resources.cpuSeconds).toBeGreaterThan(0);
  });

  it('ensures a streamed restart storm still floods what the silent GSN was given while down', async () => {
    const r = await responder(new Responder());
    const out = outDir();
    const report = await runGtppLoad({
      ...base(r.port, out),
      prepare: 'stream',
      gsns: 2,
      mix: [
        { recordType: 'pGWRecord', weight: 1 },
        { recordType: 'ggsnPDPRecord', weight: 1 },
      ],
      sessions: 300,
      records: { kind: 'fixed', n: 2 },
      rate: 2000,
      window: 4,
      shape: { kind: 'storm', gsn: 0, atMs: 60, downMs: 400 },
      seed: 9,
    });
    expect(report.summary.restarts).toBe(1);
    expect(report.summary.accepted).toBe(600);
    // The silent GSN is given its share all the while (more than its paced backlog of 2 windows),
    // so the other GSN (half the sessions) is never held up by it: all its requests come before the
    // restart, and the silent one floods its share.
    const restart = r.messages.findIndex(
      (m) => m.peer === '127.0.0.10' && m.frame.message.type === 'node-alive-request',
    );
    const isSend = (m: (typeof r.messages)[number]): boolean =>
      m.frame.message.type === 'data-record-transfer-request' && m.frame.message.command === 1;
    const lastOther = r.messages.findLastIndex((m) => m.peer === '127.0.0.11' && isSend(m));
    expect(restart).toBeGreaterThan(0);
    expect(lastOther).toBeLessThan(restart);
    const flooded = r.messages.slice(restart).filter((m) => m.peer === '127.0.0.10' && isSend(m)).length;
    expect(flooded).toBeGreaterThan(2 * 4);
    expect([...new Set(takenLines(r))].sort()).toEqual(rows(join(out, 'truth/cdr.csv')).sort());
  });

  it('ensures a run bounded by --duration alone sends until then, making CDRs only a few windows ahead of what is sent', async () => {
    const r = await responder(new Responder());
    const out = outDir();
    const report = await runGtppLoad({ ...base(r.port, out), gsns: 2, durationMs: 500, window: 16, seed: 3 });
    expect(report.options.prepare).toBe('stream');
    expect(report.ended).toBe('duration');
    const s = report.summary;
    expect(s.accepted).toBe(s.sent);
    expect(s.sent).toBeGreaterThan(0);
    // Made but never sent: at most each GSN's backlog (2 windows) and the message looked at next.
    expect(report.prepared.cdrs - s.sent).toBeLessThanOrEqual(2 * (2 * 16 + 1) * 10);
    expect(rows(join(out, 'truth/cdr.csv'))).toHaveLength(s.accepted);
    expect(rows(join(out, 'truth/unconfirmed.csv'))).toEqual([]);
    const sessions = rows(join(out, 'truth/sessions.csv'));
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.reduce((n, l) => n + Number(l.split(',')[3]), 0)).toBeLessThanOrEqual(s.accepted);
  });

  it('ensures --at-duration finish-sessions ends a run bounded by its duration on whole sessions, where cut leaves some open', async () => {
    const r = await responder(new Responder());
    const run = (atDuration: 'cut' | 'finish-sessions') => {
      const out = outDir();
      const input: GtppLoadInput = {
        ...base(r.port, out),
        gsns: 2,
        durationMs: 400,
        window: 16,
        records: { kind: 'uniform', min: 1, max: 8 },
        seed: 5,
        atDuration,
      };
      return runGtppLoad(input).then((report) => ({ report, out }));
    };
    const recordsInSessions = (out: string): number =>
      rows(join(out, 'truth/sessions.csv')).reduce((n, l) => n + Number(l.split(',')[3]), 0);

    const finished = await run('finish-sessions');
    const s = finished.report.summary;
    expect(finished.report.ended).toBe('duration');
    expect(s.accepted).toBe(s.sent);
    // Everything made was sent, and every CDR the gateway took belongs to a session in the truth.
    expect(finished.report.prepared.cdrs).toBe(s.sent);
    expect(rows(join(finished.out, 'truth/cdr.csv'))).toHaveLength(s.accepted);
    expect(recordsInSessions(finished.out)).toBe(s.accepted);

    const cut = await run('cut');
    expect(recordsInSessions(cut.out)).toBeLessThan(cut.report.summary.accepted);
  });
});

describe('several load generators against one gateway', () => {
  it('ensures generators given their own GSN numbers (--first-gsn) send from their own addresses, and each truth is what the gateway took from its GSNs', async () => {
    const r = await responder(new Responder({ dropAnswer: (_p, _f, nth) => nth % 9 === 0 }));
    const outs = [outDir(), outDir()];
    const reports = await Promise.all(
      outs.map((out, i) =>
        runGtppLoad({ ...base(r.port, out), ...DUPLICATE_SCENARIOS, firstGsn: 3 * i, seed: 20 + i }),
      ),
    );
    expect([...r.peers].sort()).toEqual([
      '127.0.0.10',
      '127.0.0.11',
      '127.0.0.12',
      '127.0.0.13',
      '127.0.0.14',
      '127.0.0.15',
    ]);
    expect(reports[1]?.gsns.map((g) => g.nodeId).sort()).toEqual(['GGSN-5', 'PGW-4', 'SGSN-6']);
    for (const rep of reports) expect(rep.summary.accepted).toBe(rep.prepared.cdrs);
    const truth = outs.flatMap((out) => rows(join(out, 'truth/cdr.csv')));
    expect([...new Set(takenLines(r))].sort()).toEqual(truth.sort());
  });
});
