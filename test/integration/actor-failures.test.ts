/**
 * Failures inside one actor while the process keeps running: the supervisor restarts the actor
 * from its checkpoint and the output stays exact; a record that always crashes its node ends in
 * the quarantine, and every other record is delivered exactly once.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeChain, writeInput, type Chain } from '../helpers/chain.js';
import { csvRows, ROOT, runToCompletion, startNarflow, peakRss, sleep } from '../helpers/narflow-process.js';

const PLUGIN = join(ROOT, 'dist', 'test', 'helpers', 'nodes', 'failing.js');
const chains: Chain[] = [];
afterAll(async () => {
  for (const c of chains) await rm(c.dir, { recursive: true, force: true });
});

function expectedRows(
  total: number,
  badEvery: number,
  zone: string,
  skip: ReadonlySet<number> = new Set(),
): string[] {
  const rows: string[] = [];
  for (let id = 1; id <= total; id++) {
    if ((badEvery > 0 && id % badEvery === 0) || skip.has(id)) continue;
    rows.push(
      `2620100${String(id).padStart(8, '0')},${id},${id % 3 === 0 ? 'ims' : 'internet'},${id * 7},${zone}`,
    );
  }
  return rows.sort();
}

describe('single-actor failures', () => {
  it('ensures an EP actor whose handler throws, and whose worker thread dies, is restarted and the output is still exact', async () => {
    const chain = await makeChain('actor-crash', {
      plugins: [PLUGIN],
      epType: 'crash-on-ep',
      epSettings: { throwAfterBatches: 20, exitAfterBatches: 45 },
    });
    chains.push(chain);
    await writeInput(chain.input, 4, 50_000, 0);
    const out = await runToCompletion(['run', chain.config, '--idle-exit', '1']);
    const rows = await csvRows(chain.output);
    expect(rows.length).toBe(200_000);
    expect([...rows].sort()).toEqual(expectedRows(200_000, 0, ''));
    // Both EP actors crashed twice each: once by throwing, once by leaving their thread.
    const terminated = out.split('\n').filter((l) => l.includes('child_terminated'));
    expect(terminated.filter((l) => l.includes('planned crash')).length).toBe(2);
    expect(terminated.filter((l) => l.includes('code 7')).length).toBe(2);
  });

  it('ensures an actor whose thread dies while the host drains it on stop is restarted, drains again and the process stops without waiting out the drain deadline', async () => {
    const chain = await makeChain('drain-crash', {
      plugins: [PLUGIN],
      epType: 'crash-on-ep',
      epSettings: { exitOnDrain: true },
    });
    chains.push(chain);
    await writeInput(chain.input, 2, 20_000, 0);
    const out = await runToCompletion(['run', chain.config, '--idle-exit', '1']);
    const rows = await csvRows(chain.output);
    expect([...rows].sort()).toEqual(expectedRows(40_000, 0, ''));
    // Both EP actors died once in their drain, were restarted, and answered the drain sent again.
    const terminated = out.split('\n').filter((l) => l.includes('child_terminated'));
    expect(terminated.filter((l) => l.includes('code 7')).length).toBe(2);
    expect(out).not.toContain('did not finish its drain in time');
    expect(out).not.toContain('drain incomplete');
  }, 150_000);

  it('ensures that when restarts keep failing the supervisors escalate to the root and the process exits non-zero', async () => {
    const chain = await makeChain('give-up', {
      plugins: [PLUGIN],
      epType: 'crash-on-ep',
      epPartitions: 1,
      epSettings: { throwAfterBatches: 1, failRestart: true },
      intensity: 2,
    });
    chains.push(chain);
    await writeInput(chain.input, 1, 5000, 0);
    const r = startNarflow(['run', chain.config]);
    const { code } = await r.exit;
    expect(code).toBe(1);
    const out = r.output();
    expect(out).toContain('reached_max_restart_intensity');
    expect(out).toContain('the root supervisor gave up');
  });

  it('ensures a poison record ends in the quarantine after the configured crashes and all other records arrive once', async () => {
    const chain = await makeChain('poison', {
      plugins: [PLUGIN],
      epType: 'crash-on-ep',
      epSettings: { poison: { attribute: 'chargingId', value: 54321 } },
      poisonAfter: 2,
    });
    chains.push(chain);
    await writeInput(chain.input, 2, 50_000, 0);
    await runToCompletion(['run', chain.config, '--idle-exit', '1']);
    const rows = await csvRows(chain.output);
    expect([...rows].sort()).toEqual(expectedRows(100_000, 0, '', new Set([54321])));
    const list = await runToCompletion(['quarantine', 'list', '--data-dir', chain.dataDir, '--json']);
    const entries = JSON.parse(list) as Array<{ reason: string; node: string; raw: string }>;
    const poison = entries.filter((e) => e.reason === 'poison_record');
    expect(poison).toHaveLength(1);
    expect(poison[0]?.node).toBe('enrich');
  });

  it('ensures a slow sink slows its producers: memory stays bounded (peak RSS below 320 MiB) and nothing is lost', async () => {
    const chain = await makeChain('slow', {
      plugins: [PLUGIN],
      epPartitions: 1,
      extraNodes: '',
    });
    chains.push(chain);
    // Replace the file OI with the slow sink.
    const countFile = join(chain.dir, 'count.txt');
    const yaml = (await readFile(chain.config, 'utf8')).replace(
      /- id: deliver[\s\S]*$/,
      `- id: deliver\n    type: slow-oi\n    settings: { delayMs: 4, countFile: ${countFile} }\n`,
    );
    const { writeFile } = await import('node:fs/promises');
    await writeFile(chain.config, yaml);
    await writeInput(chain.input, 10, 100_000, 0);
    const r = startNarflow(['run', chain.config, '--idle-exit', '1']);
    let peak = 0;
    let ended = false;
    void r.exit.then(() => (ended = true));
    while (!ended) {
      try {
        peak = Math.max(peak, await peakRss(r.child.pid as number));
      } catch {
        // the process is gone between the check and the read
      }
      await sleep(200);
    }
    const { code } = await r.exit;
    expect(code, r.output().slice(-2000)).toBe(0);
    expect(Number(await readFile(countFile, 'utf8'))).toBe(1_000_000);
    console.info(`slow sink: peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB for 1,000,000 records`);
    expect(peak).toBeLessThan(320 * 2 ** 20);
  });
});
