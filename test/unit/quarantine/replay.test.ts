import { describe, expect, it } from 'vitest';
import { selectForReplay } from '../../../src/actors/quarantine/replay.js';
import { QuarantineReader, QuarantineWriter } from '../../../src/actors/quarantine/store.js';
import { entry, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const opts = { groupCommitMs: 0 };

async function fill(dir: string): Promise<QuarantineReader> {
  const b = await QuarantineWriter.open(dir, 'oe-3.1', opts);
  const a = await QuarantineWriter.open(dir, 'ei-1.0', opts);
  b.append(entry(2, 0, { node: 'oe-3', reason: 'bad_record' }));
  b.append(entry(10, 0, { node: 'oe-3', reason: 'bad_record' }));
  a.append(entry(4, 0, { node: 'ei-1', reason: 'ber_truncated' }));
  a.append(entry(4, 1, { node: 'ei-1', reason: 'bad_length' }));
  a.append(entry(30, 0, { node: 'ei-1', reason: 'ber_truncated' }));
  await Promise.all([a.close(), b.close()]);
  return new QuarantineReader(dir);
}

describe('selectForReplay', () => {
  it('returns pending entries in actor, position, ordinal order', async () => {
    const r = await fill(await tempDir());
    expect((await selectForReplay(r)).map((e) => e.id)).toEqual([
      'ei-1.0:4:0',
      'ei-1.0:4:1',
      'ei-1.0:30:0',
      'oe-3.1:2:0',
      'oe-3.1:10:0',
    ]);
  });

  it('leaves out entries already replayed, so nothing is replayed twice', async () => {
    const r = await fill(await tempDir());
    const first = await selectForReplay(r, { node: 'ei-1', reason: 'ber_truncated' });
    expect(first.map((e) => e.id)).toEqual(['ei-1.0:4:0', 'ei-1.0:30:0']);
    await r.markReplayed(
      first.map((e) => e.id),
      1,
    );
    expect(await selectForReplay(r, { node: 'ei-1', reason: 'ber_truncated' })).toEqual([]);
    expect((await selectForReplay(r, { node: 'ei-1' })).map((e) => e.id)).toEqual(['ei-1.0:4:1']);
  });

  it('selects by id, in store order whatever the order asked, and rejects unknown ids', async () => {
    const r = await fill(await tempDir());
    const picked = await selectForReplay(r, { ids: ['oe-3.1:10:0', 'ei-1.0:30:0', 'ei-1.0:4:1'] });
    expect(picked.map((e) => e.id)).toEqual(['ei-1.0:4:1', 'ei-1.0:30:0', 'oe-3.1:10:0']);
    await expect(selectForReplay(r, { ids: ['oe-3.1:11:0'] })).rejects.toMatchObject({ code: 'unknown_id' });
  });
});
