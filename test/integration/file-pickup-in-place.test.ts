/**
 * Ensures a CSV file written straight into the file EI's input directory (as an FTP upload would,
 * in pieces with pauses) is taken only once it is complete: every line reaches the output, once.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeChain, type Chain } from '../helpers/chain.js';
import { csvRows, sleep, startNarflow } from '../helpers/narflow-process.js';

const PIECES = 6;
const LINES_PER_PIECE = 200;
/** Below the file EI's default settleMs (1 s): the file never looks finished while it is written. */
const PAUSE_MS = 300;

const chains: Chain[] = [];
afterAll(async () => {
  for (const c of chains) await rm(c.dir, { recursive: true, force: true });
});

describe('file EI pick-up of a file still being written', () => {
  it('ensures a file written in place in pieces is taken whole: every line in the output once', async () => {
    const chain = await makeChain('in-place');
    chains.push(chain);
    const file = await open(join(chain.input, 'usage-0000.csv'), 'w');
    const expected: string[] = [];
    let id = 0;
    const piece = async (): Promise<void> => {
      const lines: string[] = [];
      for (let i = 0; i < LINES_PER_PIECE; i++) {
        id++;
        const imsi = `2620100${String(id).padStart(8, '0')}`;
        lines.push(`${imsi},${id},internet,${id * 7}`);
        expected.push(`${imsi},${id},internet,${id * 7},eu`);
      }
      await file.write(`${lines.join('\n')}\n`);
      await file.sync();
    };
    await file.write('imsi,chargingId,apn,uplinkBytes\n');
    await piece();
    const run = startNarflow(['run', chain.config, '--idle-exit', '1']);
    try {
      for (let p = 1; p < PIECES; p++) {
        await sleep(PAUSE_MS);
        await piece();
      }
    } finally {
      await file.close();
    }
    const { code } = await run.exit;
    expect(code, run.output().slice(-2000)).toBe(0);
    const rows = await csvRows(chain.output);
    expect(rows.length).toBe(PIECES * LINES_PER_PIECE);
    expect([...rows].sort()).toEqual([...expected].sort());
  });
});
