/**
 * `narflow loadgen gtpp|radius|netflow [options]`: GSNs sending CDRs over GTP' to a charging gateway,
 * NASes sending RADIUS accounting to a server, or exporters sending NetFlow/IPFIX to a collector, on
 * loopback, with a progress line on stderr, a summary on stdout, and report + ground truth under --out.
 */
import { fillGtppLoadOptions, parseGtppLoadArgs, runGtppLoad } from '../loadgen/gtpp/index.js';
import { parseRadiusLoadArgs, radiusSummaryText, runRadiusLoad } from '../loadgen/radius/index.js';
import { ProgressPrinter, summaryText, type ProgressPoint } from '../loadgen/report.js';
import { UsageError } from './usage-error.js';
import { NETFLOW_USAGE, netflowLoadgen } from '../loadgen/netflow/index.js';

export const GTPP_USAGE = `usage: narflow loadgen gtpp [options]
  --target HOST:PORT        gateway (loopback only; default 127.0.0.1:3386)
  --secondary HOST:PORT     gateway to fail over / be redirected to
  --transport udp|tcp       default udp
  --gsns N                  simulated GSNs, source addresses 127.0.0.(10+i) (default 1)
  --first-gsn N             number the GSNs from N: addresses from 127.0.0.(10+N), so generators
                            sending to one gateway each get their own GSNs (default 0)
  --mix TYPE=W,...          record types (default pGWRecord=70,ggsnPDPRecord=20,sgsnPDPRecord=10)
  --sessions N              sessions to generate (default: from --count, --rate x --duration, or 10000;
                            --duration alone: as many as the duration takes)
  --records N|MIN-MAX|geo:M partial records per session (default 3)
  --cdrs-per-message K      default 10
  --gtpp-version 0|1|2      default 2
  --window W                outstanding requests per GSN (default 64)
  --timeout-ms MS           retransmission timeout (default 3000)
  --retries N               retransmissions before fail-over or failure (default 3)
  --dup-rate R              fraction of requests given a duplicate scenario (default 0)
  --rate N                  CDRs/s, 0 = as fast as the window allows (default 0)
  --shape S                 constant | square:period=10s,low=0.2 | ramp:from=0.1[,over=30s] | poisson
                            | storm:gsn=0,down=5s,at=10s
  --duration D              stop sending new CDRs after D (e.g. 60s)
  --at-duration cut|finish-sessions
                            when the duration ends: cut (default) sends nothing new, leaving open
                            sessions unfinished; finish-sessions opens no new session and sends the
                            rest of the open ones first, so the truth holds whole sessions (streamed)
  --count N                 send at most N CDRs
  --max-seconds N           hard cap on the run (default 600)
  --prepare auto|ahead|stream
                            ahead: make every CDR before sending (up to 5000000); stream: make them
                            while sending (any length, bounded memory); auto (default): ahead unless
                            the run is longer, or bounded by --duration alone
  --start-at T              send nothing before T (ms since the epoch or ISO 8601, at most 24 h
                            ahead): load generators started together begin sending together
  --seed N                  default 1: the same seed gives the same CDRs
  --out DIR                 report and ground truth (default ./loadgen-out)
  --pcap FILE               capture every datagram (UDP only)
  --progress auto|off       progress line on stderr (default auto)`;

export const RADIUS_USAGE = `usage: narflow loadgen radius [options]
  --target HOST:PORT        RADIUS accounting server (IPv4 loopback only; default 127.0.0.1:1813)
  --secret S                shared secret (default narflow-demo-secret)
  --nases N                 simulated NASes, source addresses 127.0.0.(10+i) (default 1)
  --sessions N              sessions to generate (default: from --count, --rate x --duration, or 10000)
  --count N                 instead of --sessions: whole sessions holding at least N records
  --interims N|MIN-MAX      Interim-Updates per session (default 0-3)
  --dup-rate R              fraction of records re-sent with a new Identifier (default 0)
  --window N                requests in flight per NAS, 1-128 (default 32)
  --timeout-ms MS           retransmission timeout (default 3000)
  --retries N               retransmissions (same Identifier) before giving up (default 3)
  --rate N                  requests/s, 0 = as fast as answers come (default 0)
  --shape S                 constant | square:period=10s,low=0.2 | ramp:from=0.1[,over=30s] | poisson
                            | storm:gsn=0,down=5s,at=10s (gsn: the NAS that goes silent)
  --duration D              stop sending new requests after D (e.g. 60s)
  --max-seconds N           hard cap on the run (default 600)
  --seed N                  default 1: the same seed gives the same sessions
  --out DIR                 report and ground truth (default ./loadgen-out)
  --progress auto|off       progress line on stderr (default auto)`;

export const LOADGEN_USAGE = `${GTPP_USAGE}\n\n${RADIUS_USAGE}\n\n${NETFLOW_USAGE}`;

const USAGES: Readonly<Record<string, string>> = {
  gtpp: GTPP_USAGE,
  radius: RADIUS_USAGE,
  netflow: NETFLOW_USAGE,
};

interface Outcome {
  readonly summary: string;
  readonly errors: { readonly count: number; readonly last: string | undefined };
  readonly out: string | undefined;
  readonly ended: string;
  readonly failed: boolean;
}

function outcome(
  summary: string,
  r: Pick<Outcome, 'errors' | 'ended'>,
  out: string | undefined,
  failed: boolean,
): Outcome {
  return { summary, errors: r.errors, ended: r.ended, out, failed };
}

function run(generator: string, argv: readonly string[], hooks: Hooks): Promise<Outcome> {
  if (generator === 'netflow') return netflowLoadgen(argv, hooks.signal);
  if (generator === 'radius') {
    const input = parseRadiusLoadArgs(argv);
    return withProgress(input.progress, hooks, async (h) => {
      const r = await runRadiusLoad(input, h);
      const s = r.summary;
      return outcome(radiusSummaryText(s), r, r.options.out, s.sent > 0 && s.accepted === 0);
    });
  }
  const input = parseGtppLoadArgs(argv);
  return withProgress(input.progress, hooks, async (h) => {
    if (input.progress !== 'off' && fillGtppLoadOptions(input).prepare === 'ahead')
      process.stderr.write('generating and encoding the CDRs before sending…\n');
    const r = await runGtppLoad(input, h);
    const s = r.summary;
    return outcome(summaryText(s, r.prepared, r.resources), r, r.options.out, s.sent > 0 && s.accepted === 0);
  });
}

interface Hooks {
  readonly signal: AbortSignal;
  progress?: (p: ProgressPoint) => void;
}

async function withProgress<T>(
  mode: 'auto' | 'off' | undefined,
  hooks: Hooks,
  body: (h: Hooks) => Promise<T>,
): Promise<T> {
  const printer = mode === 'off' ? undefined : new ProgressPrinter(process.stderr);
  const result = await body(printer === undefined ? hooks : { ...hooks, progress: (p) => printer.update(p) });
  printer?.done();
  return result;
}

export async function loadgenCommand(argv: readonly string[]): Promise<number> {
  const [generator, ...rest] = argv;
  const help = rest.includes('--help') || rest.includes('-h');
  if (generator === '--help' || generator === '-h' || (help && USAGES[generator ?? ''] === undefined)) {
    process.stdout.write(`${LOADGEN_USAGE}\n`);
    return 0;
  }
  if (generator === undefined || USAGES[generator] === undefined) {
    throw new UsageError(
      `loadgen: expected a generator (gtpp, radius, netflow), got ${generator === undefined ? 'nothing' : JSON.stringify(generator)}\n${LOADGEN_USAGE}`,
    );
  }
  if (help) {
    process.stdout.write(`${USAGES[generator]}\n`);
    return 0;
  }
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const r = await run(generator, rest, { signal: abort.signal });
    process.stdout.write(`${r.summary}\n`);
    if (r.errors.count > 0) {
      process.stdout.write(`errors     ${r.errors.count} (last: ${r.errors.last ?? ''})\n`);
    }
    if (r.out !== undefined) {
      process.stdout.write(`report     ${r.out}/report.json, report.html, truth/\n`);
    }
    if (r.ended === 'aborted') return 130;
    return r.failed ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
