/**
 * Ensures a reloadable table file is never taken half-written: a changed version is read only once
 * it has been left alone for the settle time (or, dated in the future, seen twice alike), a read
 * during which the file changed is discarded, and a broken version keeps the table in effect.
 */
import { writeFileSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RulesFileError } from '../../../../src/actors/nodes/rules-errors.js';
import { TableFile } from '../../../../src/actors/nodes/ep/rules/table-file.js';
import { tempDir, type TempDir } from './harness.js';

const T0 = 1_800_000_000_000; // wall clock of the tests, in ms

/** One row per line; a line "broken" does not parse. */
function parseRows(text: string, file: string): string[] {
  const rows = text.split('\n').filter((l) => l !== '');
  const bad = rows.indexOf('broken');
  if (bad >= 0) throw new RulesFileError([{ file, line: bad + 1, message: 'broken row' }]);
  return rows;
}

let tmp: TempDir;
let file: string;
let now = T0;
beforeEach(async () => {
  tmp = await tempDir();
  now = T0;
  file = await tmp.write('rows.txt', 'a\nb\n');
  await utimes(file, (T0 - 60_000) / 1000, (T0 - 60_000) / 1000);
});
afterEach(() => tmp.remove());

/** Writes the file as an editor rewriting in place would, dated `atMs` of the test clock. */
async function rewrite(text: string, atMs: number): Promise<void> {
  await writeFile(file, text);
  await utimes(file, atMs / 1000, atMs / 1000);
}

function table(): TableFile<string[]> {
  return new TableFile(file, parseRows, { settleMs: 1000, now: () => now });
}

describe('TableFile', () => {
  it('ensures a version changed less than the settle time ago is not read, and is once it has been left alone', async () => {
    const t = table();
    await rewrite('a\nb\nc\n', T0 - 400);
    expect(await t.reloadIfChanged()).toMatchObject({ status: 'settling' });
    expect(t.current).toEqual(['a', 'b']);
    now = T0 + 599;
    expect((await t.reloadIfChanged()).status).toBe('settling');
    now = T0 + 600;
    expect(await t.reloadIfChanged()).toMatchObject({ status: 'reloaded', version: { size: 6 } });
    expect(t.current).toEqual(['a', 'b', 'c']);
    expect((await t.reloadIfChanged()).status).toBe('unchanged');
  });

  it('ensures a file seen truncated during an in-place rewrite never becomes the table', async () => {
    const t = table();
    await rewrite('', T0);
    expect((await t.reloadIfChanged()).status).toBe('settling');
    now = T0 + 200; // the writer finishes: a new version, itself not yet settled
    await rewrite('x\ny\n', T0 + 150);
    expect((await t.reloadIfChanged()).status).toBe('settling');
    expect(t.current).toEqual(['a', 'b']);
    now = T0 + 1200;
    expect((await t.reloadIfChanged()).status).toBe('reloaded');
    expect(t.current).toEqual(['x', 'y']);
  });

  it('ensures a read during which the file changed is discarded and the newer version read later', async () => {
    let changeDuringCheck = true;
    const t = new TableFile(file, parseRows, {
      settleMs: 1000,
      now: () => {
        // Called between the stat and the read: a writer gets in there.
        if (changeDuringCheck) {
          changeDuringCheck = false;
          writeFileSync(file, 'half');
        }
        return now;
      },
    });
    await rewrite('p\nq\n', T0 - 5000);
    expect(await t.reloadIfChanged()).toMatchObject({ status: 'settling', version: { size: 4 } });
    expect(t.current).toEqual(['a', 'b']);
    // The clock of the test passes the file's real modification time by more than settleMs (by exactly
    // settleMs it could fall short: Date.now() drops the fraction of a millisecond that mtimeMs keeps).
    now = Date.now() + 2000;
    expect((await t.reloadIfChanged()).status).toBe('reloaded');
    expect(t.current).toEqual(['half']);
  });

  it('ensures a version dated in the future is read once two checks in a row see it alike', async () => {
    const t = table();
    await rewrite('f\n', T0 + 3_600_000);
    expect((await t.reloadIfChanged()).status).toBe('settling');
    await rewrite('g\n', T0 + 3_600_001);
    expect((await t.reloadIfChanged()).status).toBe('settling');
    expect(t.current).toEqual(['a', 'b']);
    expect((await t.reloadIfChanged()).status).toBe('reloaded');
    expect(t.current).toEqual(['g']);
  });

  it('ensures a broken version, once settled, fails naming the file and line and keeps the table, until it changes', async () => {
    const t = table();
    await rewrite('a\nbroken\n', T0 - 100);
    expect((await t.reloadIfChanged()).status).toBe('settling');
    now = T0 + 1000;
    expect(await t.reloadIfChanged()).toEqual({ status: 'failed', reason: `${file}:2: broken row` });
    expect(await t.reloadIfChanged()).toEqual({ status: 'failed', reason: `${file}:2: broken row` });
    expect(t.current).toEqual(['a', 'b']);
    await rewrite('a\nfixed\n', T0 + 500);
    expect((await t.reloadIfChanged()).status).toBe('settling');
    now = T0 + 1500;
    expect((await t.reloadIfChanged()).status).toBe('reloaded');
    expect(t.current).toEqual(['a', 'fixed']);
  });
});
