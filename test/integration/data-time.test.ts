/**
 * Time at an actor fed by others is their time, not the wall clock: while input waits upstream, an
 * order enhancer's inactivity timeout waits too. Before, an EP held up for longer than the S-CDR
 * inactivity timeout let the order enhancer close a session whose next record was waiting in the
 * EP's log, and that record was then dropped as a late duplicate: lost.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostStatus, makeChain, writeInput } from '../helpers/chain.js';
import {
  drainOutputs,
  ROOT,
  type Running,
  runToCompletion,
  sleep,
  startNarflow,
  waitForOutput,
} from '../helpers/narflow-process.js';

const PLUGIN = join(ROOT, 'dist', 'test', 'helpers', 'nodes', 'failing.js');
const STALL_MS = 5000;
const INACTIVITY_MS = 2000;
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function config(dir: string): string {
  return `version: 1
plugins: [${PLUGIN}]
host:
  dataDir: ${join(dir, 'data')}
  tickIntervalMs: 200
  checkpointIntervalMs: 200
  timeLagAlarmSeconds: 1
  metrics: { port: 0 }
  log: { level: warn }
nodes:
  - id: collect
    type: file-ei
    settings: { inputDir: ${join(dir, 'in')}, header: true, pollMs: 20 }
    rules:
      - { name: recordType, type: string }
      - { name: chargingId, type: integer }
      - { name: ggsnAddress, type: ip }
      - { name: recordSequenceNumber, type: integer }
      - { name: causeForRecClosing, type: integer }
      - { name: imsi, type: string }
    destinations: [{ to: [stall] }]
  - id: stall
    type: stall-ep
    settings: { attribute: imsi, value: stall, stallMs: ${STALL_MS} }
    destinations:
      - to: [dedup]
        routing: { type: session, attributes: [chargingId, ggsnAddress] }
  - id: dedup
    type: order-enhancer-oe
    settings: { sessionKey: [chargingId, ggsnAddress], inactivityTimeoutMs: ${INACTIVITY_MS} }
    destinations: [{ to: [deliver] }]
  - id: deliver
    type: file-oi
    settings: { dir: ${join(dir, 'out')}, rollRecords: 100, rollIntervalMs: 500 }
    rules:
      - { attribute: chargingId }
      - { attribute: recordSequenceNumber }
      - { attribute: imsi }
`;
}

const HEADER = 'recordType,chargingId,ggsnAddress,recordSequenceNumber,causeForRecClosing,imsi';

/** A CSV file into the input directory, written aside and renamed in (files are taken in name order). */
async function drop(dir: string, name: string, lines: string[]): Promise<void> {
  await writeFile(join(dir, 'in', `.${name}`), `${[HEADER, ...lines].join('\n')}\n`);
  await rename(join(dir, 'in', `.${name}`), join(dir, 'in', name));
}

/** A temp directory with the config; the caller removes it. */
async function setUp(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'narflow-time-'));
  dirs.push(dir);
  await mkdir(join(dir, 'in'));
  const file = join(dir, 'narflow.yaml');
  await writeFile(file, config(dir));
  return { dir, file };
}

async function untilRunning(dir: string, r: Running): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const s = await hostStatus(join(dir, 'data'), r.child.pid);
    if (s?.nodes.every((n) => n.actors.every((a) => a.stats !== undefined))) return;
    await sleep(50);
  }
  throw new Error(`narflow did not start:\n${r.output().slice(-2000)}`);
}

/**
 * Session 1 opens in the order enhancer; then the EP is held up for longer than the inactivity
 * timeout, with session 1's next record behind the record it stalls on.
 */
async function sessionAroundAStall(dir: string): Promise<void> {
  await drop(dir, 'usage-1.csv', ['sgsnPDPRecord,1,10.0.0.1,1,17,262010000000001']);
  await sleep(300);
  await drop(dir, 'usage-2.csv', ['sgsnPDPRecord,2,10.0.0.1,1,0,stall']);
  await sleep(100);
  await drop(dir, 'usage-3.csv', ['sgsnPDPRecord,1,10.0.0.1,2,0,262010000000001']);
}

/** Session 1 whole, in order, and session 2: nothing dropped as a late duplicate. */
const WHOLE = ['1,1,262010000000001', '1,2,262010000000001', '2,1,stall'];

describe('data time', () => {
  it('ensures an S-CDR session is not closed for inactivity while its next record waits upstream', async () => {
    const { dir, file } = await setUp();
    const r = startNarflow(['run', file]);
    try {
      await untilRunning(dir, r);
      await sessionAroundAStall(dir);
      // Meanwhile the order enhancer's time stands still: its lag shows it, and past a second
      // (timeLagAlarmSeconds) the alarm names the producer holding it back.
      const dedup = async () =>
        (await hostStatus(join(dir, 'data'), r.child.pid))?.nodes.find((n) => n.node === 'dedup')?.actors[0]
          ?.stats;
      let lagMs = 0;
      let alarm = '';
      for (let i = 0; i < 90 && (lagMs <= INACTIVITY_MS || alarm === ''); i++) {
        const st = await dedup();
        lagMs = Math.max(lagMs, st?.timeLagMs ?? 0);
        alarm = st?.alarms?.['time_lag']?.detail ?? alarm;
        await sleep(50);
      }
      expect(lagMs).toBeGreaterThan(INACTIVITY_MS);
      expect(alarm).toMatch(/^time \d+ s behind the wall clock; held back by stall\.0 /);
      // Once the EP goes on, time catches up and the alarm clears.
      let cleared = false;
      for (let i = 0; i < 200 && !cleared; i++) {
        cleared = (await dedup())?.alarms?.['time_lag'] === undefined;
        if (!cleared) await sleep(50);
      }
      expect(cleared).toBe(true);

      const [rows] = await drainOutputs(r, [[join(dir, 'out'), 3]], 30_000);
      expect(rows).toEqual(WHOLE);
    } finally {
      r.child.kill('SIGKILL');
    }
  }, 60_000);

  it('ensures a session open at a kill -9 is not closed by the outage when its next record was still upstream', async () => {
    const { dir, file } = await setUp();
    const first = startNarflow(['run', file]);
    try {
      await untilRunning(dir, first);
      await sessionAroundAStall(dir);
      // Killed while the EP stalls: session 1's next record is in the EP's log only.
      await sleep(1500);
    } finally {
      first.child.kill('SIGKILL');
      await first.exit;
    }
    // Down for longer than the inactivity timeout. On the wall clock, the order enhancer's first
    // tick after the restart would close session 1 before its next record came.
    await sleep(INACTIVITY_MS + 1500);
    const second = startNarflow(['run', file]);
    try {
      const [rows] = await drainOutputs(second, [[join(dir, 'out'), 3]], 30_000);
      expect(rows).toEqual(WHOLE);
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('data time across a change of the plan', () => {
  it('ensures an actor whose producer left the plan takes the time of the producers that remain', async () => {
    const chain = await makeChain('time-producers', { epPartitions: 2 });
    dirs.push(chain.dir);
    const fewer = join(chain.dir, 'fewer.yaml');
    const original = await readFile(chain.config, 'utf8');
    await writeFile(fewer, original.replace('partitions: 2', 'partitions: 1'));
    const r = startNarflow(['run', chain.config, '--set', 'host.log.level=info']);
    try {
      const deliverLag = async (): Promise<number | undefined> =>
        (await hostStatus(chain.dataDir, r.child.pid))?.nodes.find((n) => n.node === 'deliver')?.actors[0]
          ?.stats?.timeLagMs;
      for (let i = 0; i < 100 && (await deliverLag()) === undefined; i++) await sleep(100);
      await writeInput(chain.input, 1, 100);
      await runToCompletion(['apply', fewer]);
      await waitForOutput(r, /actor removed from the plan and stopped/, 20_000);
      // enrich.1 is gone: were deliver still waiting for it, its time would stand still.
      await sleep(1000);
      let worst = 0;
      for (let i = 0; i < 10; i++) {
        worst = Math.max(worst, (await deliverLag()) ?? Infinity);
        await sleep(200);
      }
      expect(worst, r.output().slice(-2000)).toBeLessThan(1500);
    } finally {
      r.child.kill('SIGKILL');
    }
  }, 60_000);
});
