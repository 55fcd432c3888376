/**
 * GTP' ingest spread over more cores, the two ways a deployment can: the single-gateway run's load
 * (4 GSNs, 10 CDRs per message, 64 requests in flight each) split over two gtpp-ei nodes on two
 * ports, 2 GSNs each, both loads sent at once (a gtpp-ei runs as one actor: it owns its socket); or
 * sent to one gateway that decodes its CDRs on decode threads of its own (`decodeThreads`). Either way
 * as fast as the answers allow, into one file OI. The rate is every CDR accepted over the span the
 * loads kept narflow busy.
 */
import { join } from 'node:path';
import { TRUTH_CDR_COLUMNS } from '../src/cluster/loadgen/gtpp/truth-columns.js';
import { allAccepted, COLD_SEED, load } from './gtpp.js';
import { BIN, peakRssBytes, scrapeMetrics } from './narflow-process.js';
import { busyCost, busyCpuDuring, type BusyCost, withServer, writeIngestBenchConfig } from './servers.js';
import { BenchError } from './stats.js';

const LISTENING = /GTP' charging gateway listening/;

/** Two gateways, one port each; or one gateway with a decode thread. */
export type Spread = 'gateways' | 'decode-threads';

export interface ScaleRun extends BusyCost {
  readonly gateways: number;
  /** Decode threads of each gateway (0: its own thread decodes). */
  readonly decodeThreads: number;
  /** Jobs sent to the decode threads, and turns decoded on the gateway's thread for all were busy. */
  readonly decodeJobs: { readonly sent: number; readonly here: number };
  /** CDRs sent, all gateways together. */
  readonly cdrs: number;
  /** CDRs accepted per second, all gateways together, over narflow's busy span. */
  readonly cdrsPerSecond: number | undefined;
  readonly peakRssBytes: number | undefined;
}

export async function runGtppScaleBench(
  dir: string,
  cdrs: number,
  progress: (s: string) => void,
  spread: Spread = 'gateways',
): Promise<ScaleRun> {
  const PORTS = spread === 'gateways' ? [23_010, 23_011] : [23_012];
  const decodeThreads = spread === 'gateways' ? 0 : 1;
  const gateways = PORTS.map(
    (port, i) => `  - id: gtpp${i}
    type: gtpp-ei
    settings:
      listen: { address: 127.0.0.1, port: ${port}, udp: true, tcp: false }
      receiveBufferBytes: 8388608
      decodeThreads: ${decodeThreads}
      overload: { highWater: 1000000, lowWater: 10000, rejectAbove: 2000000 }
    destinations: [{ to: [cdr] }]`,
  );
  const config = await writeIngestBenchConfig(
    join(dir, `gtpp-${spread}`),
    `gtpp-${spread}.yaml`,
    gateways.join('\n'),
    'cdr',
    TRUTH_CDR_COLUMNS,
  );
  return withServer([BIN, 'run', config], LISTENING, async (_line, server) => {
    for (const port of PORTS) await server.waitFor(new RegExp(`"udp":${port},.*${LISTENING.source}`), 60_000);
    const each = Math.round(cdrs / PORTS.length);
    // As for one gateway: the runs measured come after each gateway's first CDRs.
    const what = spread === 'gateways' ? `${PORTS.length} gateways` : `${decodeThreads} decode thread`;
    progress(`gtpp udp: ${what}, the first ${Math.round(each / 4)} CDRs of each gateway`);
    const first = Math.round(each / 4);
    await Promise.all(
      PORTS.map(async (port, i) =>
        allAccepted(
          `gtpp gateway on ${port} (first CDRs)`,
          await load(dir, 'udp', port, first, 0, 4 / PORTS.length, COLD_SEED + i),
          first,
        ),
      ),
    );
    progress(`gtpp udp: ${what}, as fast as answers come`);
    // Both generators prepare at once (about 20 µs a CDR each on two busy cores), then start together.
    const startAt = Date.now() + 5_000 + each * 0.04;
    const { result, busy } = await busyCpuDuring(server.pid, () =>
      Promise.all(PORTS.map((port, i) => load(dir, 'udp', port, each, 0, 4 / PORTS.length, i + 1, startAt))),
    );
    const accepted = result.reduce((n, r) => n + r.accepted, 0);
    if (accepted < each * PORTS.length * 0.99 || result.some((r) => r.failed > 0 || r.rejected > 0)) {
      throw new BenchError(
        'output_mismatch',
        `gtpp ${PORTS.length} gateways: accepted ${accepted} of ${each * PORTS.length}`,
      );
    }
    const metrics = await scrapeMetrics(join(dir, `gtpp-${spread}`, 'data'));
    const jobs = (event: string): number =>
      [...metrics.matchAll(new RegExp(`event="${event}"} (\\d+)`, 'g'))].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
    return {
      gateways: PORTS.length,
      decodeThreads,
      decodeJobs: { sent: jobs('decode_jobs_sent'), here: jobs('decode_jobs_here') },
      cdrs: each * PORTS.length,
      cdrsPerSecond: busy === undefined ? undefined : accepted / busy.wallSeconds,
      ...busyCost(busy, accepted),
      peakRssBytes: await peakRssBytes(server.pid),
    };
  });
}
