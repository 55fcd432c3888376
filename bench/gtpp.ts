/**
 * GTP' ingest benchmarks, UDP and TCP: `narflow loadgen gtpp` (4 GSNs, 10 CDRs per message, 64
 * requests in flight per GSN) as fast as the answers allow against a narflow running gtpp-ei →
 * file-oi, where an answer means the CDRs are decoded and fsynced in the input log; the baseline is
 * the same load against a bare responder that answers at once (no CDR decoding, no log). Then the
 * same from 8 GSNs, and with 30 CDRs per message; a run at half the measured rate for the latency
 * from send to answer, and the same paced load against the bare responder for the load generator's
 * own share of it. UDP receive-buffer drops are read from /proc/net/snmp (Udp RcvbufErrors) around
 * each run, and the narflow process's CPU (all threads) from /proc/<pid>/stat over the span the
 * full-rate load kept it busy. The codec benchmarks are in gtpp-codec.ts.
 */
import { join } from 'node:path';
import { TRUTH_CDR_COLUMNS } from '../src/cluster/loadgen/gtpp/truth-columns.js';
import { BIN, peakRssBytes, ROOT, scrapeMetrics } from './narflow-process.js';
import {
  busyCost,
  busyCpuDuring,
  type BusyCost,
  type Child,
  loadgenSummary,
  udpRcvbufErrors,
  withServer,
  writeIngestBenchConfig,
} from './servers.js';
import { udpQueuePeakDuring } from './udp-queue.js';
import { BenchError, histogramQuantile, histogramShareWithin } from './stats.js';

const RESPONSE_HISTOGRAM = 'narflow_ingest_response_duration_seconds';
const COMMIT_HISTOGRAM = 'narflow_input_log_commit_seconds';
const LOOP_DELAY_HISTOGRAM = 'narflow_actor_event_loop_delay_seconds';
/** Long enough for the actor's next stats report (every 250 ms) to reach the metrics. */
const STATS_SETTLE_MS = 1000;

export interface LoadSummary {
  readonly cdrsPerSecond: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly failed: number;
  readonly unconfirmed: number;
  readonly retransmitted: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/**
 * The load each gateway takes first, right after its start, before the runs measured: V8 compiles
 * the hot code of every actor's isolate during its first seconds of load (on the helper threads,
 * on the same two cores), so a process's first CDRs show what a restart meets, the later ones what
 * a gateway that runs for days sustains. Another seed: these CDRs are not those of the runs after.
 */
export const COLD_SEED = 101;

/**
 * A gateway's rate also depends on how many requests are in flight: each GSN waits for answers
 * (64 outstanding), and answers wait for group commits. Carriers have many GSNs; the run with
 * twice as many shows how much of the 4-GSN figure is the window rather than the CPU.
 */
const MANY_GSNS = 8;
const MANY_SEED = 3;
/** CDRs per message of the large-message run (7–8 KB messages: TCP, or UDP where the path takes them). */
const LARGE_MESSAGE_CDRS = 30;
/** Niceness of the load generator in the run where narflow has the cores first. */
export const LOADGEN_NICE = 19;
const NICE_SEED = 5;
const LARGE_SEED = 4;

/** `BusyCost`: of the full-rate run. */
export interface IngestRun extends BusyCost {
  readonly transport: 'udp' | 'tcp';
  readonly cdrs: number;
  /** CDRs/s as fast as answers come, after the cold load. */
  readonly cdrsPerSecond: number;
  /** The first CDRs after narflow's start (`COLD_SEED`), as fast as answers come. */
  readonly cold: { readonly cdrs: number; readonly cdrsPerSecond: number };
  /**
   * The same count from `MANY_GSNS` GSNs (64 in flight each), as fast as answers come, and the
   * cores narflow kept busy meanwhile.
   */
  readonly manyGsns: {
    readonly gsns: number;
    readonly cdrsPerSecond: number;
    readonly cores: number | undefined;
    readonly udpReceiveErrors: number;
    /** Peak bytes in the gateway's UDP receive queue (UDP only). */
    readonly peakQueuedBytes: number | undefined;
    /**
     * The same load with the load generator at LOADGEN_NICE: narflow has the two cores first, the
     * generator what is left (its own CPU still bounds the rate).
     */
    readonly narflowFirstCdrsPerSecond: number;
  };
  /** The same from `MANY_GSNS` GSNs with LARGE_MESSAGE_CDRS CDRs per message: CPU per CDR and UDP drops too. */
  readonly largeMessages: BusyCost & {
    readonly cdrsPerMessage: number;
    readonly cdrsPerSecond: number;
    readonly udpReceiveErrors: number;
    /** Peak bytes in the gateway's UDP receive queue, as the kernel counts them against the buffer. */
    readonly peakQueuedBytes: number | undefined;
  };
  readonly baselinePerSecond: number;
  /**
   * Cores the whole machine kept busy during the baseline run (the bare responder, the load
   * generator, the host's other work): how much of the machine the load alone takes at that rate.
   */
  readonly baselineMachineCores: number | undefined;
  /** CDRs accepted over the span the load kept narflow busy (as the two-gateway run measures it). */
  readonly busyCdrsPerSecond: number | undefined;
  readonly receiveBufferBytes: number | undefined;
  /** Peak resident memory of the narflow process over both runs (VmHWM). */
  readonly peakRssBytes: number | undefined;
  readonly udpReceiveErrors: number;
  readonly retransmitted: number;
  readonly halfRate: {
    readonly offered: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
    /**
     * The gateway's own p99 from receipt to answer over the same run (its response-latency
     * histogram, interpolated in its bucket): what the load generator's figure adds to is scheduling
     * on the shared cores and time in the socket queues.
     */
    readonly gatewayP99Ms: number | undefined;
    /** Share of those answers within 20 ms (a bucket bound of the histogram: exact). Target: 0.99. */
    readonly gatewayWithin20Ms: number | undefined;
    /** p99 of the gateway's input-log group commits (one synced write each) over the same run. */
    readonly commitP99Ms: number | undefined;
    /** How late the gateway thread's 10 ms timer fired, p99 over the half-rate run (its stalls). */
    readonly stallP99Ms: number | undefined;
    /** The same paced load against the bare responder: what the load generator adds by itself. */
    readonly baselineP99Ms: number;
    readonly baselineMaxMs: number;
  };
}

/** Throws unless narflow took the load whole: at least 99% accepted, none failed or rejected. */
export function allAccepted(what: string, r: LoadSummary, count: number): LoadSummary {
  if (r.accepted < count * 0.99 || r.failed > 0 || r.rejected > 0) {
    throw new BenchError(
      'output_mismatch',
      `${what}: accepted ${r.accepted} of ${count}, failed ${r.failed}, rejected ${r.rejected}`,
    );
  }
  return r;
}

/** `narflow loadgen gtpp` against `port`: `gsns` GSNs (default 4), 64 requests in flight each. */
export function load(
  dir: string,
  transport: string,
  port: number,
  count: number,
  rate: number,
  gsns = 4,
  seed = 1,
  startAtMs?: number,
  cdrsPerMessage = 10,
  nice = 0,
): Promise<LoadSummary> {
  return loadgenSummary<LoadSummary>(
    [
      'gtpp',
      '--target',
      `127.0.0.1:${port}`,
      '--transport',
      transport,
      '--gsns',
      String(gsns),
      '--seed',
      String(seed),
      ...(startAtMs === undefined ? [] : ['--start-at', String(Math.round(startAtMs))]),
      '--count',
      String(count),
    ]
      .concat(['--records', '1-5', '--cdrs-per-message', String(cdrsPerMessage), '--window', '64'])
      .concat(['--rate', String(rate)])
      .concat(['--timeout-ms', '3000', '--progress', 'off', '--max-seconds', '300']),
    join(dir, `load-${transport}-${port}-${rate}`),
    nice,
  );
}

export async function runGtppIngestBench(
  dir: string,
  transport: 'udp' | 'tcp',
  cdrs: number,
  progress: (s: string) => void,
): Promise<IngestRun> {
  const port = 23_000 + (transport === 'tcp' ? 1 : 0);
  progress(`gtpp ${transport}: baseline (bare responder)`);
  const responder = <T>(body: (server: Child) => Promise<T>): Promise<T> =>
    withServer(
      [join(ROOT, 'dist', 'bench', 'gtpp-responder.js'), transport, String(port)],
      /^listening/,
      (_line, server) => body(server),
    );
  const { result: baseline, busy: baselineBusy } = await responder((server) =>
    busyCpuDuring(server.pid, () => load(dir, transport, port, cdrs, 0)),
  );
  const config = await writeIngestBenchConfig(
    join(dir, `gtpp-${transport}`),
    'gtpp.yaml',
    `  - id: gtpp
    type: gtpp-ei
    settings:
      listen: { address: 127.0.0.1, port: ${port}, udp: ${transport === 'udp'}, tcp: ${transport === 'tcp'} }
      receiveBufferBytes: 8388608
      overload: { highWater: 1000000, lowWater: 10000, rejectAbove: 2000000 }
    destinations: [{ to: [cdr] }]`,
    'cdr',
    TRUTH_CDR_COLUMNS,
  );
  type NarflowRun = Omit<IngestRun, 'halfRate'> & {
    readonly halfRate: Omit<IngestRun['halfRate'], 'baselineP99Ms' | 'baselineMaxMs'>;
  };
  const run = await withServer<NarflowRun>(
    [BIN, 'run', config],
    /GTP' charging gateway listening/,
    async (line, server) => {
      const granted = /"receiveBufferBytes":(\d+)/.exec(line);
      const coldCdrs = Math.round(cdrs / 4);
      progress(`gtpp ${transport}: narflow's first ${coldCdrs} CDRs after its start`);
      const cold = allAccepted(
        `gtpp ${transport} (first CDRs)`,
        await load(dir, transport, port, coldCdrs, 0, 4, COLD_SEED),
        coldCdrs,
      );
      progress(`gtpp ${transport}: narflow, as fast as answers come`);
      const dropsBefore = await udpRcvbufErrors();
      const { result: full, busy } = await busyCpuDuring(server.pid, () =>
        load(dir, transport, port, cdrs, 0),
      );
      const dropsAfterFull = await udpRcvbufErrors();
      allAccepted(`gtpp ${transport}`, full, cdrs);
      progress(`gtpp ${transport}: narflow with ${MANY_GSNS} GSNs, as fast as answers come`);
      const dropsBeforeMany = await udpRcvbufErrors();
      const {
        result: { result: many, busy: manyBusy },
        peakQueuedBytes: manyPeakQueued,
      } = await udpQueuePeakDuring(port, () =>
        busyCpuDuring(server.pid, () => load(dir, transport, port, cdrs, 0, MANY_GSNS, MANY_SEED)),
      );
      const dropsAfterMany = await udpRcvbufErrors();
      allAccepted(`gtpp ${transport} (${MANY_GSNS} GSNs)`, many, cdrs);
      progress(
        `gtpp ${transport}: narflow with ${MANY_GSNS} GSNs, the load generator at nice ${LOADGEN_NICE}`,
      );
      const first = allAccepted(
        `gtpp ${transport} (${MANY_GSNS} GSNs, load generator at nice ${LOADGEN_NICE})`,
        await load(dir, transport, port, cdrs, 0, MANY_GSNS, NICE_SEED, undefined, 10, LOADGEN_NICE),
        cdrs,
      );
      progress(`gtpp ${transport}: narflow with ${MANY_GSNS} GSNs, ${LARGE_MESSAGE_CDRS} CDRs per message`);
      const dropsBeforeLarge = await udpRcvbufErrors();
      const {
        result: { result: large, busy: largeBusy },
        peakQueuedBytes,
      } = await udpQueuePeakDuring(port, () =>
        busyCpuDuring(server.pid, () =>
          load(dir, transport, port, cdrs, 0, MANY_GSNS, LARGE_SEED, undefined, LARGE_MESSAGE_CDRS),
        ),
      );
      const dropsAfterLarge = await udpRcvbufErrors();
      allAccepted(`gtpp ${transport} (${LARGE_MESSAGE_CDRS} CDRs per message)`, large, cdrs);
      const half = Math.max(1000, Math.round(full.cdrsPerSecond / 2));
      progress(`gtpp ${transport}: narflow at half that rate (${half} CDRs/s)`);
      const dataDir = join(dir, `gtpp-${transport}`, 'data');
      const before = await scrapeMetrics(dataDir);
      const paced = await load(dir, transport, port, Math.min(cdrs, half * 8), half);
      await new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
      const after = await scrapeMetrics(dataDir);
      const gatewayP99 = histogramQuantile(before, after, RESPONSE_HISTOGRAM, 0.99);
      const within20 = histogramShareWithin(before, after, RESPONSE_HISTOGRAM, 0.02);
      const commitP99 = histogramQuantile(before, after, COMMIT_HISTOGRAM, 0.99, 'actor="gtpp.0"');
      const stallP99 = histogramQuantile(before, after, LOOP_DELAY_HISTOGRAM, 0.99, 'actor="gtpp.0"');
      const peak = await peakRssBytes(server.pid);
      return {
        transport,
        cdrs,
        cdrsPerSecond: full.cdrsPerSecond,
        cold: { cdrs: coldCdrs, cdrsPerSecond: cold.cdrsPerSecond },
        manyGsns: {
          gsns: MANY_GSNS,
          cdrsPerSecond: many.cdrsPerSecond,
          cores: manyBusy === undefined ? undefined : manyBusy.cpuSeconds / manyBusy.wallSeconds,
          udpReceiveErrors: dropsAfterMany - dropsBeforeMany,
          peakQueuedBytes: transport === 'udp' ? manyPeakQueued : undefined,
          narflowFirstCdrsPerSecond: first.cdrsPerSecond,
        },
        largeMessages: {
          cdrsPerMessage: LARGE_MESSAGE_CDRS,
          cdrsPerSecond: large.cdrsPerSecond,
          udpReceiveErrors: dropsAfterLarge - dropsBeforeLarge,
          peakQueuedBytes: transport === 'udp' ? peakQueuedBytes : undefined,
          ...busyCost(largeBusy, large.accepted),
        },
        baselinePerSecond: baseline.cdrsPerSecond,
        baselineMachineCores: busyCost(baselineBusy, baseline.accepted).machineCores,
        ...busyCost(busy, full.accepted),
        busyCdrsPerSecond: busy === undefined ? undefined : full.accepted / busy.wallSeconds,
        receiveBufferBytes: granted === null ? undefined : Number(granted[1]),
        peakRssBytes: peak,
        udpReceiveErrors: dropsAfterFull - dropsBefore,
        retransmitted: full.retransmitted,
        halfRate: {
          offered: half,
          p50Ms: paced.latencyMs.p50,
          p99Ms: paced.latencyMs.p99,
          maxMs: paced.latencyMs.max,
          gatewayP99Ms: gatewayP99 === undefined ? undefined : gatewayP99 * 1000,
          gatewayWithin20Ms: within20,
          commitP99Ms: commitP99 === undefined ? undefined : commitP99 * 1000,
          stallP99Ms: stallP99 === undefined ? undefined : stallP99 * 1000,
        },
      };
    },
  );
  // The load generator's own share of the latency: the same paced load against the bare responder.
  progress(`gtpp ${transport}: bare responder at ${run.halfRate.offered} CDRs/s`);
  const h = run.halfRate;
  const pacedBaseline = await responder(() =>
    load(dir, transport, port, Math.min(cdrs, h.offered * 8), h.offered),
  );
  return {
    ...run,
    halfRate: {
      ...h,
      baselineP99Ms: pacedBaseline.latencyMs.p99,
      baselineMaxMs: pacedBaseline.latencyMs.max,
    },
  };
}
