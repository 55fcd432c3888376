/**
 * The GTP' load generator making its CDRs while it sends (`--prepare stream`): UDP, 4 GSNs, as fast
 * as answers come from the bare responder, for SHORT_S and for three times as long. Reported: the
 * rate of each, against the same generator sending the short run's count prepared ahead (same
 * responder, same run), and the generator's peak RSS after each: a streamed run's memory follows what
 * is in flight, so the long run's peak stays near the short one's.
 */
import { join } from 'node:path';
import { ROOT } from './narflow-process.js';
import { loadgenReport, withServer } from './servers.js';
import { BenchError } from './stats.js';

const SHORT_S = 5;
const PORT = 23_010;

interface Report {
  readonly summary: { readonly cdrsPerSecond: number; readonly sent: number; readonly accepted: number };
  readonly resources: { readonly peakRssBytes: number };
  readonly prepared: { readonly mode: string };
}

export interface StreamRun {
  readonly seconds: number;
  readonly cdrs: number;
  readonly cdrsPerSecond: number;
  readonly peakRssBytes: number;
}

export interface StreamResult {
  readonly short: StreamRun;
  readonly long: StreamRun;
  /** The short run's count, prepared ahead. */
  readonly aheadCdrsPerSecond: number;
}

function gtppLoad(dir: string, name: string, extra: readonly string[]): Promise<Report> {
  return loadgenReport<Report>(
    ['gtpp', '--target', `127.0.0.1:${PORT}`, '--gsns', '4', '--records', '1-5', '--window', '64'].concat([
      '--progress',
      'off',
      '--max-seconds',
      '120',
      ...extra,
    ]),
    join(dir, name),
  );
}

async function streamed(dir: string, seconds: number): Promise<StreamRun> {
  const r = await gtppLoad(dir, `stream-${seconds}`, ['--prepare', 'stream', '--duration', `${seconds}s`]);
  if (r.prepared.mode !== 'stream' || r.summary.accepted === 0 || r.summary.accepted < r.summary.sent)
    throw new BenchError('output_mismatch', `streamed load of ${seconds} s: ${JSON.stringify(r.summary)}`);
  return {
    seconds,
    cdrs: r.summary.accepted,
    cdrsPerSecond: r.summary.cdrsPerSecond,
    peakRssBytes: r.resources.peakRssBytes,
  };
}

export function runGtppStreamBench(dir: string, progress: (s: string) => void): Promise<StreamResult> {
  return withServer(
    [join(ROOT, 'dist', 'bench', 'gtpp-responder.js'), 'udp', String(PORT)],
    /^listening/,
    async () => {
      progress(`gtpp loadgen: streamed for ${SHORT_S} s and ${3 * SHORT_S} s`);
      const short = await streamed(dir, SHORT_S);
      const long = await streamed(dir, 3 * SHORT_S);
      progress(`gtpp loadgen: the same ${short.cdrs} CDRs prepared ahead`);
      const ahead = await gtppLoad(dir, 'ahead', ['--prepare', 'ahead', '--count', String(short.cdrs)]);
      return { short, long, aheadCdrsPerSecond: ahead.summary.cdrsPerSecond };
    },
  );
}
