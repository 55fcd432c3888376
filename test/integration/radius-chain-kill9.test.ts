/**
 * End to end: `narflow loadgen radius` (3 NASes, 4000 sessions of Start, 0–3 Interim-Updates and Stop,
 * 5% of records re-sent with a new Identifier) sends RADIUS accounting to config/radius-accounting.yaml,
 * and the narflow process is SIGKILLed twice while the load runs and started again on the same data
 * directory; the NASes' retransmissions (same Identifier and authenticator) carry them across the
 * outages. The `records` and `sessions` outputs must equal the load generator's ground truth exactly:
 * every answered record once, every ended session once, nothing lost and nothing billed twice.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  drainOutputs,
  ROOT,
  sleep,
  startNarflow,
  truthRows,
  waitForOutput,
  type Running,
} from '../helpers/narflow-process.js';

const dirs: string[] = [];
const running: Running[] = [];
afterAll(async () => {
  for (const r of running)
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  if (process.env['NARFLOW_KEEP_TEST_DIRS'] === undefined)
    for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const LISTENING = /RADIUS accounting listening/;

describe('RADIUS accounting chain under kill -9', () => {
  it('ensures the records and sessions outputs equal the ground truth after two SIGKILLs during a load with re-sent records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-radius-e2e-'));
    dirs.push(dir);
    // The NASes send from 127.0.0.10–12: the example clients file only has 127.0.0.1.
    const clients = join(dir, 'radius-clients.txt');
    await writeFile(clients, '127.0.0.0/8  narflow-demo-secret  loopback-nases\n');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const args = [
      'run',
      join(ROOT, 'config', 'radius-accounting.yaml'),
      '--data-dir',
      join(dir, 'data'),
      '--set',
      `nodes[radius].settings.listen.port=${port}`,
      '--set',
      'nodes[radius].settings.listen.address=127.0.0.1',
      '--set',
      `nodes[radius].settings.clientsFile=${clients}`,
      '--set',
      'host.metrics.port=0',
      '--set',
      `nodes[records].settings.dir=${join(dir, 'out', 'records')}`,
      '--set',
      `nodes[sessions].settings.dir=${join(dir, 'out', 'sessions')}`,
      '--set',
      'nodes[records].settings.rollIntervalMs=500',
      '--set',
      'nodes[sessions].settings.rollIntervalMs=500',
    ];
    const start = (): Running => {
      const r = startNarflow(args);
      running.push(r);
      return r;
    };
    let narflow = start();
    await waitForOutput(narflow, LISTENING, 30_000);
    const load = startNarflow([
      'loadgen',
      'radius',
      '--target',
      `127.0.0.1:${port}`,
      '--nases',
      '3',
      '--sessions',
      '4000',
      '--interims',
      '0-3',
      '--dup-rate',
      '0.05',
      '--rate',
      '1500',
      '--window',
      '32',
      '--timeout-ms',
      '500',
      '--retries',
      '80',
      '--out',
      join(dir, 'lg'),
      '--progress',
      'off',
      '--max-seconds',
      '120',
    ]);
    running.push(load);
    let kills = 0;
    for (const after of [3500, 2500]) {
      await sleep(after);
      expect(load.child.exitCode, 'the load ended before the kill').toBeNull();
      narflow.child.kill('SIGKILL');
      await narflow.exit;
      kills++;
      narflow = start();
      await waitForOutput(narflow, LISTENING, 30_000);
    }
    const loaded = await load.exit;
    expect(loaded.code, load.output().slice(-3000)).toBe(0);
    const recordTruth = (await truthRows(join(dir, 'lg', 'truth', 'records.csv'))).sort();
    const sessionTruth = (await truthRows(join(dir, 'lg', 'truth', 'sessions.csv'))).sort();
    expect(await truthRows(join(dir, 'lg', 'truth', 'unconfirmed.csv'))).toEqual([]);
    const report = JSON.parse(await readFile(join(dir, 'lg', 'report.json'), 'utf8')) as {
      summary: Record<string, number>;
      prepared: Record<string, number>;
    };
    expect(sessionTruth).toHaveLength(4000);
    expect(recordTruth).toHaveLength(report.prepared['records'] as number);
    const [records, sessions] = await drainOutputs(narflow, [
      [join(dir, 'out', 'records'), recordTruth.length],
      [join(dir, 'out', 'sessions'), sessionTruth.length],
    ]);
    expect(kills).toBe(2);
    expect(records.length).toBe(recordTruth.length);
    expect(records).toEqual(recordTruth);
    expect(sessions).toEqual(sessionTruth);
    // Records really were re-sent with new Identifiers (answered, then dropped by the order
    // enhancer), and the outages really were bridged by retransmissions.
    expect(report.summary['duplicatesSent'] ?? 0).toBeGreaterThan(100);
    expect(report.summary['accepted']).toBe(recordTruth.length + (report.summary['duplicatesSent'] ?? 0));
    expect(report.summary['retransmitted'] ?? 0).toBeGreaterThan(0);
    expect(report.summary['unanswered']).toBe(0);
  }, 180_000);
});
