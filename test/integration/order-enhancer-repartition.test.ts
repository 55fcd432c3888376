/**
 * An order enhancer repartitioned while it holds sessions: its key groups move to other actors
 * with their state, at a restart with other partitions (SIGKILLed at random moments, during the
 * move too) and live, by a new map applied while records flow. The output must hold every
 * original record exactly once, in sequence order within each session; every duplicate must be
 * counted (the ledgers of every actor the node ever had, retired ones included) and every ledger
 * must balance with the records that moved.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerImbalance } from '../../src/actors/runtime/ledger.js';
import { hostStatus } from '../helpers/chain.js';
import {
  csvRows,
  prng,
  runToCompletion,
  sleep,
  startNarflow,
  type Running,
} from '../helpers/narflow-process.js';
import {
  expectSessionsExactlyOnce,
  nodeLedgers,
  oeChainConfig,
  sessionLines,
  spillSegments,
  writeLines,
} from '../helpers/oe-sessions.js';

const SESSIONS = Number(process.env.NARFLOW_OE_SESSIONS ?? 40_000);
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function chain(name: string): Promise<{ dir: string; file: string; data: string }> {
  const dir = await mkdtemp(join(tmpdir(), `narflow-${name}-`));
  dirs.push(dir);
  await mkdir(join(dir, 'in'));
  const file = join(dir, 'narflow.yaml');
  // A few thousand processed sessions per actor in memory: the rest of the history is on disk.
  await writeFile(file, oeChainConfig(dir, 4, 3000));
  return { dir, file, data: join(dir, 'data') };
}

/** Duplicates counted by every actor the node had; each ledger balanced; moves in = moves out. */
async function expectLedgers(data: string, duplicates: number): Promise<void> {
  const ledgers = await nodeLedgers(data, 'dedup');
  let dropped = 0;
  let movedIn = 0;
  let movedOut = 0;
  for (const [slot, l] of ledgers) {
    expect(ledgerImbalance(l), `ledger of dedup.${slot}: ${JSON.stringify(l)}`).toBe(0);
    dropped += l.duplicates;
    movedIn += l.movedIn;
    movedOut += l.movedOut;
  }
  expect(dropped).toBe(duplicates);
  expect(movedIn).toBe(movedOut);
  expect(movedOut).toBeGreaterThan(0);
}

type Phase = 'starting' | 'moving' | 'running' | 'exited';

/** Where a starting host is: its key groups moving, or the order enhancer running `partitions` actors. */
async function layoutPhase(data: string, r: Running, partitions: number): Promise<Phase> {
  for (let i = 0; i < 1200; i++) {
    if (r.child.exitCode !== null) return 'exited';
    const s = await hostStatus(data, r.child.pid);
    if (s?.repartition !== undefined) return 'moving';
    const oe = s?.nodes.find((n) => n.node === 'dedup');
    if (oe?.actors.length === partitions && oe.actors.every((a) => a.state === 'running')) return 'running';
    await sleep(25);
  }
  return 'starting';
}

async function waitFor(done: () => Promise<boolean>, r: Running): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (await done()) return;
    if (r.child.exitCode !== null) throw new Error(`narflow ended early:\n${r.output().slice(-3000)}`);
    await sleep(100);
  }
  throw new Error(`narflow did not get there in time:\n${r.output().slice(-3000)}`);
}

describe('order enhancer repartitioned with its state', () => {
  it('ensures restarts with other partitions, killed at random moments and during the move, lose and duplicate nothing', async () => {
    const { dir, file, data } = await chain('oe-repartition');
    // The input arrives in parts, each once its run has the new layout going: sessions straddle
    // the parts, so records are held when key groups move, and late duplicates of sessions closed
    // before a move arrive after it.
    const { originals, stream } = sessionLines(SESSIONS, 4242);
    const duplicates = stream.length - originals.length;
    const rounds = [
      { partitions: 4, killDuringMove: false },
      { partitions: 3, killDuringMove: false },
      { partitions: 6, killDuringMove: true },
      { partitions: 6, killDuringMove: false },
      { partitions: 2, killDuringMove: true },
      { partitions: 2, killDuringMove: false },
    ];
    const PARTS = 5;
    const part = Math.ceil(stream.length / PARTS);
    let fed = 0;
    const feed = async (): Promise<void> => {
      if (fed < PARTS)
        await writeLines(join(dir, 'in'), stream.slice(fed * part, (fed + 1) * part), 3, fed * 3);
      fed++;
    };
    const rnd = prng(Number(process.env.NARFLOW_KILL_SEED ?? 99));
    let log = '';
    let killedInMove = 0;
    for (const round of rounds) {
      const r = startNarflow(['run', file, '--set', `nodes[dedup].partitions=${round.partitions}`]);
      const phase = await layoutPhase(data, r, round.partitions);
      if (phase === 'moving' && round.killDuringMove) {
        await sleep(rnd() * 1500);
        killedInMove++;
      } else if (phase !== 'exited') {
        await waitFor(async () => (await layoutPhase(data, r, round.partitions)) === 'running', r);
        await feed();
        await sleep(1000 + rnd() * 2500);
      }
      r.child.kill('SIGKILL');
      await r.exit;
      log += r.output();
    }
    // Idle for 10 s: on a loaded machine writing the last parts can take seconds, and an earlier exit would miss them.
    const final = startNarflow(['run', file, '--idle-exit', '10', '--set', 'nodes[dedup].partitions=5']);
    await waitFor(async () => (await layoutPhase(data, final, 5)) === 'running', final);
    while (fed < PARTS) await feed();
    const { code } = await final.exit;
    log += final.output();
    expect(code, final.output().slice(-3000)).toBe(0);
    expect(killedInMove).toBeGreaterThanOrEqual(1);
    expect(log).toContain('key groups moved with their state');
    expect(JSON.parse(await readFile(join(data, 'actors', 'dedup', 'layout.json'), 'utf8'))).toMatchObject({
      partitions: 5,
    });
    expectSessionsExactlyOnce(await csvRows(join(dir, 'out')), originals);
    await expectLedgers(data, duplicates);
    expect((await spillSegments(data, 'dedup')).length).toBeGreaterThan(0);
  }, 400_000);

  it('ensures partitions changed live by a new map, while records flow, lose and duplicate nothing', async () => {
    const { dir, file, data } = await chain('oe-live-repartition');
    await writeFile(file, oeChainConfig(dir, 2, 3000));
    const { originals, stream } = sessionLines(Math.floor(SESSIONS / 2), 777);
    const FILES = 24;
    const per = Math.ceil(stream.length / FILES);
    const r = startNarflow(['run', file, '--idle-exit', '4', '--set', 'host.log.level=warn']);
    for (let i = 0; i < 100 && (await hostStatus(data, r.child.pid)) === undefined; i++) await sleep(100);
    for (let f = 0; f < FILES; f++) {
      await writeLines(join(dir, 'in'), stream.slice(f * per, (f + 1) * per), 1, f);
      if (f === 6) await runToCompletion(['apply', file, '--set', 'nodes[dedup].partitions=5']);
      if (f === 15) await runToCompletion(['apply', file, '--set', 'nodes[dedup].partitions=3']);
      await sleep(150);
    }
    const { code } = await r.exit;
    expect(code, r.output().slice(-3000)).toBe(0);
    expect(r.output().match(/the pipeline runs the new plan/g)?.length, r.output().slice(-3000)).toBe(2);
    expectSessionsExactlyOnce(await csvRows(join(dir, 'out')), originals);
    await expectLedgers(data, stream.length - originals.length);
    const status = JSON.parse(await readFile(join(data, 'actors', 'dedup', 'layout.json'), 'utf8')) as {
      partitions: number;
    };
    expect(status.partitions).toBe(3);
  }, 300_000);
});
