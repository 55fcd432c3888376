/** Ensures the handler's state survives snapshot → msgpack → init, and a bad snapshot is refused. */
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enhanceEp } from '../../../../src/actors/nodes/ep/enhance.js';
import { EnhanceSnapshotError } from '../../../../src/actors/nodes/ep/rules/table-reload.js';
import { packValue, unpackValue } from '../../../../src/protocols/nar/batch.js';
import { nodeEnv, recorded, recordingContext } from '../../../helpers/handler-context.js';
import { runBatch, settingsFor, tempDir, type TempDir } from './harness.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
  await tmp.write('apn.csv', 'apn,tariffClass\ninternet,B\n');
  await utimes(path.join(tmp.dir, 'apn.csv'), 1_700_000_000, 1_700_000_000);
});
afterEach(() => tmp.remove());

const RAW = {
  reloadCheckMs: 1000,
  rules: [{ lookup: { file: 'apn.csv', key: 'apn', keyColumn: 'apn', columns: ['tariffClass'] } }],
};

describe('enhance-ep snapshot', () => {
  it('ensures the next check time and table versions round-trip, so a restored actor checks when the first would have', async () => {
    const settings = await settingsFor(RAW, tmp.dir);
    const first = enhanceEp.create(settings, nodeEnv(tmp.dir));
    await first.init(undefined);
    await first.handleTick(5000, recordingContext(recorded())); // checked; next check due at 6000
    const snap = unpackValue(packValue(first.snapshot()));
    expect(snap).toEqual({
      nextCheckMs: 6000,
      tables: [{ file: path.join(tmp.dir, 'apn.csv'), mtimeMs: 1_700_000_000_000, size: 27 }],
    });

    await tmp.write('apn.csv', 'apn,tariffClass\ninternet,C\n');
    await utimes(path.join(tmp.dir, 'apn.csv'), 1_700_000_100, 1_700_000_100);
    const second = enhanceEp.create(settings, nodeEnv(tmp.dir));
    await second.init(snap);
    expect(second.snapshot()).toEqual({
      nextCheckMs: 6000,
      tables: [{ file: path.join(tmp.dir, 'apn.csv'), mtimeMs: 1_700_000_100_000, size: 27 }],
    });
    expect(second.held()).toBe(0);
    // Created after the change, it reads the new table; the restored check time stands.
    expect((await runBatch(second, [{ apn: 'internet' }])).emitted).toEqual([
      { apn: 'internet', tariffClass: 'C' },
    ]);
  });

  it('ensures a snapshot of another shape is refused with a coded error', async () => {
    const h = enhanceEp.create(await settingsFor(RAW, tmp.dir), nodeEnv(tmp.dir));
    expect(() => h.init({ nextCheck: 5 })).toThrow(EnhanceSnapshotError);
    expect(() => h.init({ nextCheckMs: 'x', tables: [] })).toThrow(/enhance-ep snapshot: expected/);
    expect(() => h.init(null)).not.toThrow();
  });

  it('ensures a restored due time is honoured: no check before it', async () => {
    const settings = await settingsFor(RAW, tmp.dir);
    const h = enhanceEp.create(settings, nodeEnv(tmp.dir));
    await h.init({ nextCheckMs: 9000, tables: [] });
    await tmp.write('apn.csv', 'apn,tariffClass\ninternet,D\n');
    await utimes(path.join(tmp.dir, 'apn.csv'), 1_700_000_200, 1_700_000_200);
    await h.handleTick(8999, recordingContext(recorded()));
    expect((await runBatch(h, [{ apn: 'internet' }])).emitted[0]?.['tariffClass']).toBe('B');
    await h.handleTick(9000, recordingContext(recorded()));
    expect((await runBatch(h, [{ apn: 'internet' }])).emitted[0]?.['tariffClass']).toBe('D');
  });
});
