/** Ensures the rules run in the order written, the example of the node's documentation included. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enhance, SEED_TABLE, tempDir, type TempDir } from './harness.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
  await tmp.write('ipgroups.txt', SEED_TABLE);
  await tmp.write('apn.csv', 'apn,tariffClass,operator\ninternet,B,telia\n');
});
afterEach(() => tmp.remove());

describe('enhance-ep rule chain', () => {
  it('ensures a rule sees the record as the rules before it left it', async () => {
    const renameThenSet = await enhance(
      [{ rename: { from: 'apn', to: 'accessPointName' } }, { set: 'copy', copy: 'apn' }],
      [{ apn: 'internet' }],
    );
    expect(renameThenSet.emitted).toEqual([{ accessPointName: 'internet', copy: null }]);
    const setThenRename = await enhance(
      [{ set: 'copy', copy: 'apn' }, { rename: { from: 'apn', to: 'accessPointName' } }],
      [{ apn: 'internet' }],
    );
    expect(setThenRename.emitted).toEqual([{ copy: 'internet', accessPointName: 'internet' }]);
  });

  it('ensures the documented example chain gives the documented records', async () => {
    const rules = [
      { set: 'zone', value: 'eu' },
      { set: 'heavy', value: true, when: 'uplinkBytes > 1000000' },
      { set: 'msisdnCopy', copy: 'msisdn' },
      { lookup: { file: 'apn.csv', key: 'apn', keyColumn: 'apn', columns: ['tariffClass', 'operator'] } },
      { rename: { from: 'apn', to: 'accessPointName' } },
      { drop: ['imei', 'servedPdpAddress'] },
      { ipGroup: { table: 'ipgroups.txt', source: 'srcIp', destination: 'group', type: 'integer' } },
      { filter: { drop: 'accessPointName == "test"' } },
      {
        split: {
          when: 'exists(uplinkBytes) and exists(downlinkBytes)',
          parts: [
            {
              set: { direction: { value: 'up' }, bytes: { copy: 'uplinkBytes' } },
              drop: ['uplinkBytes', 'downlinkBytes'],
            },
            {
              set: { direction: { value: 'down' }, bytes: { copy: 'downlinkBytes' } },
              drop: ['uplinkBytes', 'downlinkBytes'],
            },
          ],
        },
      },
      { keep: ['imsi', 'bytes', 'group', 'direction', 'heavy', 'tariffClass'] },
      { route: { channel: 'heavy', when: 'bytes >= 1000000' } },
    ];
    const out = await enhance(
      rules,
      [
        {
          imsi: '24001',
          msisdn: '4670',
          imei: '35',
          apn: 'internet',
          srcIp: '192.235.34.5',
          uplinkBytes: 2_000_000n,
          downlinkBytes: 30n,
        },
        { imsi: '24002', apn: 'test', srcIp: '192.235.34.5' },
      ],
      tmp.dir,
    );
    expect(out.emitted).toEqual([
      { imsi: '24001', heavy: true, tariffClass: 'B', group: 1, direction: 'up', bytes: 2_000_000n },
      { imsi: '24001', heavy: true, tariffClass: 'B', group: 1, direction: 'down', bytes: 30n },
    ]);
    expect(out.channels).toEqual(['heavy', 'default']);
    expect(out.counts).toMatchObject({ created: 1, filtered: 1, quarantined: 0 });
  });
});
