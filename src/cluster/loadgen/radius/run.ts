/**
 * `runRadiusLoad`: prepares and signs every Accounting-Request, runs the simulated NASes against the
 * server under the rate shape until the run's bounds, then computes the ground truth and writes the
 * report and truth files.
 */
import type { HistogramBucket } from '../histogram.js';
import { renderHtmlReport } from '../report-html.js';
import { writeReportFiles } from '../report.js';
import { sendLoop, type Ended, type LoopHooks } from '../send-loop.js';
import { RateScheduler } from '../shape.js';
import { LoadStats, type SeriesPoint } from '../stats.js';
import { Ledger, type NasCounts } from './ledger.js';
import { SimulatedNas } from './nas.js';
import {
  fillRadiusLoadOptions,
  sessionLimit,
  type RadiusLoadInput,
  type RadiusLoadOptions,
} from './options.js';
import { prepareRun } from './prepare.js';
import { radiusSummary, radiusSummaryRows, type RadiusSummary } from './summary.js';
import { NasSockets } from './transport.js';
import { computeTruth, writeTruth } from './truth.js';

export interface NasReport extends NasCounts {
  readonly index: number;
  readonly address: string;
  readonly name: string;
}

export interface RadiusLoadReport {
  /** The options, the secret left out. */
  readonly options: Omit<RadiusLoadOptions, 'secret'>;
  readonly summary: RadiusSummary;
  readonly series: readonly SeriesPoint[];
  readonly nases: readonly NasReport[];
  readonly latencyHistogram: readonly HistogramBucket[];
  readonly prepared: {
    readonly requests: number;
    readonly records: number;
    readonly sessions: number;
    readonly duplicates: number;
    /** Every Acct-Session-Id of the run starts with this. */
    readonly acctSessionIdPrefix: string;
    readonly ms: number;
  };
  readonly truth: { readonly records: number; readonly sessions: number; readonly unconfirmed: number };
  /** Socket errors: count and the last one. */
  readonly errors: { readonly count: number; readonly last: string | undefined };
  readonly ended: Ended;
}

export type RunHooks = LoopHooks;

export async function runRadiusLoad(input: RadiusLoadInput, hooks: RunHooks = {}): Promise<RadiusLoadReport> {
  const o = fillRadiusLoadOptions(input);
  const t = performance.now();
  const run = prepareRun({
    nases: o.nases,
    interims: o.interims,
    limit: sessionLimit(o),
    window: o.window,
    dupRate: o.dupRate,
    secret: o.secret,
    seed: o.seed,
    nowMs: Date.now(),
  });
  const prepareMs = performance.now() - t;
  const stats = new LoadStats();
  const ledger = new Ledger(run, stats);
  const errors = { count: 0, last: undefined as string | undefined };
  let t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const nases: SimulatedNas[] = [];
  const sockets = await NasSockets.open(
    run.nases.map((n) => n.address),
    o.target,
    {
      message(nas, bytes) {
        const s = nases[nas] as SimulatedNas;
        s.receive(bytes, now());
        s.pump(now());
      },
      error(nas, err) {
        errors.count++;
        errors.last = `NAS ${nas}: ${err.message}`;
      },
    },
  );
  const cfg = { secret: o.secret, timeoutMs: o.timeoutMs, retries: o.retries };
  for (const n of run.nases) nases.push(new SimulatedNas(n.index, cfg, ledger, sockets));
  let released = 0;
  const plan = {
    shape: o.shape,
    scheduler: new RateScheduler(o.shape, o.rate, 1, o.seed, o.durationMs ?? 60_000),
    durationMs: o.durationMs,
    drainMs: o.timeoutMs * (o.retries + 2),
    maxSeconds: o.maxSeconds,
    release(allowed: number): boolean {
      for (; released < run.totalRequests && released < allowed; released++)
        (nases[run.releaseNas[released] as number] as SimulatedNas).grant(1);
      return released < run.totalRequests;
    },
    stopNew(): void {
      for (const s of nases) s.stopNew();
    },
  };
  t0 = performance.now();
  const ended = await sendLoop(plan, nases, stats, now, hooks);
  sockets.close();
  const elapsed = now();
  stats.tick(elapsed, 0);
  const totals = ledger.totals();
  const summary = radiusSummary(stats.finish(elapsed), totals, ledger.unansweredTotal());
  const truth = computeTruth(run, ledger.outcome);
  const { secret: _secret, ...shown } = o;
  const report: RadiusLoadReport = {
    options: shown,
    summary,
    series: stats.series,
    nases: run.nases.map((n, i) => ({ ...n, ...(ledger.perNas[i] as NasCounts) })),
    latencyHistogram: stats.histogram(),
    prepared: {
      requests: run.totalRequests,
      records: run.recordLine.length,
      sessions: run.sessionLine.length,
      duplicates: run.duplicates,
      acctSessionIdPrefix: run.acctSessionIdPrefix,
      ms: Math.round(prepareMs),
    },
    truth: {
      records: truth.records.length,
      sessions: truth.sessions.length,
      unconfirmed: truth.unconfirmed.length,
    },
    errors,
    ended,
  };
  if (o.out !== undefined)
    await writeReportFiles(o.out, report, htmlOf(report, stats), (dir) => writeTruth(dir, truth));
  return report;
}

function htmlOf(r: RadiusLoadReport, stats: LoadStats): string {
  const o = r.options;
  return renderHtmlReport({
    title: `narflow loadgen radius → ${o.target.host}:${o.target.port}`,
    summary: stats.s,
    rows: radiusSummaryRows(r.summary),
    unit: 'requests',
    series: r.series,
    details: {
      NASes: String(o.nases),
      'sessions / records / requests': `${r.prepared.sessions} / ${r.prepared.records} / ${r.prepared.requests}`,
      'interims per session': `${o.interims.min}–${o.interims.max}`,
      'rate / shape': `${o.rate === 0 ? 'unlimited' : `${o.rate} requests/s`} / ${o.shape.kind}`,
      'window / timeout / retries': `${o.window} / ${o.timeoutMs} ms / ${o.retries}`,
      'dup rate': String(o.dupRate),
      seed: String(o.seed),
      ended: r.ended,
    },
  });
}
