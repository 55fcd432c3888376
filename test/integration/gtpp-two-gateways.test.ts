/**
 * More cores, more gateways: two gtpp-ei nodes on two ports of one host (one over UDP, one over
 * TCP), each with its own GSNs sending at the same time with duplicates, feed one file OI. The output
 * holds every unique CDR each load generator had confirmed, once. The TCP generator makes its CDRs
 * while it sends (`--prepare stream`), so its truth is the one written as the gateway confirmed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TRUTH_CDR_COLUMNS } from '../../src/cluster/loadgen/gtpp/truth-columns.js';
import { drainOutputs, startNarflow, truthRows, waitForOutput } from '../helpers/narflow-process.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("GTP' over two gateways", () => {
  it('ensures two gtpp-ei nodes of one host take their own GSNs at once and every CDR reaches the shared output once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-two-'));
    dirs.push(dir);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const gateways = [
      { id: 'gtpp-a', port, transport: 'udp' },
      { id: 'gtpp-b', port: port + 1, transport: 'tcp' },
    ] as const;
    const config = join(dir, 'narflow.yaml');
    await writeFile(
      config,
      `version: 1
host: { dataDir: ${join(dir, 'data')}, metrics: { port: 0 } }
nodes:
${gateways
  .map(
    (g) => `  - id: ${g.id}
    type: gtpp-ei
    settings:
      listen: { address: 127.0.0.1, port: ${g.port}, udp: ${g.transport === 'udp'}, tcp: ${g.transport === 'tcp'} }
      warmUpCdrs: 0
    destinations: [{ to: [cdr] }]`,
  )
  .join('\n')}
  - id: cdr
    type: file-oi
    settings: { dir: ${join(dir, 'out')}, rollRecords: 5000, rollIntervalMs: 500 }
    rules:
${TRUTH_CDR_COLUMNS.map((c) => `      - { attribute: ${c} }`).join('\n')}
`,
    );
    const narflow = startNarflow(['run', config]);
    try {
      for (const g of gateways)
        await waitForOutput(narflow, new RegExp(`"node":"${g.id}".*GTP' charging gateway listening`), 30_000);
      const loads = gateways.map((g, i) =>
        startNarflow([
          'loadgen',
          'gtpp',
          '--target',
          `127.0.0.1:${g.port}`,
          '--transport',
          g.transport,
          '--gsns',
          '2',
          '--count',
          '6000',
          '--dup-rate',
          '0.05',
          '--rate',
          '3000',
          '--seed',
          String(i + 1),
          '--out',
          join(dir, `lg-${g.id}`),
          '--progress',
          'off',
          '--max-seconds',
          '60',
          ...(g.transport === 'tcp' ? ['--prepare', 'stream'] : []),
        ]),
      );
      for (const load of loads) expect((await load.exit).code, load.output().slice(-3000)).toBe(0);
      expect(loads.map((l) => /made while sending/.test(l.output()))).toEqual(
        gateways.map((g) => g.transport === 'tcp'),
      );
      const truth: string[] = [];
      for (const g of gateways) {
        const rows = await truthRows(join(dir, `lg-${g.id}`, 'truth', 'cdr.csv'));
        expect(rows.length).toBeGreaterThan(5_900);
        truth.push(...rows);
      }
      const [rows] = await drainOutputs(narflow, [[join(dir, 'out'), truth.length]] as const);
      expect(rows.length).toBe(truth.length);
      expect(rows).toEqual(truth.sort());
    } finally {
      narflow.child.kill('SIGKILL');
      await narflow.exit;
    }
  }, 120_000);
});
