import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { busyCpuDuring } from '../../../bench/servers.js';

/** A process whose main thread, and `workers` worker threads, spin for `ms` once told to on stdin. */
const SPINNER = `
const { Worker } = require('node:worker_threads');
const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
const workers = Number(process.argv[1]);
const ms = Number(process.argv[2]);
const code = 'const end = Date.now() + ' + ms + '; while (Date.now() < end);';
process.stdin.once('data', () => {
  for (let i = 0; i < workers; i++) new Worker(code, { eval: true });
  spin(ms);
  process.stdout.write('done\\n');
});
process.stdout.write('ready\\n');
`;

async function measure(
  workers: number,
): Promise<{ cpu: number; busiest: number; wall: number; machine: number }> {
  const child = spawn(process.execPath, ['-e', SPINNER, String(workers), '700'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await once(child.stdout, 'data');
  const { busy } = await busyCpuDuring(child.pid, async () => {
    child.stdin.write('go\n');
    await once(child.stdout, 'data');
  });
  child.kill();
  expect(busy).toBeDefined();
  const b = busy as NonNullable<typeof busy>;
  return {
    cpu: b.cpuSeconds,
    busiest: b.busiestThreadSeconds,
    wall: b.wallSeconds,
    machine: b.machineBusySeconds,
  };
}

describe('bench busy CPU', () => {
  it('ensures the busiest thread is measured apart from the whole process', async () => {
    // One spinning thread: it is the process's CPU, nearly all of it.
    const one = await measure(0);
    expect(one.busiest).toBeGreaterThan(0);
    expect(one.busiest).toBeLessThanOrEqual(one.cpu + 0.011);
    expect(one.busiest).toBeGreaterThan(one.cpu * 0.5);
    // Two spinning threads: the busiest is one of them, less than the process used in all.
    const two = await measure(1);
    expect(two.busiest).toBeGreaterThan(0);
    expect(two.busiest).toBeLessThan(two.cpu);
  }, 30_000);

  it('counts the whole machine over the same span, the process included', async () => {
    // A thread spinning on every core: what is not busy is near nothing, unlike what is.
    const m = await measure(Math.max(0, cpus().length - 1));
    // Both read in ticks of 10 ms at slightly different instants: a tick or two either way.
    expect(m.machine).toBeGreaterThanOrEqual(m.cpu - 0.03);
    // No more than every core busy for the whole span.
    expect(m.machine).toBeLessThanOrEqual(cpus().length * m.wall + 0.03);
  }, 30_000);
});
