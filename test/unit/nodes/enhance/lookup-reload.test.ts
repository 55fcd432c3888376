/**
 * Ensures lookup and range tables are reloaded without a restart when their file changes, on tick
 * time only, and that a broken new version keeps the old table and raises an alarm until fixed.
 */
import { rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enhanceEp } from '../../../../src/actors/nodes/ep/enhance.js';
import type { NodeHandler } from '../../../../src/actors/runtime/actor.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../../helpers/handler-context.js';
import { enhancer, runBatch, SEED_TABLE, settingsFor, tempDir, type TempDir } from './harness.js';

let tmp: TempDir;
let clock = 1_700_000_000;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(() => tmp.remove());

/** Writes a table with a modification time distinct from every earlier write (no same-ms ambiguity). */
async function writeTable(name: string, text: string): Promise<void> {
  await tmp.write(name, text);
  clock += 10;
  await utimes(path.join(tmp.dir, name), clock, clock);
}

async function tick(h: NodeHandler, now: number, out: Recorded): Promise<void> {
  await h.handleTick(now, recordingContext(out));
}

async function tariffOf(h: NodeHandler, apn: string): Promise<unknown> {
  const out = await runBatch(h, [{ apn }]);
  return out.emitted[0]?.['tariffClass'];
}

const LOOKUP = {
  reloadCheckMs: 1000,
  rules: [{ lookup: { file: 'apn.csv', key: 'apn', keyColumn: 'apn', columns: ['tariffClass'] } }],
};

describe('enhance-ep table reload', () => {
  it('ensures a changed file gives new values from the next due check, not before', async () => {
    await writeTable('apn.csv', 'apn,tariffClass\ninternet,B\n');
    const h = await enhancer(LOOKUP, tmp.dir);
    const out = recorded();
    await tick(h, 10_000, out); // first check: nothing changed
    await writeTable('apn.csv', 'apn,tariffClass\ninternet,C\nims,A\n');
    await tick(h, 10_500, out); // not due yet
    expect(await tariffOf(h, 'internet')).toBe('B');
    await tick(h, 11_000, out);
    expect(await tariffOf(h, 'internet')).toBe('C');
    expect(await tariffOf(h, 'ims')).toBe('A');
    expect(out.alarms.size).toBe(0);
  });

  it('ensures a broken file raises the alarm and keeps the old values, and a fixed file clears it', async () => {
    await writeTable('apn.csv', 'apn,tariffClass\ninternet,B\n');
    const h = await enhancer(LOOKUP, tmp.dir);
    const out = recorded();
    const file = path.join(tmp.dir, 'apn.csv');

    await writeTable('apn.csv', 'apn,tariffClass\ninternet,C\ninternet,D\n');
    await tick(h, 0, out);
    expect(await tariffOf(h, 'internet')).toBe('B');
    expect([...out.alarms]).toEqual([
      ['lookup_reload_failed', `${file}:3: key "internet" repeats the row on line 2`],
    ]);

    await tick(h, 1000, out); // still broken: no new alarm change
    await rm(file);
    await tick(h, 2000, out); // gone: still the old table
    expect(await tariffOf(h, 'internet')).toBe('B');
    expect(out.alarms.get('lookup_reload_failed')).toMatch(new RegExp(`^${file}: cannot read: .*ENOENT`));

    await writeTable('apn.csv', 'apn,tariffClass\ninternet,E\n');
    await tick(h, 3000, out);
    expect(await tariffOf(h, 'internet')).toBe('E');
    expect(out.alarms.size).toBe(0);
    expect(out.alarmChanges.map((c) => c.raised)).toEqual([true, true, false]);
  });

  it('ensures a file changed back to the version in effect clears the alarm without a reload', async () => {
    await writeTable('apn.csv', 'apn,tariffClass\ninternet,B\n');
    const h = await enhancer(LOOKUP, tmp.dir);
    const out = recorded();
    const good = h.snapshot() as { tables: Array<{ mtimeMs: number }> };
    await writeTable('apn.csv', 'broken');
    await tick(h, 0, out);
    expect(out.alarms.has('lookup_reload_failed')).toBe(true);
    await tmp.write('apn.csv', 'apn,tariffClass\ninternet,B\n');
    const mtime = (good.tables[0]?.mtimeMs ?? 0) / 1000;
    await utimes(path.join(tmp.dir, 'apn.csv'), mtime, mtime);
    await tick(h, 1000, out);
    expect(out.alarms.size).toBe(0);
  });

  it('ensures IP range tables reload the same way and only one alarm covers every failing table', async () => {
    await writeTable('apn.csv', 'apn,tariffClass\ninternet,B\n');
    await writeTable('ipgroups.txt', SEED_TABLE);
    const h = await enhancer(
      {
        reloadCheckMs: 1000,
        rules: [
          ...LOOKUP.rules,
          { ipGroup: { table: 'ipgroups.txt', source: 'srcIp', destination: 'group' } },
        ],
      },
      tmp.dir,
    );
    const out = recorded();
    await writeTable('ipgroups.txt', '192.235.34.15 192.235.34.12 1\n');
    await writeTable('apn.csv', 'apn\n');
    await tick(h, 0, out);
    const ipFile = path.join(tmp.dir, 'ipgroups.txt');
    const apnFile = path.join(tmp.dir, 'apn.csv');
    expect(out.alarms.get('lookup_reload_failed')).toBe(
      `${apnFile}:1: header has no column "tariffClass" (columns: apn); ` +
        `${ipFile}:1: range 192.235.34.15–192.235.34.12: start after end`,
    );
    const still = await runBatch(h, [{ srcIp: '192.235.34.5' }]);
    expect(still.emitted).toEqual([{ srcIp: '192.235.34.5', group: 1 }]);

    await writeTable('ipgroups.txt', '192.235.34.0 192.235.34.255 9\n');
    await tick(h, 1000, out);
    expect(out.alarms.get('lookup_reload_failed')).toBe(
      `${apnFile}:1: header has no column "tariffClass" (columns: apn)`,
    );
    const changed = await runBatch(h, [{ srcIp: '192.235.34.5' }]);
    expect(changed.emitted).toEqual([{ srcIp: '192.235.34.5', group: 9 }]);
  });

  it('ensures reloadCheckMs 0 never reloads', async () => {
    await writeTable('apn.csv', 'apn,tariffClass\ninternet,B\n');
    const h = await enhancer({ ...LOOKUP, reloadCheckMs: 0 }, tmp.dir);
    await writeTable('apn.csv', 'apn,tariffClass\ninternet,C\n');
    const out = recorded();
    await tick(h, 0, out);
    await tick(h, 60_000, out);
    expect(await tariffOf(h, 'internet')).toBe('B');
    expect(out.alarmChanges).toEqual([]);
  });

  it('ensures a table that cannot be read when the actor starts is a start error naming the file', async () => {
    await writeTable('apn.csv', 'apn,tariffClass\ninternet,B\n');
    const settings = await settingsFor(LOOKUP, tmp.dir);
    await writeTable('apn.csv', 'apn,tariffClass\nx\n');
    expect(() => enhanceEp.create(settings, nodeEnv(tmp.dir))).toThrow(
      `${path.join(tmp.dir, 'apn.csv')}:2: expected 2 fields like the header, got 1`,
    );
  });
});
