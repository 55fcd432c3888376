/**
 * A soak of the whole GTP' chain: `config/gtpp-chain.yaml` (gtpp-ei → order enhancer → cdr file and
 * per-session aggregate) taking a steady streamed load (`narflow loadgen gtpp --prepare stream`,
 * 4 GSNs, 2% duplicate scenarios) of whole sessions at RATE CDRs/s for about 40 seconds
 * (`NARFLOW_BENCH_SOAK_S`: longer soaks show whether memory levels off; `NARFLOW_BENCH_SOAK_INACTIVITY_MS`:
 * the S-CDR inactivity timeout, 5 s by default; `NARFLOW_BENCH_SOAK_SETS`:
 * space-separated `--set path=value` overrides of the chain's config to try). Whole sessions, not a
 * duration: a session cut short keeps its partial records in the order enhancer, which holds them
 * until the final one, so they would be in the truth and not yet in the output. Reported: the rate
 * taken, narflow's resident memory sampled every second (at the end of the first third against the
 * end: a process that keeps what it should let go grows between the two), the order enhancer's
 * largest checkpoint, longest wait between checkpoints, time lag and the records its actors hold
 * (sampled every second while loaded), and whether the `cdr` and `sessions` outputs equal the
 * generator's ground truth (the same rows, as many times each: compared as streamed digests,
 * `RowDigest`, so a soak of hours fits in memory) and the gateway holds no possibly duplicated
 * packet at the end (else the bench fails). The same chain also runs as fast as the answers come
 * (`full`: sessions prepared ahead, 8 GSNs, a 500 ms retransmission timeout, after a warm-up), for
 * the rate the whole chain takes and its CPU per CDR.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostStatus } from '../test/helpers/chain.js';
import { gtppChainArgs } from '../test/helpers/gtpp-chain.js';
import { BIN, ROOT } from './narflow-process.js';
import { digestCsvFiles, sameRows, sumDigests, type RowDigest } from './row-digest.js';
import { busyCost, busyCpuDuring, child, withServer, type BusyCost } from './servers.js';
import { BenchError } from './stats.js';

const RATE = 20_000;
const PORT = 23_020;
/** How long the outputs may take to hold every row once the load has ended (at least). */
const DRAIN_MS = 120_000;
const POLL_MS = 1000;
/** 24 hours: the ground truth and the outputs are compared as streamed digests, so any length fits in memory. */
const MAX_SOAK_S = 86_400;

export interface SoakResult {
  /** How long the load took. */
  readonly seconds: number;
  /** CDRs/s offered (0: as fast as the answers come). */
  readonly offered: number;
  /** narflow's CPU over the span the load kept it busy, per CDR taken. */
  readonly cpu: BusyCost;
  readonly cdrsPerSecond: number;
  /** CDRs the measured load had accepted. */
  readonly accepted: number;
  /** Rows of the outputs (the warm-up's included), equal to the ground truth. */
  readonly outputCdrs: number;
  readonly sessions: number;
  /** From the end of the load until both outputs held every row. */
  readonly catchUpSeconds: number;
  /** narflow's resident memory at the end of the first third of the load, and at its end. */
  readonly rssThirdBytes: number;
  readonly rssEndBytes: number;
  readonly rssPeakBytes: number;
  /** The order enhancer's actors, sampled every second: the largest checkpoint and wait between checkpoints, and time lag. */
  readonly oeCheckpointBytes: number;
  readonly oeCheckpointIntervalMs: number;
  readonly oeTimeLagMaxMs: number;
  /** Records the order enhancer's actors held together (open sessions' records): the most sampled, and at the end of the load. */
  readonly oeHeldMax: number;
  readonly oeHeldEnd: number;
}

/**
 * The order enhancer's S-CDR inactivity timeout (`NARFLOW_BENCH_SOAK_INACTIVITY_MS`, default 5 s, so
 * S-CDR sessions leave within the soak; the shipped chain's 600000 holds every S-CDR session open for
 * 10 minutes after its last record, and the outputs are complete that much after the load).
 */
function inactivityMs(text: string | undefined): number {
  if (text === undefined) return 5000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1000 || ms > 3_600_000)
    throw new BenchError(
      'usage',
      `NARFLOW_BENCH_SOAK_INACTIVITY_MS: expected whole milliseconds 1000–3600000, got ${text}`,
    );
  return ms;
}

function soakSeconds(text: string | undefined): number {
  if (text === undefined) return 40;
  const s = Number(text);
  if (!Number.isInteger(s) || s < 5 || s > MAX_SOAK_S)
    throw new BenchError(
      'usage',
      `NARFLOW_BENCH_SOAK_S: expected whole seconds 5–${MAX_SOAK_S}, got ${text}`,
    );
  return s;
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m === null ? 0 : Number(m[1]) * 1024;
}

/**
 * The digest of the rows of the CSV files of `dir` (a header each). A file OI's CSV file appears
 * whole (renamed into place when rolled), so each is read once, as it appears (`seen`).
 */
async function outputDigest(dir: string, seen: Map<string, RowDigest>): Promise<RowDigest> {
  for (const f of (await readdir(dir).catch(() => [])).filter((x) => x.endsWith('.csv'))) {
    if (!seen.has(f)) seen.set(f, await digestCsvFiles([join(dir, f)]));
  }
  return sumDigests(seen.values());
}

/** An output directory, the digests of the files read from it so far, and the rows it should hold. */
interface Output {
  readonly dir: string;
  readonly seen: Map<string, RowDigest>;
  readonly rows: number;
}

/** Waits (polling) until each output directory holds its rows, or `until`. */
async function waitForRows(outputs: readonly Output[], until: number): Promise<void> {
  for (;;) {
    const digests = await Promise.all(outputs.map((o) => outputDigest(o.dir, o.seen)));
    if (digests.every((d, i) => d.rows >= (outputs[i] as Output).rows) || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * The chain's load: `steady`, the soak (streamed at RATE for the soak's length, 4 GSNs); `full`, as
 * fast as the answers come (FULL_SESSIONS sessions prepared ahead, so making CDRs does not bound the
 * rate, from 8 GSNs with 64 requests in flight each).
 */
export type ChainLoad = 'steady' | 'full';

/** Sessions of the full-rate run: about 300,000 CDRs; before it, WARM_SESSIONS to warm the chain up. */
const FULL_SESSIONS = 100_000;
const WARM_SESSIONS = 30_000;
/** The GSNs' retransmission timeout at full rate (answers take 100 ms at most, p99, there). */
const FULL_TIMEOUT_MS = 500;

export function runGtppSoakBench(
  dir: string,
  progress: (s: string) => void,
  load: ChainLoad = 'steady',
): Promise<SoakResult> {
  const soakS = soakSeconds(process.env['NARFLOW_BENCH_SOAK_S']);
  const inactivity = inactivityMs(process.env['NARFLOW_BENCH_SOAK_INACTIVITY_MS']);
  const steady = load === 'steady';
  /** Sessions of 1–5 records (3 on average) for soakS seconds at RATE. */
  const sessionCount = steady ? Math.round((soakS * RATE) / 3) : FULL_SESSIONS;
  const args = [
    BIN,
    ...gtppChainArgs(
      dir,
      PORT,
      [
        ['nodes[gtpp].settings.listen.address', '127.0.0.1'],
        // S-CDR sessions (closed by inactivity) leave that long after their last record.
        ['nodes[dedup].settings.inactivityTimeoutMs', inactivity],
      ],
      ROOT,
    ),
    // Settings to try under the same load, e.g. 'nodes[dedup].settings.maxProcessedSessions=100000'.
    ...(process.env['NARFLOW_BENCH_SOAK_SETS'] ?? '')
      .split(' ')
      .filter((x) => x !== '')
      .flatMap((x) => ['--set', x]),
  ];
  return withServer(args, /"msg":"narflow running"/, async (_line, server) => {
    const pid = server.pid as number;
    progress(
      steady
        ? `gtpp soak: gtpp-chain.yaml at ${RATE} CDRs/s for about ${soakS} s (${sessionCount} sessions)`
        : `gtpp chain: gtpp-chain.yaml as fast as answers come (${sessionCount} sessions)`,
    );
    const generate = (
      out: string,
      sessions: number,
      more: readonly string[] = [],
    ): ReturnType<typeof child> =>
      child(
        [BIN, 'loadgen', 'gtpp', '--target', `127.0.0.1:${PORT}`, '--gsns', steady ? '4' : '8']
          .concat(['--records', '1-5', '--dup-rate', '0.02', '--rate', String(steady ? RATE : 0)])
          .concat(['--sessions', String(sessions), '--prepare', steady ? 'stream' : 'ahead'])
          .concat(['--progress', 'off', '--max-seconds', String(steady ? Math.min(86_400, soakS * 3) : 600)])
          // A lost request or answer (the duplicate scenarios) holds a window slot until the GSN's
          // timeout: at full rate the default 3 s would leave few slots, and the window bound the rate.
          .concat(steady ? [] : ['--timeout-ms', String(FULL_TIMEOUT_MS)])
          .concat(['--out', join(dir, out), ...more]),
        undefined,
      );
    /** Truth directories whose rows the outputs must hold: a warm-up's, then the load's. */
    const truths: string[] = [];
    if (!steady) {
      // Seven fresh isolates compile their code in the first seconds: the rate is of a warm chain.
      // Other GSNs and another seed: the warm-up's sessions share no key with the measured ones.
      const warm = generate('warm', WARM_SESSIONS, ['--first-gsn', '8', '--seed', '2']);
      const warmCode = await warm.done;
      if (warmCode !== 0)
        throw new BenchError(
          'process_failed',
          `warm-up load exited ${warmCode}: ${warm.output().slice(-2000)}`,
        );
      truths.push(join(dir, 'warm', 'truth'));
    }
    truths.push(join(dir, 'lg', 'truth'));
    const generator = generate('lg', sessionCount);
    const rss: number[] = [];
    const oe = { bytes: 0, intervalMs: 0, lagMs: 0, heldMax: 0, held: 0 };
    const sampleOe = async (): Promise<void> => {
      const node = (await hostStatus(join(dir, 'data'), pid))?.nodes.find((n) => n.node === 'dedup');
      if (node === undefined) return;
      oe.held = node.actors.reduce((n, a) => n + (a.stats?.ledger.held ?? 0), 0);
      oe.heldMax = Math.max(oe.heldMax, oe.held);
      for (const a of node.actors) {
        if (a.stats === undefined) continue;
        oe.bytes = Math.max(oe.bytes, a.stats.checkpointBytes);
        oe.intervalMs = Math.max(oe.intervalMs, a.stats.checkpointIntervalMs);
        oe.lagMs = Math.max(oe.lagMs, a.stats.timeLagMs);
      }
    };
    const sampler = setInterval(() => {
      void rssBytes(pid).then((b) => rss.push(b));
      void sampleOe();
    }, 1000);
    const { result: code, busy } = await busyCpuDuring(pid, () => generator.done);
    clearInterval(sampler);
    if (code !== 0)
      throw new BenchError('process_failed', `soak load exited ${code}: ${generator.output().slice(-2000)}`);
    const report = JSON.parse(await readFile(join(dir, 'lg', 'report.json'), 'utf8')) as {
      summary: { cdrsPerSecond: number; accepted: number; unconfirmed: number; elapsedMs: number };
    };
    const truth = await digestCsvFiles(truths.map((t) => join(t, 'cdr.csv')));
    const truthSessions = await digestCsvFiles(truths.map((t) => join(t, 'sessions.csv')));
    progress(
      `gtpp soak: load done at ${Math.round(report.summary.cdrsPerSecond)} CDRs/s; order enhancer ` +
        `checkpoints up to ${(oe.bytes / 2 ** 20).toFixed(1)} MiB, at most ${(oe.intervalMs / 1000).toFixed(1)} s ` +
        `apart, time lag up to ${(oe.lagMs / 1000).toFixed(1)} s; waiting for the outputs ` +
        `(${truth.rows} CDRs, ${truthSessions.rows} sessions)`,
    );
    const loadEnded = Date.now();
    const cdrOut: Output = { dir: join(dir, 'out', 'cdr'), seen: new Map(), rows: truth.rows };
    const sessionsOut: Output = {
      dir: join(dir, 'out', 'sessions'),
      seen: new Map(),
      rows: truthSessions.rows,
    };
    await waitForRows([cdrOut, sessionsOut], loadEnded + Math.max(DRAIN_MS, soakS * 1000) + inactivity);
    const catchUpSeconds = (Date.now() - loadEnded) / 1000;
    // Every possibly duplicated packet was released or cancelled: the gateway holds none of them
    // (its stats come about once a second: a few seconds for the last ones to show).
    let gatewayHeld = 0;
    for (let i = 0; i < 5; i++) {
      const gateway = (await hostStatus(join(dir, 'data'), pid))?.nodes.find((n) => n.node === 'gtpp');
      gatewayHeld = (gateway?.actors ?? []).reduce((n, a) => n + (a.stats?.ledger.held ?? 0), 0);
      if (gatewayHeld === 0) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    // Files that appeared since (a row too many) are read too.
    const cdrRows = await outputDigest(cdrOut.dir, cdrOut.seen);
    const sessionRows = await outputDigest(sessionsOut.dir, sessionsOut.seen);
    const cdrSame = sameRows(cdrRows, truth);
    const sessionsSame = sameRows(sessionRows, truthSessions);
    if (report.summary.unconfirmed > 0 || gatewayHeld > 0 || !cdrSame || !sessionsSame) {
      const rowsText = (name: string, out: RowDigest, want: RowDigest, same: boolean): string =>
        `${name} ${out.rows} rows against ${want.rows} in the truth` +
        (same ? '' : out.rows === want.rows ? ' (the same count, other rows)' : '');
      throw new BenchError(
        'output_mismatch',
        `gtpp soak: ${rowsText('cdr', cdrRows, truth, cdrSame)}, ` +
          `${rowsText('sessions', sessionRows, truthSessions, sessionsSame)}, ${report.summary.unconfirmed} unconfirmed, ` +
          `${gatewayHeld} CDRs of possibly duplicated packets still held by the gateway`,
      );
    }
    return {
      seconds: report.summary.elapsedMs / 1000,
      offered: steady ? RATE : 0,
      cpu: busyCost(busy, report.summary.accepted),
      cdrsPerSecond: report.summary.cdrsPerSecond,
      accepted: report.summary.accepted,
      outputCdrs: truth.rows,
      sessions: truthSessions.rows,
      catchUpSeconds,
      rssThirdBytes: rss[Math.floor(rss.length / 3)] ?? 0,
      rssEndBytes: rss[rss.length - 1] ?? 0,
      rssPeakBytes: Math.max(0, ...rss),
      oeCheckpointBytes: oe.bytes,
      oeCheckpointIntervalMs: oe.intervalMs,
      oeTimeLagMaxMs: oe.lagMs,
      oeHeldMax: oe.heldMax,
      oeHeldEnd: oe.held,
    };
  });
}
