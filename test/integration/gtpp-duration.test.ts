/**
 * A load test bounded by time, as a load-test team runs one: `narflow loadgen gtpp --duration D
 * --at-duration finish-sessions` against config/gtpp-chain.yaml. The run ends on whole sessions, so
 * the `cdr` and `sessions` outputs equal the ground truth exactly, without knowing in advance how
 * many sessions the duration would take.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gtppChainArgs } from '../helpers/gtpp-chain.js';
import { drainOutputs, runToCompletion, sleep, startNarflow, truthRows } from '../helpers/narflow-process.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("GTP' chain under a load bounded by its duration", () => {
  it('ensures a duration-bounded load that finishes its sessions gives outputs equal to the ground truth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-duration-'));
    dirs.push(dir);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const narflow = startNarflow(
      gtppChainArgs(dir, port, [
        // Longer than any gap a duplicate scenario puts between two records of a session (a request
        // held for its retransmissions before it is released): S-CDR sessions close on inactivity.
        ['nodes[dedup].settings.inactivityTimeoutMs', 8000],
        ['nodes[cdr].settings.rollIntervalMs', 500],
        ['nodes[sessions].settings.rollIntervalMs', 500],
      ]),
    );
    try {
      await sleep(2500);
      // Bounded by the duration alone: as fast as the answers come, through a small window.
      await runToCompletion(
        ['loadgen', 'gtpp', '--target', `127.0.0.1:${port}`, '--gsns', '4', '--window', '2']
          .concat([
            '--cdrs-per-message',
            '5',
            '--records',
            '1-8',
            '--dup-rate',
            '0.02',
            '--timeout-ms',
            '500',
          ])
          .concat(['--duration', '3s', '--at-duration', 'finish-sessions'])
          .concat(['--out', join(dir, 'lg'), '--progress', 'off', '--max-seconds', '60']),
        90_000,
      );
      const report = JSON.parse(await readFile(join(dir, 'lg', 'report.json'), 'utf8')) as {
        ended: string;
        options: { prepare: string };
        summary: { accepted: number };
      };
      expect(report.ended).toBe('duration');
      expect(report.options.prepare).toBe('stream');
      const cdrTruth = (await truthRows(join(dir, 'lg', 'truth', 'cdr.csv'))).sort();
      const sessionTruth = (await truthRows(join(dir, 'lg', 'truth', 'sessions.csv'))).sort();
      expect(cdrTruth.length).toBe(report.summary.accepted);
      expect(cdrTruth.length).toBeGreaterThan(1000);
      const [cdr, sessions] = await drainOutputs(
        narflow,
        [
          [join(dir, 'out', 'cdr'), cdrTruth.length],
          [join(dir, 'out', 'sessions'), sessionTruth.length],
        ],
        90_000,
      );
      expect(cdr).toEqual(cdrTruth);
      expect(sessions).toEqual(sessionTruth);
    } finally {
      narflow.child.kill('SIGKILL');
    }
  }, 240_000);
});
