/**
 * The operator's commands against real processes: `status` of a running host, and the quarantine
 * cycle — list what was rejected, fix the cause, replay it, and never replay it twice.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { hostStatus, makeChain, writeInput, type Chain } from '../helpers/chain.js';
import { csvRows, runToCompletion, sleep, startNarflow } from '../helpers/narflow-process.js';

const chains: Chain[] = [];
afterAll(async () => {
  for (const c of chains) await rm(c.dir, { recursive: true, force: true });
});

describe('operator commands', () => {
  it('ensures `narflow status` shows every actor of a running host with its state and counts', async () => {
    const chain = await makeChain('status');
    chains.push(chain);
    await writeInput(chain.input, 2, 20_000, 0);
    const r = startNarflow(['run', chain.config]);
    try {
      for (
        let i = 0;
        i < 100 && (await hostStatus(chain.dataDir, r.child.pid))?.nodes[2]?.actors[0]?.stats === undefined;
        i++
      ) {
        await sleep(100);
      }
      const text = await runToCompletion(['status', '--data-dir', chain.dataDir]);
      for (const actor of ['collect.0', 'enrich.0', 'enrich.1', 'deliver.0']) {
        expect(text).toMatch(new RegExp(`^\\S+\\s+${actor.replace('.', '\\.')}\\s+running\\s+0\\s`, 'm'));
      }
      const json = JSON.parse(await runToCompletion(['status', '--data-dir', chain.dataDir, '--json'])) as {
        nodes: Array<{ node: string; actors: unknown[] }>;
      };
      expect(json.nodes.map((n) => n.node)).toEqual(['collect', 'enrich', 'deliver']);
    } finally {
      r.child.kill('SIGTERM');
      expect((await r.exit).code).toBe(0);
    }
    await expect(runToCompletion(['status', '--data-dir', chain.dataDir])).rejects.toThrow(
      /no narflow is running/,
    );
  });

  it('ensures quarantined lines can be listed, replayed once after the cause is fixed, and then reach the output', async () => {
    const chain = await makeChain('replay');
    chains.push(chain);
    const { good, bad } = await writeInput(chain.input, 2, 10_000, 1000);
    await runToCompletion(['run', chain.config, '--idle-exit', '1']);
    expect((await csvRows(chain.output)).length).toBe(good);

    const listed = JSON.parse(
      await runToCompletion(['quarantine', 'list', '--data-dir', chain.dataDir, '--json']),
    ) as Array<{
      reason: string;
      status: string;
      detail: { line: number };
    }>;
    expect(listed).toHaveLength(bad);
    expect(listed.every((e) => e.reason === 'bad_integer' && e.status === 'pending')).toBe(true);

    // The fix: charging ids with a letter are valid strings for this operator.
    const fixed = (await readFile(chain.config, 'utf8')).replace(
      '{ name: chargingId, type: integer, required: true }',
      '{ name: chargingId, type: string, required: true }',
    );
    await writeFile(chain.config, fixed);
    const replay = await runToCompletion(['quarantine', 'replay', chain.config, '--reason', 'bad_integer']);
    expect(replay).toContain(`replayed ${bad} entries of node collect`);
    expect(await runToCompletion(['quarantine', 'replay', chain.config])).toContain('nothing to replay');

    await runToCompletion(['run', chain.config, '--idle-exit', '1']);
    const rows = await csvRows(chain.output);
    expect(rows.length).toBe(good + bad);
    expect(rows.filter((r) => r.split(',')[1]?.startsWith('x'))).toHaveLength(bad);
    const after = JSON.parse(
      await runToCompletion(['quarantine', 'list', '--data-dir', chain.dataDir, '--json']),
    ) as Array<{
      status: string;
    }>;
    expect(after.filter((e) => e.status === 'replayed')).toHaveLength(bad);
  });
});
