/**
 * Ensures the promise of DESIGN.md under the worst crash: the whole process SIGKILLed at random
 * moments, restarted each time, ends with exactly the rows an undisturbed run produces.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerImbalance } from '../../src/actors/runtime/ledger.js';
import { hostStatus, makeChain, writeInput, type Chain } from '../helpers/chain.js';
import { csvRows, prng, runToCompletion, sleep, startNarflow } from '../helpers/narflow-process.js';

const FILES = 10;
const PER_FILE = Number(process.env.NARFLOW_KILL_PER_FILE ?? 100_000);
const KILLS = 6;
const chains: Chain[] = [];

afterAll(async () => {
  for (const c of chains) await rm(c.dir, { recursive: true, force: true });
});

async function balancedAfterStart(chain: Chain, pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = await hostStatus(chain.dataDir, pid);
    const actors = s?.nodes.flatMap((n) => n.actors) ?? [];
    if (actors.length > 0 && actors.every((a) => a.stats !== undefined)) {
      for (const a of actors) expect(ledgerImbalance(a.stats!.ledger), `ledger of ${a.actor}`).toBe(0);
      return;
    }
    await sleep(100);
  }
}

describe('file EI → EP (2 actors) → file OI under kill -9', () => {
  it('ensures the output after repeated SIGKILLs and restarts equals an undisturbed run: none missing, none twice', async () => {
    const reference = await makeChain('ref');
    const crashed = await makeChain('kill');
    chains.push(reference, crashed);
    const expected = await writeInput(reference.input, FILES, PER_FILE, 10_007);
    await writeInput(crashed.input, FILES, PER_FILE, 10_007);

    const t0 = Date.now();
    await runToCompletion(['run', reference.config, '--idle-exit', '1']);
    const undisturbedMs = Date.now() - t0;
    const refRows = await csvRows(reference.output);
    expect(refRows.length).toBe(expected.good);
    expect(new Set(refRows).size).toBe(refRows.length);

    const rnd = prng(Number(process.env.NARFLOW_KILL_SEED ?? 20261124));
    let kills = 0;
    for (let round = 0; round < KILLS; round++) {
      const r = startNarflow(['run', crashed.config, '--idle-exit', '1']);
      const pid = r.child.pid as number;
      // Kill somewhere in the first fifth of an undisturbed run's time: startup, mid-file, mid-commit.
      const delay = 150 + Math.floor(rnd() * undisturbedMs * 0.2);
      const ended = await Promise.race([r.exit.then(() => true), sleep(delay).then(() => false)]);
      if (ended) break; // finished before this kill: nothing left to interrupt
      await balancedAfterStart(crashed, pid);
      r.child.kill('SIGKILL');
      await r.exit;
      kills++;
    }
    await runToCompletion(['run', crashed.config, '--idle-exit', '1']);
    const rows = await csvRows(crashed.output);
    expect(rows.length).toBe(expected.good);
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort()).toEqual([...refRows].sort());
    expect(kills).toBeGreaterThanOrEqual(5);
  });
});
