/**
 * `runGtppLoad`: prepares the CDRs, runs the simulated GSNs against the gateway under the rate shape
 * until the run's bounds, then computes the ground truth and writes the report and truth files.
 */
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
import { fillGtppLoadOptions, sessionLimit, type GtppLoadInput, type GtppLoadOptions } from './options.js';
import type { CdrRecordType } from '../../../protocols/cdr/index.js';
import { prepareRun, type PreparedRun } from './prepare.js';
import { GsnTransport } from './transport.js';
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
  /** Socket errors and undecodable messages from the gateway: count and the last one. */
  readonly errors: { readonly count: number; readonly last: string | undefined };
  /** Why the run ended: `done` (everything confirmed or failed), `duration`, `max-seconds`, `aborted`. */
  readonly ended: Ended;
}

export type RunHooks = LoopHooks;

export async function runGtppLoad(input: GtppLoadInput, hooks: RunHooks = {}): Promise<LoadReport> {
  const o = fillGtppLoadOptions(input);
  const t = performance.now();
  const run = prepareRun({
    gsns: o.gsns,
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
  const prepareMs = performance.now() - t;
  // Several generators started together prepare at their own pace, then send from one moment.
  const waitedMs = o.startAtMs === undefined ? 0 : Math.max(0, o.startAtMs - Date.now());
  // Interrupted (SIGINT), the wait ends early and the send loop ends the run as aborted.
  if (waitedMs > 0) await sleep(waitedMs, undefined, { signal: hooks.signal }).catch(() => undefined);
  const lateMs =
    o.startAtMs === undefined || hooks.signal?.aborted === true
      ? undefined
      : Math.max(0, Date.now() - o.startAtMs);
  const stats = new LoadStats();
  const ledger = new Ledger(run, stats);
  const pcap = o.pcap === undefined ? undefined : new PcapFile(o.pcap);
  const errors = { count: 0, last: undefined as string | undefined };
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const gsns: SimulatedGsn[] = [];
  const transport = new GsnTransport(
    o.transport,
    run.gsns.map((g) => g.address),
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
  for (const g of run.gsns) gsns.push(new SimulatedGsn(g, cfg, ledger, transport, counters.int(0, 255)));

  const ended: Ended =
    hooks.signal?.aborted === true
      ? 'aborted'
      : await sendLoop(releasePlan(o, run, gsns), gsns, stats, now, hooks);
  transport.closeAll();
  await pcap?.close();
  const elapsed = now();
  stats.tick(elapsed, 0);
  const summary = stats.finish(elapsed);
  summary.unconfirmed = ledger.unconfirmedCdrs();
  const truth = computeTruth(run, ledger.outcome);
  const report: LoadReport = {
    options: o,
    summary,
    series: stats.series,
    gsns: run.gsns.map((g, i) => ({ ...g, ...(ledger.perGsn[i] as GsnCounts) })),
    latencyHistogram: stats.histogram(),
    prepared: {
      cdrs: run.totalCdrs,
      messages: run.msgFrame.length,
      sessions: run.sessionRecords.length,
      ms: Math.round(prepareMs),
      waitedMs: Math.round(waitedMs),
      ...(lateMs === undefined ? {} : { lateMs: Math.round(lateMs) }),
    },
    truth: {
      cdrs: truth.cdrs.length,
      sessions: truth.sessions.length,
      unconfirmed: truth.unconfirmed.length,
    },
    errors,
    ended,
  };
  if (o.out !== undefined)
    await writeReportFiles(o.out, report, htmlOf(report), (dir) => writeTruth(dir, truth));
  return report;
}

/** Messages are released whole, in prepared order, as the shape allows their CDRs (and `--count`). */
function releasePlan(o: GtppLoadOptions, run: PreparedRun, gsns: readonly SimulatedGsn[]): SendLoopPlan {
  const total = run.msgFrame.length;
  const countLimit = o.count ?? Infinity;
  let released = 0;
  let releasedCdrs = 0;
  return {
    shape: o.shape,
    scheduler: new RateScheduler(o.shape, o.rate, o.cdrsPerMessage, o.seed, o.durationMs ?? 60_000),
    durationMs: o.durationMs,
    drainMs: o.timeoutMs * (o.retries + 2),
    maxSeconds: o.maxSeconds,
    release(allowed: number): boolean {
      const limit = Math.min(allowed, countLimit);
      while (released < total && releasedCdrs + (run.msgCdrs[released] as number) <= limit) {
        (gsns[run.msgGsn[released] as number] as SimulatedGsn).enqueue(released);
        releasedCdrs += run.msgCdrs[released] as number;
        released++;
      }
      const full = released < total && releasedCdrs + (run.msgCdrs[released] as number) > countLimit;
      return released < total && !full;
    },
    stopNew(): void {
      for (const g of gsns) g.dropBacklog();
    },
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
