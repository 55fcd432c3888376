/**
 * `runGtppLoad`: prepares the CDRs (ahead, or while the run goes: `--prepare stream`), runs the
 * simulated GSNs against the gateway under the rate shape until the run's bounds, then completes the
 * ground truth and writes the report and truth files.
 */
import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DecodeError } from '../../../protocols/errors.js';
import { decodeFrame } from '../../../protocols/gtpp/index.js';
import type { Endpoint } from '../args.js';
import type { HistogramBucket } from '../histogram.js';
import { PcapFile } from '../pcap-file.js';
import { renderHtmlReport } from '../report-html.js';
import { writeReportFiles } from '../report.js';
import { Rng } from '../rng.js';
import { sendLoop, type Ended, type LoopHooks, type SendLoopPlan } from '../send-loop.js';
import { RateScheduler } from '../shape.js';
import { LoadStats, type LoadSummary, type SeriesPoint } from '../stats.js';
import { SimulatedGsn } from './gsn.js';
import { Ledger, type GsnCounts } from './ledger.js';
import {
  fillGtppLoadOptions,
  planLimit,
  sessionLimit,
  type GtppLoadInput,
  type GtppLoadOptions,
} from './options.js';
import type { CdrRecordType } from '../../../protocols/cdr/index.js';
import { PENDING, preparedMessages, type MessageFeed, type RunMessages } from './messages.js';
import { planGsns } from './plan.js';
import { prepareRun } from './prepare.js';
import { StreamedRun } from './stream.js';
import { GsnTransport } from './transport.js';
import { NO_TRUTH_FILES, TruthFiles } from './truth-files.js';
import { computeTruth, writeTruth } from './truth.js';

export interface GsnReport extends GsnCounts {
  readonly index: number;
  readonly address: string;
  readonly role: CdrRecordType;
  readonly nodeId: string;
}

export interface LoadReport {
  readonly options: GtppLoadOptions;
  readonly summary: LoadSummary;
  readonly series: readonly SeriesPoint[];
  readonly gsns: readonly GsnReport[];
  readonly latencyHistogram: readonly HistogramBucket[];
  readonly prepared: {
    /** `ahead`: every CDR made before sending (`ms`); `stream`: made while sending (`ms` 0). */
    readonly mode: 'ahead' | 'stream';
    readonly cdrs: number;
    readonly messages: number;
    readonly sessions: number;
    readonly ms: number;
    /** Time spent after preparing, waiting for `--start-at`. */
    readonly waitedMs: number;
    /** With `--start-at`: how long after that time sending began (preparing took longer, or timers). */
    readonly lateMs?: number;
  };
  readonly truth: { readonly cdrs: number; readonly sessions: number; readonly unconfirmed: number };
  /** The generator process: its peak resident memory, and the CPU it used (preparing included). */
  readonly resources: { readonly peakRssBytes: number; readonly cpuSeconds: number };
  /** Socket errors and undecodable messages from the gateway: count and the last one. */
  readonly errors: { readonly count: number; readonly last: string | undefined };
  /** Why the run ended: `done` (everything confirmed or failed), `duration`, `max-seconds`, `aborted`. */
  readonly ended: Ended;
}

export type RunHooks = LoopHooks;

interface TruthCounts {
  readonly cdrs: number;
  readonly sessions: number;
  readonly unconfirmed: number;
}

/** Where a run's messages come from, and how its ground truth is completed. */
interface MessageSource {
  readonly messages: RunMessages & MessageFeed;
  /** Messages known before sending (0 when made as the run goes). */
  readonly total: number;
  /** Made as the run goes: each GSN is given only a short backlog. */
  readonly paced: boolean;
  made(): { readonly cdrs: number; readonly messages: number; readonly sessions: number };
  /** The gateway confirmed message `m` (first time). */
  readonly confirmed?: (m: number) => void;
  /** Open no new session (`--at-duration finish-sessions`; streamed runs only). */
  readonly finishSessions?: () => void;
  /** After the run: writes (or completes) the truth files under `out`, and counts them. */
  truth(ledger: Ledger, out: string | undefined): Promise<TruthCounts>;
}

function aheadSource(o: GtppLoadOptions): MessageSource {
  const run = prepareRun({
    gsns: o.gsns,
    firstGsn: o.firstGsn,
    ipv6: o.target.host.includes(':'),
    mix: o.mix,
    records: o.records,
    limit: sessionLimit(o),
    cdrsPerMessage: o.cdrsPerMessage,
    gtppVersion: o.gtppVersion,
    dupRate: o.dupRate,
    seed: o.seed,
    nowMs: Date.now(),
  });
  return {
    messages: preparedMessages(run),
    total: run.msgFrame.length,
    paced: false,
    made: () => ({ cdrs: run.totalCdrs, messages: run.msgFrame.length, sessions: run.sessionRecords.length }),
    async truth(ledger, out) {
      const truth = computeTruth(run, ledger.outcome);
      if (out !== undefined) await writeTruth(out, truth);
      return {
        cdrs: truth.cdrs.length,
        sessions: truth.sessions.length,
        unconfirmed: truth.unconfirmed.length,
      };
    },
  };
}

function streamSource(o: GtppLoadOptions): MessageSource {
  const files = o.out === undefined ? undefined : new TruthFiles(o.out);
  const run = StreamedRun.inWorker(
    {
      gsns: planGsns(o.gsns, o.mix, o.target.host.includes(':'), o.firstGsn),
      mix: o.mix,
      records: o.records,
      limit: planLimit(o),
      cdrsPerMessage: o.cdrsPerMessage,
      gtppVersion: o.gtppVersion,
      dupRate: o.dupRate,
      seed: o.seed,
      nowMs: Date.now(),
    },
    files ?? NO_TRUTH_FILES,
  );
  return {
    messages: run,
    total: 0,
    paced: true,
    made: () => run.made,
    confirmed: (m) => run.confirmed(m),
    finishSessions: () => run.finishSessions(),
    // The truth files were opened at the start (under `--out`) and filled as the gateway confirmed.
    async truth(ledger) {
      try {
        return run.finish((m) => ledger.outcomeOf(m));
      } finally {
        files?.close();
      }
    },
  };
}

export async function runGtppLoad(input: GtppLoadInput, hooks: RunHooks = {}): Promise<LoadReport> {
  const o = fillGtppLoadOptions(input);
  const t = performance.now();
  const source = o.prepare === 'stream' ? streamSource(o) : aheadSource(o);
  const prepareMs = o.prepare === 'stream' ? 0 : performance.now() - t;
  // Several generators started together prepare at their own pace, then send from one moment.
  const waitedMs = o.startAtMs === undefined ? 0 : Math.max(0, o.startAtMs - Date.now());
  // Interrupted (SIGINT), the wait ends early and the send loop ends the run as aborted.
  if (waitedMs > 0) await sleep(waitedMs, undefined, { signal: hooks.signal }).catch(() => undefined);
  const lateMs =
    o.startAtMs === undefined || hooks.signal?.aborted === true
      ? undefined
      : Math.max(0, Date.now() - o.startAtMs);
  const stats = new LoadStats();
  const messages = source.messages;
  const ledger = new Ledger(messages, stats, source.total);
  ledger.onConfirmed = source.confirmed;
  const pcap = o.pcap === undefined ? undefined : new PcapFile(o.pcap);
  const errors = { count: 0, last: undefined as string | undefined };
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const gsns: SimulatedGsn[] = [];
  const transport = new GsnTransport(
    o.transport,
    messages.gsns.map((g) => g.address),
    {
      message(g, bytes, from: Endpoint) {
        const gsn = gsns[g] as SimulatedGsn;
        try {
          gsn.receive(decodeFrame(bytes), from, now());
        } catch (err) {
          if (!(err instanceof DecodeError)) throw err;
          errors.count++;
          errors.last = `GSN ${g}: ${err.message}`;
          return;
        }
        gsn.pump(now());
      },
      error(g, err) {
        errors.count++;
        errors.last = `GSN ${g}: ${err.message}`;
      },
    },
    pcap,
  );
  const counters = new Rng(o.seed, 9);
  const cfg = {
    primary: o.target,
    secondary: o.secondary,
    window: o.window,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    version: o.gtppVersion,
  };
  for (const g of messages.gsns) gsns.push(new SimulatedGsn(g, cfg, ledger, transport, counters.int(0, 255)));

  const ended: Ended =
    hooks.signal?.aborted === true
      ? 'aborted'
      : await sendLoop(releasePlan(o, source, gsns), gsns, stats, now, hooks);
  transport.closeAll();
  await pcap?.close();
  const elapsed = now();
  stats.tick(elapsed, 0);
  const summary = stats.finish(elapsed);
  summary.unconfirmed = ledger.unconfirmedCdrs();
  let held = 0;
  gsns.forEach((g, i) => {
    const slots = g.slotsWaitingTimeout(elapsed);
    (ledger.perGsn[i] as GsnCounts).slotsWaitingTimeout = Math.round(slots * 100) / 100;
    held += slots;
  });
  if (gsns.length > 0) summary.windowHeldByTimeouts = held / gsns.length / o.window;
  if (o.out !== undefined) await mkdir(o.out, { recursive: true });
  const truth = await source.truth(ledger, o.out);
  const made = source.made();
  const report: LoadReport = {
    options: o,
    summary,
    series: stats.series,
    gsns: messages.gsns.map((g, i) => ({ ...g, ...(ledger.perGsn[i] as GsnCounts) })),
    latencyHistogram: stats.histogram(),
    prepared: {
      mode: o.prepare === 'stream' ? 'stream' : 'ahead',
      cdrs: made.cdrs,
      messages: made.messages,
      sessions: made.sessions,
      ms: Math.round(prepareMs),
      waitedMs: Math.round(waitedMs),
      ...(lateMs === undefined ? {} : { lateMs: Math.round(lateMs) }),
    },
    truth,
    resources: resourcesUsed(),
    errors,
    ended,
  };
  if (o.out !== undefined) await writeReportFiles(o.out, report, htmlOf(report));
  return report;
}

function resourcesUsed(): LoadReport['resources'] {
  const r = process.resourceUsage();
  return { peakRssBytes: r.maxRSS * 1024, cpuSeconds: (r.userCPUTime + r.systemCPUTime) / 1e6 };
}

/** A streamed run keeps each GSN's backlog of released messages to this many windows. */
const PACED_BACKLOG_WINDOWS = 2;

/**
 * Messages are released whole, in the feed's order, as the shape allows their CDRs (and `--count`).
 * A paced (streamed) feed also waits while the next message's GSN holds a backlog of
 * PACED_BACKLOG_WINDOWS windows, unless that GSN is down (a storm's GSN keeps what it is given).
 */
function releasePlan(o: GtppLoadOptions, source: MessageSource, gsns: readonly SimulatedGsn[]): SendLoopPlan {
  const feed = source.messages;
  const countLimit = o.count ?? Infinity;
  const backlogCap = source.paced ? PACED_BACKLOG_WINDOWS * o.window : Infinity;
  let releasedCdrs = 0;
  return {
    shape: o.shape,
    scheduler: new RateScheduler(o.shape, o.rate, o.cdrsPerMessage, o.seed, o.durationMs ?? 60_000),
    durationMs: o.durationMs,
    drainMs: o.timeoutMs * (o.retries + 2),
    maxSeconds: o.maxSeconds,
    release(allowed: number): boolean {
      const limit = Math.min(allowed, countLimit);
      for (;;) {
        const next = feed.peek();
        // Not made yet: the maker thread is behind; the next turn of the loop asks again.
        if (next === PENDING) return true;
        if (next === undefined || releasedCdrs + next.cdrs > countLimit) return false;
        if (releasedCdrs + next.cdrs > limit) return true;
        const gsn = gsns[next.gsn] as SimulatedGsn;
        if (!gsn.isDown && gsn.backlog >= backlogCap) return true;
        gsn.enqueue(feed.take());
        releasedCdrs += next.cdrs;
      }
    },
    stopNew(): void {
      for (const g of gsns) g.dropBacklog();
    },
    ...(o.atDuration === 'finish-sessions' && source.finishSessions !== undefined
      ? { finishSessions: source.finishSessions }
      : {}),
  };
}

function htmlOf(r: LoadReport): string {
  const o = r.options;
  return renderHtmlReport({
    title: `narflow loadgen gtpp → ${o.target.host}:${o.target.port}`,
    summary: r.summary,
    series: r.series,
    details: {
      transport: o.transport,
      GSNs: String(o.gsns),
      'rate / shape': `${o.rate === 0 ? 'unlimited' : `${o.rate} CDRs/s`} / ${o.shape.kind}`,
      'CDRs per message / window': `${o.cdrsPerMessage} / ${o.window}`,
      'dup rate': String(o.dupRate),
      seed: String(o.seed),
      ended: r.ended,
    },
  });
}
