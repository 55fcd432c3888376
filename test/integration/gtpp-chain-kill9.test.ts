/**
 * End to end: `narflow loadgen gtpp` (4 GSNs, 5% duplicate scenarios, a restart storm) sends CDRs over
 * GTP' to config/gtpp-chain.yaml, and the narflow process is SIGKILLed twice while the load runs and
 * started again on the same data directory. The `cdr` and `sessions` outputs must equal the load
 * generator's ground truth exactly: every accepted CDR once, every closed session once, nothing lost
 * and nothing billed twice. One CDR per request, so the gateway's retransmission window outgrows the
 * checkpoint and goes to base files (state-bases.ts) before the second kill: the restart reads one.
 * Run twice: the gateway decoding its CDRs on its own thread, and on a decode thread of its own.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gtppChainArgs } from '../helpers/gtpp-chain.js';
import { drainOutputs, sleep, startNarflow, truthRows, type Running } from '../helpers/narflow-process.js';

const dirs: string[] = [];
afterAll(async () => {
  if (process.env['NARFLOW_KEEP_TEST_DIRS'] === undefined)
    for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("GTP' chain under kill -9", () => {
  it.each([0, 1])(
    'ensures the cdr and sessions outputs equal the ground truth after two SIGKILLs during a load with duplicates and a restart storm (decodeThreads %i)',
    async (decodeThreads) => {
      const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-e2e-'));
      dirs.push(dir);
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const args = gtppChainArgs(dir, port, [
        ['nodes[dedup].settings.inactivityTimeoutMs', 20000],
        // Journal chunks of 20 sessions: the kills find the order enhancer's state in them.
        ['nodes[dedup].settings.journalChunkEntries', 20],
        ['nodes[cdr].settings.rollIntervalMs', 500],
        ['nodes[sessions].settings.rollIntervalMs', 500],
        ['nodes[gtpp].settings.decodeThreads', decodeThreads],
      ]);
      let narflow: Running = startNarflow(args);
      const runs = [narflow];
      await sleep(2500);
      const load = startNarflow([
        'loadgen',
        'gtpp',
        '--target',
        `127.0.0.1:${port}`,
        '--gsns',
        '4',
        '--sessions',
        '6000',
        '--records',
        '1-5',
        '--cdrs-per-message',
        '1',
        '--mix',
        'pGWRecord=50,ggsnPDPRecord=20,sgsnPDPRecord=15,sGWRecord=10,egsnPDPRecord=5',
        '--dup-rate',
        '0.05',
        '--rate',
        '1500',
        '--shape',
        'storm:gsn=1,down=3s,at=4s',
        '--timeout-ms',
        '500',
        '--retries',
        '60',
        '--out',
        join(dir, 'lg'),
        '--progress',
        'off',
        '--max-seconds',
        '180',
      ]);
      let kills = 0;
      /** Journal chunks of the order enhancer's actors at each kill: processed sessions, open sessions. */
      const chunksAtKill: Array<[number, number]> = [];
      const count = async (sub: string, suffix: string): Promise<number> => {
        let n = 0;
        for (const actor of ['0', '1']) {
          const files = await readdir(join(dir, 'data', 'actors', 'dedup', actor, sub)).catch(() => []);
          n += files.filter((f) => f.endsWith(suffix)).length;
        }
        return n;
      };
      const chunks = async (): Promise<[number, number]> => [
        await count('oe-journal', '.npj'),
        await count('oe-sessions', '.nsj'),
      ];
      for (const at of [3000, 5000]) {
        await sleep(at);
        // On a slow machine the first chunks may take a moment more: the kill waits for them (up to 5 s).
        for (let i = 0; i < 50 && (await chunks()).includes(0); i++) await sleep(100);
        chunksAtKill.push(await chunks());
        narflow.child.kill('SIGKILL');
        await narflow.exit;
        kills++;
        narflow = startNarflow(args);
        runs.push(narflow);
      }
      const loaded = await load.exit;
      expect(loaded.code, load.output().slice(-3000)).toBe(0);
      const cdrTruth = (await truthRows(join(dir, 'lg', 'truth', 'cdr.csv'))).sort();
      const sessionTruth = (await truthRows(join(dir, 'lg', 'truth', 'sessions.csv'))).sort();
      expect(await truthRows(join(dir, 'lg', 'truth', 'unconfirmed.csv'))).toEqual([]);
      const report = JSON.parse(await readFile(join(dir, 'lg', 'report.json'), 'utf8')) as {
        summary: Record<string, number>;
      };
      expect(cdrTruth.length).toBeGreaterThan(10_000);
      // Wait until the S-CDR sessions closed by inactivity are out, then stop in order. The inactivity
      // timeout (20 s) is longer than any gap the kills (the gateway down: the GSNs retransmit), the
      // restart storm and the duplicate scenarios put between two records of a session reaching the
      // gateway: an S-CDR arriving after its session closed is dropped by the order enhancer as a late
      // duplicate. Records already in the gateway's log put no gap: the order enhancer's time is the
      // gateway's data time.
      const [cdr, sessions] = await drainOutputs(
        narflow,
        [
          [join(dir, 'out', 'cdr'), cdrTruth.length],
          [join(dir, 'out', 'sessions'), sessionTruth.length],
        ],
        120_000,
      );
      expect(kills).toBe(2);
      expect(cdr.length).toBe(cdrTruth.length);
      expect(cdr).toEqual(cdrTruth);
      expect(sessions).toEqual(sessionTruth);
      // The load really had duplicates of every kind.
      expect(report.summary['alreadyFulfilled'] ?? 0).toBeGreaterThan(0);
      // The window went to base files, and every restart could read the one its checkpoint named.
      const bases = await readdir(join(dir, 'data', 'actors', 'gtpp', '0', 'gtpp-window'));
      expect(bases.filter((f) => f.endsWith('.pwb')).length).toBeGreaterThan(0);
      for (const r of runs) expect(r.output()).not.toMatch(/state base/);
      // The order enhancer's processed and open sessions were in journal chunks when it was killed,
      // and every restart read them back.
      expect(Math.max(...chunksAtKill.map(([processed]) => processed))).toBeGreaterThan(0);
      expect(Math.max(...chunksAtKill.map(([, open]) => open))).toBeGreaterThan(0);
      for (const r of runs) expect(r.output()).not.toMatch(/journal chunk|session chunk/);
    },
    300_000,
  );
});
