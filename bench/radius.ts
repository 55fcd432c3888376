/**
 * RADIUS benchmarks:
 *  - Accounting-Request decode: `decodeAccountingRequest` with the Request Authenticator checked
 *    against the secret, + `accountingToNar`, over the requests `narflow loadgen radius` sends, on one
 *    core, against msgpackr decoding the same records as NARs in the same run;
 *  - radius-ei ingest over UDP: `narflow loadgen radius` (4 NASes, 64 requests in flight each, one
 *    record per request) as fast as the answers allow against a narflow running radius-ei → file-oi,
 *    where an answer means the request was checked, decoded and fsynced in the input log; the baseline
 *    is the same load against a bare responder that answers at once (no decoding, no log). Then a run
 *    at half the measured rate for the latency from send to answer. UDP receive-buffer drops are read
 *    from /proc/net/snmp (Udp RcvbufErrors) around the full-rate run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareRun, requestBytes } from '../src/cluster/loadgen/radius/prepare.js';
import { RECORD_COLUMNS } from '../src/cluster/loadgen/radius/truth.js';
import { accountingToNar, decodeAccountingRequest } from '../src/protocols/radius/index.js';
import { BIN, ROOT } from './narflow-process.js';
import {
  decodeAgainstMsgpackr,
  loadgenSummary,
  narsOf,
  udpRcvbufErrors,
  withServer,
  writeIngestBenchConfig,
} from './servers.js';
import { BenchError, count, mib, ms, rate } from './stats.js';

const SECRET = 'narflow-demo-secret';
const PORT = 23_010;
/** Records of the full-rate runs (whole sessions of Start, 0–3 interims, Stop). */
const RECORDS = 100_000;

export interface RadiusDecodeResult {
  readonly requestsPerSecond: number;
  readonly baselinePerSecond: number;
  readonly bytesPerRequest: number;
}

export function runRadiusDecodeBench(): RadiusDecodeResult {
  const run = prepareRun({
    nases: 4,
    interims: { min: 0, max: 3 },
    limit: { minRecords: 20_000 },
    window: 32,
    dupRate: 0,
    secret: SECRET,
    seed: 1,
    nowMs: Date.now(),
  });
  const encoded = Array.from({ length: run.totalRequests }, (_, r) => requestBytes(run, r).slice());
  const options = { secret: SECRET };
  const r = decodeAgainstMsgpackr(
    encoded,
    narsOf(encoded, (b) => accountingToNar(decodeAccountingRequest(b))),
    (b) => Object.keys(accountingToNar(decodeAccountingRequest(b, options))).length,
    'RADIUS',
  );
  return {
    requestsPerSecond: r.perSecond,
    baselinePerSecond: r.baselinePerSecond,
    bytesPerRequest: r.bytesPerItem,
  };
}

interface LoadSummary {
  readonly requestsPerSecond: number;
  readonly sent: number;
  readonly accepted: number;
  readonly unanswered: number;
  readonly retransmitted: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

export interface RadiusIngestRun {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly baselinePerSecond: number;
  readonly receiveBufferBytes: number | undefined;
  readonly udpReceiveErrors: number;
  readonly retransmitted: number;
  readonly halfRate: {
    readonly offered: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  };
}

function load(dir: string, records: number, perSecond: number): Promise<LoadSummary> {
  return loadgenSummary<LoadSummary>(
    ['radius', '--target', `127.0.0.1:${PORT}`, '--nases', '4', '--count', String(records)]
      .concat(['--interims', '0-3', '--window', '64', '--rate', String(perSecond), '--timeout-ms', '3000'])
      .concat(['--progress', 'off', '--max-seconds', '300']),
    join(dir, `radius-load-${perSecond}-${records}`),
  );
}

async function narflowConfig(work: string): Promise<string> {
  const config = await writeIngestBenchConfig(
    work,
    'radius.yaml',
    `  - id: radius
    type: radius-ei
    settings:
      listen: { address: 127.0.0.1, port: ${PORT} }
      clientsFile: ${join(work, 'clients.txt')}
      receiveBufferBytes: 8388608
    destinations: [{ to: [records] }]`,
    'records',
    RECORD_COLUMNS,
  );
  await writeFile(join(work, 'clients.txt'), `127.0.0.0/8 ${SECRET} bench-nases\n`);
  return config;
}

export async function runRadiusIngestBench(
  dir: string,
  progress: (s: string) => void,
): Promise<RadiusIngestRun> {
  progress('radius: baseline (bare responder)');
  const baseline = await withServer(
    [join(ROOT, 'dist', 'bench', 'radius-responder.js'), String(PORT), SECRET],
    /^listening/,
    () => load(dir, RECORDS, 0),
  );
  const config = await narflowConfig(join(dir, 'radius'));
  progress('radius: narflow, as fast as answers come');
  return withServer([BIN, 'run', config], /RADIUS accounting listening/, async (line) => {
    const granted = /"receiveBufferBytes":(\d+)/.exec(line);
    const dropsBefore = await udpRcvbufErrors();
    const full = await load(dir, RECORDS, 0);
    const dropsAfter = await udpRcvbufErrors();
    if (full.accepted < full.sent || full.unanswered > 0) {
      throw new BenchError(
        'output_mismatch',
        `radius: accepted ${full.accepted} of ${full.sent}, unanswered ${full.unanswered}`,
      );
    }
    const half = Math.max(500, Math.round(full.requestsPerSecond / 2));
    progress(`radius: narflow at half that rate (${half} requests/s)`);
    const paced = await load(dir, Math.min(RECORDS, half * 8), half);
    return {
      requests: full.sent,
      requestsPerSecond: full.requestsPerSecond,
      baselinePerSecond: baseline.requestsPerSecond,
      receiveBufferBytes: granted === null ? undefined : Number(granted[1]),
      udpReceiveErrors: dropsAfter - dropsBefore,
      retransmitted: full.retransmitted,
      halfRate: {
        offered: half,
        p50Ms: paced.latencyMs.p50,
        p99Ms: paced.latencyMs.p99,
        maxMs: paced.latencyMs.max,
      },
    };
  });
}

/** Accounting-Request decode and radius-ei ingest over UDP; prints their lines. */
export async function runRadius(
  work: string,
  say: (line: string) => void,
  progress: (line: string) => void,
): Promise<{ decode: RadiusDecodeResult; ingest: RadiusIngestRun }> {
  progress('radius: Accounting-Request decode');
  const decode = runRadiusDecodeBench();
  say(
    `block radius-decode (decodeAccountingRequest + Request Authenticator check + accountingToNar, ` +
      `${Math.round(decode.bytesPerRequest)} B per request): ${rate(decode.requestsPerSecond)} requests/s ` +
      `(${(1e6 / decode.requestsPerSecond).toFixed(2)} µs/request) — ${(decode.requestsPerSecond / decode.baselinePerSecond).toFixed(2)}× ` +
      `baseline (msgpackr decode of the same records as NARs, ${rate(decode.baselinePerSecond)}/s)`,
  );
  const r = await runRadiusIngestBench(work, progress);
  say(
    `radius-ei ingest UDP ${count(r.requests)} requests (4 NASes, 64 in flight each): ${rate(r.requestsPerSecond)} requests/s ` +
      `decoded and durably answered — ${(r.requestsPerSecond / r.baselinePerSecond).toFixed(2)}× baseline (bare responder, ` +
      `no decode, no log: ${rate(r.baselinePerSecond)}/s); at half rate (${rate(r.halfRate.offered)}/s) send → answer ` +
      `p50 ${ms(r.halfRate.p50Ms)}, p99 ${ms(r.halfRate.p99Ms)}, max ${ms(r.halfRate.maxMs)}; receive buffer ` +
      `${r.receiveBufferBytes === undefined ? 'unknown' : mib(r.receiveBufferBytes)}, ${r.udpReceiveErrors} UDP ` +
      `receive-buffer drops, ${r.retransmitted} retransmissions`,
  );
  return { decode, ingest: r };
}
