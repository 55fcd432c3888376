/**
 * The order enhancer under kill -9: 100,000 GPRS sessions of 1–20 partial records, shuffled within a
 * bounded window, with 5% duplicates (some after their session closed), through file EI → 4
 * order-enhancer actors (session routing) → file OI, SIGKILLed at random moments and restarted.
 * The output must hold every original record exactly once, in sequence order within each session,
 * and every duplicate must be counted. The actors keep at most 8,000 processed sessions in memory,
 * so most of the duplicate history is in spill segments on disk.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostStatus } from '../helpers/chain.js';
import { csvRows, prng, sleep, startNarflow } from '../helpers/narflow-process.js';
import {
  expectSessionsExactlyOnce,
  oeChainConfig,
  spillSegments,
  writeSessions,
} from '../helpers/oe-sessions.js';

const SESSIONS = Number(process.env.NARFLOW_OE_SESSIONS ?? 100_000);
const KILLS = 4;
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('order enhancer (4 actors) under kill -9', () => {
  it('ensures every original record is output exactly once, in sequence order per session, and every duplicate is counted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-oe-'));
    dirs.push(dir);
    await mkdir(join(dir, 'in'));
    const file = join(dir, 'narflow.yaml');
    // Each actor closes about 25,000 sessions: past 8,000 in memory they spill to disk.
    await writeFile(file, oeChainConfig(dir, 4, 8000));
    const { originals, duplicates } = await writeSessions(join(dir, 'in'), 2026, SESSIONS);
    expect(duplicates).toBeGreaterThan(0);

    const rnd = prng(Number(process.env.NARFLOW_KILL_SEED ?? 777));
    let kills = 0;
    for (let round = 0; round < KILLS; round++) {
      const r = startNarflow(['run', file, '--idle-exit', '2']);
      const ended = await Promise.race([
        r.exit.then(() => true),
        sleep(1500 + rnd() * 3000).then(() => false),
      ]);
      if (ended) break;
      r.child.kill('SIGKILL');
      await r.exit;
      kills++;
    }
    const final = startNarflow(['run', file, '--idle-exit', '2']);
    let dropped = 0;
    // The duplicates counted by the order-enhancer actors, read while the final run is up.
    for (let i = 0; i < 600; i++) {
      const s = await hostStatus(join(dir, 'data'), final.child.pid);
      const oe = s?.nodes.find((n) => n.node === 'dedup');
      if (oe !== undefined && oe.actors.every((a) => a.stats !== undefined)) {
        dropped = oe.actors.reduce((n, a) => n + (a.stats?.ledger.duplicates ?? 0), 0);
        if (dropped === duplicates) break;
      }
      await sleep(100);
    }
    const { code } = await final.exit;
    expect(code, final.output().slice(-3000)).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(dropped).toBe(duplicates);

    expectSessionsExactlyOnce(await csvRows(join(dir, 'out')), originals);
    expect((await spillSegments(join(dir, 'data'), 'dedup')).length).toBeGreaterThan(0);
  }, 300_000);
});
