/**
 * Captures real NetFlow v5, v9 and IPFIX export datagrams from softflowd (Debian package
 * `softflowd`) for test/vectors/netflow/. Run once by hand:
 *
 *   npx tsx test/vectors/netflow/capture.ts
 *
 * It writes the traffic mix of test/helpers/flow-pcap.ts to a pcap, runs
 *   softflowd -a -r <pcap> -n 127.0.0.1:<port> -v <5|9|10> -d -c <ctl> -p <pid> [-6]
 * (-r reads the file and expires every flow at its end; -a takes times from the pcap, so the
 * exported times are those of the packets; -d stays in the foreground; -6 tracks IPv6 for v9/IPFIX)
 * against a node UDP socket on loopback, and saves each datagram as a hex line in
 * softflowd-v<version>.hex, with softflowd.json describing how they were made.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flowPcap, trafficMix } from '../../helpers/flow-pcap.js';

/** Start of the traffic: 2024-01-02T03:04:05.000Z. */
export const CAPTURE_T0_US = 1_704_164_645_000_000;
export const CAPTURE_VERSIONS = [5, 9, 10] as const;

async function capture(
  pcap: string,
  version: 5 | 9 | 10,
  dir: string,
): Promise<{ args: string[]; datagrams: Buffer[] }> {
  const sock = createSocket('udp4');
  const datagrams: Buffer[] = [];
  sock.on('message', (m) => datagrams.push(m));
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const port = sock.address().port;
  // softflowd 1.1.0 keeps only 16 characters of the -r path: run it in the pcap's directory.
  const args = ['-a', '-r', pcap, '-n', `127.0.0.1:${port}`, '-v', String(version), '-d'];
  args.push('-c', `ctl${version}`, '-p', `pid${version}`);
  if (version !== 5) args.push('-6');
  const child = spawn('softflowd', args, { stdio: 'ignore', cwd: dir });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('softflowd did not finish within 10 s'));
    }, 10_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 500));
  sock.close();
  return { args: args.map((a) => a.replace(String(port), '<port>')), datagrams };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'narflow-softflowd-'));
  try {
    const pcap = 'mix.pcap';
    writeFileSync(join(dir, pcap), flowPcap(trafficMix(CAPTURE_T0_US, true)));
    const help = spawnSync('softflowd', ['-h'], { encoding: 'utf8' });
    const versionText = /version (\d+(?:\.\d+)*)/.exec(`${help.stdout}${help.stderr}`)?.[1] ?? 'unknown';
    const runs: Record<string, unknown> = {};
    for (const v of CAPTURE_VERSIONS) {
      // v5 cannot carry IPv6: the v5 run reads the same pcap, softflowd skips the IPv6 flow.
      const { args, datagrams } = await capture(pcap, v, dir);
      const file = `softflowd-v${v}.hex`;
      const lines = [
        `# provenance: softflowd ${versionText} (Debian) exporting NetFlow ${v === 10 ? 'IPFIX' : `v${v}`} of the traffic mix of test/helpers/flow-pcap.ts (t0 ${CAPTURE_T0_US} us), captured on a loopback UDP socket by test/vectors/netflow/capture.ts`,
        '# one datagram per line',
        ...datagrams.map((d) => d.toString('hex')),
      ];
      writeFileSync(join(import.meta.dirname, file), `${lines.join('\n')}\n`);
      runs[`v${v}`] = { file, command: ['softflowd', ...args].join(' '), datagrams: datagrams.length };
    }
    const meta = {
      exporter: `softflowd ${versionText}`,
      package: 'Debian softflowd',
      traffic: 'trafficMix(CAPTURE_T0_US, true) from test/helpers/flow-pcap.ts',
      t0Us: CAPTURE_T0_US,
      capturedBy: 'npx tsx test/vectors/netflow/capture.ts',
      runs,
    };
    writeFileSync(join(import.meta.dirname, 'softflowd.json'), `${JSON.stringify(meta, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  await main();
}
