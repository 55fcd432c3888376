/**
 * `narflow loadgen gtpp [options]`: GSNs sending CDRs over GTP' to a charging gateway on loopback,
 * with a progress line on stderr, a summary on stdout, and report + ground truth under --out.
 */
import { parseGtppLoadArgs, runGtppLoad } from '../loadgen/gtpp/index.js';
import { ProgressPrinter, summaryText } from '../loadgen/report.js';
import { UsageError } from './usage-error.js';

export const LOADGEN_USAGE = `usage: narflow loadgen gtpp [options]
  --target HOST:PORT        gateway (loopback only; default 127.0.0.1:3386)
  --secondary HOST:PORT     gateway to fail over / be redirected to
  --transport udp|tcp       default udp
  --gsns N                  simulated GSNs, source addresses 127.0.0.(10+i) (default 1)
  --mix TYPE=W,...          record types (default pGWRecord=70,ggsnPDPRecord=20,sgsnPDPRecord=10)
  --sessions N              sessions to generate (default: from --count, --rate x --duration, or 10000)
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
  --count N                 send at most N CDRs
  --max-seconds N           hard cap on the run (default 600)
  --seed N                  default 1: the same seed gives the same CDRs
  --out DIR                 report and ground truth (default ./loadgen-out)
  --pcap FILE               capture every datagram (UDP only)
  --progress auto|off       progress line on stderr (default auto)`;

export async function loadgenCommand(argv: readonly string[]): Promise<number> {
  const [generator, ...rest] = argv;
  if (generator === '--help' || generator === '-h' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${LOADGEN_USAGE}\n`);
    return 0;
  }
  if (generator !== 'gtpp') {
    throw new UsageError(
      `loadgen: expected a generator (gtpp), got ${generator === undefined ? 'nothing' : JSON.stringify(generator)}\n${LOADGEN_USAGE}`,
    );
  }
  const input = parseGtppLoadArgs(rest);
  const printer = input.progress === 'off' ? undefined : new ProgressPrinter(process.stderr);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const report = await runGtppLoad(input, {
      signal: abort.signal,
      ...(printer === undefined ? {} : { progress: (p) => printer.update(p) }),
    });
    printer?.done();
    process.stdout.write(`${summaryText(report.summary)}\n`);
    if (report.errors.count > 0) {
      process.stdout.write(`errors     ${report.errors.count} (last: ${report.errors.last ?? ''})\n`);
    }
    if (report.options.out !== undefined) {
      process.stdout.write(`report     ${report.options.out}/report.json, report.html, truth/\n`);
    }
    if (report.ended === 'aborted') return 130;
    return report.summary.sent > 0 && report.summary.accepted === 0 ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
