import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestCsvFiles, sameRows, sumDigests, type RowDigest } from '../../../bench/row-digest.js';
import { prng } from '../../helpers/narflow-process.js';

let dir = '';
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'narflow-row-digest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes each text as a file (header line first) and digests them. */
async function digest(...texts: string[]): Promise<RowDigest> {
  const files: string[] = [];
  for (const t of texts) {
    const f = join(dir, `f${n++}.csv`);
    await writeFile(f, t);
    files.push(f);
  }
  return digestCsvFiles(files);
}

const csv = (rows: readonly string[], end = '\n'): string => `a,b,c\n${rows.join('\n')}${end}`;

describe('bench row digest', () => {
  it('is the same for the same rows in any order, over any split into files, and differs otherwise', async () => {
    const rows = ['1,x,10', '2,y,20', '3,z,30', '2,y,20'];
    const whole = await digest(csv(rows));
    expect(whole.rows).toBe(4);
    expect(sameRows(await digest(csv([...rows].reverse())), whole)).toBe(true);
    // Split over files, without a final newline, with empty lines.
    expect(sameRows(await digest(csv(rows.slice(0, 1), ''), csv(['', ...rows.slice(1), ''])), whole)).toBe(
      true,
    );
    // A header only adds nothing.
    expect(sameRows(await digest(csv(rows), 'h\n', 'h'), whole)).toBe(true);
    // A repeat fewer, a repeat more, a row changed, a row swapped for another.
    expect(sameRows(await digest(csv(rows.slice(0, 3))), whole)).toBe(false);
    expect(sameRows(await digest(csv([...rows, '1,x,10'])), whole)).toBe(false);
    expect(sameRows(await digest(csv(['1,x,10', '2,y,20', '3,z,31', '2,y,20'])), whole)).toBe(false);
    const swapped = await digest(csv(['1,x,10', '2,y,20', '3,z,30', '3,z,30']));
    expect(swapped.rows).toBe(4);
    expect(sameRows(swapped, whole)).toBe(false);
  });

  it('reads rows across chunk boundaries of a large file as a row-per-file reading does', async () => {
    const rand = prng(5);
    const rows = Array.from(
      { length: 60_000 },
      (_, i) => `${i},${'x'.repeat(Math.floor(rand() * 40))},${rand()}`,
    );
    const big = await digest(csv(rows));
    expect(big.rows).toBe(rows.length);
    // The same rows shuffled, in 60 files of 1,000.
    const shuffled = [...rows].sort(() => rand() - 0.5);
    const parts = Array.from({ length: 60 }, (_, i) => csv(shuffled.slice(i * 1000, (i + 1) * 1000)));
    expect(sameRows(await digest(...parts), big)).toBe(true);
    // Files digested one by one and summed: the same as read together.
    expect(sameRows(sumDigests(await Promise.all(parts.map((p) => digest(p)))), big)).toBe(true);
    const oneChanged = [...rows];
    oneChanged[33_333] = `${oneChanged[33_333]}0`;
    expect(sameRows(await digest(csv(oneChanged)), big)).toBe(false);
  });
});
