import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unpackValue } from '../../../../src/protocols/nar/batch.js';
import { recorded, recordingContext } from '../../../helpers/handler-context.js';
import { enhance, enhancer, SEED_TABLE, tempDir, type TempDir } from './harness.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
  await tmp.write('ipgroups.txt', SEED_TABLE);
});
afterEach(() => tmp.remove());

const rule = (extra: Record<string, unknown> = {}) => ({
  ipGroup: { table: 'ipgroups.txt', source: 'srcIp', destination: 'group', ...extra },
});

describe('enhance-ep ipGroup rule (seed IP-to-group enhancer)', () => {
  it('ensures the group of the source address is written to the destination as an integer', async () => {
    const out = await enhance(
      [rule()],
      [{ srcIp: '192.235.34.5' }, { srcIp: '192.235.35.200' }, { srcIp: '192.235.34.0' }],
      tmp.dir,
    );
    expect(out.emitted).toEqual([
      { srcIp: '192.235.34.5', group: 1 },
      { srcIp: '192.235.35.200', group: 6 },
      { srcIp: '192.235.34.0' },
    ]);
    expect(out.counts.filtered).toBe(0);
  });

  it('ensures type string writes the group as text', async () => {
    const out = await enhance([rule({ type: 'string' })], [{ srcIp: '192.235.34.12' }], tmp.dir);
    expect(out.emitted).toEqual([{ srcIp: '192.235.34.12', group: '2' }]);
  });

  it('ensures onMissing filter drops records whose address is in no range, missing or not an IP', async () => {
    const out = await enhance(
      [rule({ onMissing: 'filter' })],
      [
        { srcIp: '192.235.34.21' },
        { srcIp: '8.8.8.8' },
        { imsi: '1' },
        { srcIp: 'garbage' },
        { srcIp: 3232235521 },
      ],
      tmp.dir,
    );
    expect(out.emitted).toEqual([{ srcIp: '192.235.34.21', group: 4 }]);
    expect(out.counts.filtered).toBe(4);
  });

  it('ensures onMissing quarantine keeps the record with reason ip_group_missing and the address', async () => {
    const out = await enhance(
      [{ set: 'zone', value: 'eu' }, rule({ onMissing: 'quarantine' })],
      [{ srcIp: '10.0.0.1' }, { imsi: '7' }, { srcIp: '192.235.34.1' }],
      tmp.dir,
    );
    expect(out.emitted).toEqual([{ srcIp: '192.235.34.1', zone: 'eu', group: 1 }]);
    expect(out.counts.quarantined).toBe(2);
    expect(out.quarantined.map((q) => [q.reason, q.detail])).toEqual([
      ['ip_group_missing', { rule: 1, attribute: 'srcIp', address: '10.0.0.1' }],
      ['ip_group_missing', { rule: 1, attribute: 'srcIp', address: null }],
    ]);
  });

  it('ensures the quarantined raw bytes are the packed record as it was at the rule', async () => {
    const h = await enhancer(
      { rules: [{ set: 'zone', value: 'eu' }, rule({ onMissing: 'quarantine' })] },
      tmp.dir,
    );
    const raws: Array<Uint8Array | string> = [];
    const ctx = {
      ...recordingContext(recorded()),
      quarantine: (raw: Uint8Array | string) => void raws.push(raw),
    };
    await h.handleBatch([{ srcIp: '10.0.0.1' }], ctx);
    expect(raws).toHaveLength(1);
    expect(unpackValue(raws[0] as Uint8Array)).toEqual({ srcIp: '10.0.0.1', zone: 'eu' });
  });
});
