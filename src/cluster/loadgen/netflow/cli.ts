/**
 * `narflow loadgen netflow`: the usage text and the one entry the loadgen command calls — parse,
 * run with a progress line on stderr, and return the summary.
 */
import { alignedText } from '../report.js';
import { parseNetflowLoadArgs } from './options.js';
import type { NetflowLoadReport, NetflowProgress } from './report.js';
import { runNetflowLoad } from './run.js';

export const NETFLOW_USAGE = `usage: narflow loadgen netflow [options]
  --target HOST:PORT        collector (loopback only; default 127.0.0.1:2055, IPFIX 127.0.0.1:4739)
  --version 5|9|10          NetFlow v5, v9 or IPFIX (default 10)
  --exporters N             simulated exporters, source addresses 127.0.0.(10+i) (default 1)
  --flows N                 flows to send in all (default 100000, or unbounded with --duration)
  --duration D              stop sending after D (e.g. 60s)
  --records-per-packet K    flows per datagram (default 30, IPFIX 24; v5 at most 30)
  --rate N                  flows/s, 0 = as fast as the sockets take them (default 10000)
  --shape S                 constant | square:period=10s,low=0.2 | ramp:from=0.1[,over=30s] | poisson
                            | storm:gsn=0,down=5s,at=10s (gsn: the exporter that goes silent, then
                            restarts with a new sysUptime, sequence and templates)
  --template-every N        re-send the templates every N packets of an exporter; 0 = first only (default 20)
  --sampling N              announce 1-in-N packet sampling: v5 header, v9/IPFIX options record (default 1)
  --max-seconds N           hard cap on the run (default 600)
  --seed N                  default 1: the same seed gives the same flows (times aside)
  --out DIR                 report.json and truth/flows.csv (default ./loadgen-out)
  --progress auto|off       progress line on stderr (default auto)`;

export interface NetflowOutcome {
  readonly summary: string;
  readonly errors: { readonly count: number; readonly last: string | undefined };
  readonly out: string | undefined;
  readonly ended: string;
  readonly failed: boolean;
}

export function netflowSummaryText(r: NetflowLoadReport): string {
  const s = r.summary;
  return alignedText([
    ['sent', `${s.flows} flows in ${s.packets} datagrams (${s.templatePackets} with templates)`],
    [
      'exporters',
      `${r.exporters.length} × NetFlow ${r.options.version === 10 ? 'IPFIX' : `v${r.options.version}`}`,
    ],
    ['octets', String(s.octets)],
    ['send-errors', String(s.sendErrors)],
    ['rate', `${s.flowsPerSecond} flows/s, ${s.packetsPerSecond} datagrams/s`],
    ['elapsed', `${(s.elapsedMs / 1000).toFixed(2)} s${s.pausedMs > 0 ? ` (${s.pausedMs} ms paused)` : ''}`],
    ['ended', r.ended],
  ]);
}

function progressLine(p: NetflowProgress): string {
  return `${(p.elapsedMs / 1000).toFixed(1)}s sent ${p.flows} flows in ${p.packets} datagrams rate ${Math.round(p.rate)}/s${p.paused ? ' (paused)' : ''}`;
}

/** Parses `argv` (after `loadgen netflow`), runs the load and describes the outcome. */
export async function netflowLoadgen(argv: readonly string[], signal?: AbortSignal): Promise<NetflowOutcome> {
  const input = parseNetflowLoadArgs(argv);
  const tty = process.stderr.isTTY === true;
  let lastPlain = -Infinity;
  const progress =
    input.progress === 'off'
      ? undefined
      : (p: NetflowProgress): void => {
          if (tty) process.stderr.write(`\r\x1b[K${progressLine(p)}`);
          else if (p.elapsedMs - lastPlain >= 5000) {
            lastPlain = p.elapsedMs;
            process.stderr.write(`${progressLine(p)}\n`);
          }
        };
  const r = await runNetflowLoad(input, {
    ...(signal === undefined ? {} : { signal }),
    ...(progress === undefined ? {} : { progress }),
  });
  if (progress !== undefined && tty) process.stderr.write('\n');
  return {
    summary: netflowSummaryText(r),
    errors: r.errors,
    out: r.options.out,
    ended: r.ended,
    failed: r.summary.flows === 0 && r.summary.sendErrors > 0,
  };
}
