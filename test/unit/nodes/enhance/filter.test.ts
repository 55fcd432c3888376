import { describe, expect, it } from 'vitest';
import { enhance } from './harness.js';

describe('enhance-ep filter rule', () => {
  it('ensures filter drop removes matching records and counts them as filtered', async () => {
    const out = await enhance(
      [{ filter: { drop: 'apn == "test"' } }],
      [{ apn: 'test' }, { apn: 'internet' }, { imsi: '1' }, { apn: 'test', imsi: '2' }],
    );
    expect(out.emitted).toEqual([{ apn: 'internet' }, { imsi: '1' }]);
    expect(out.counts.filtered).toBe(2);
  });

  it('ensures filter keep removes every record the condition does not hold for', async () => {
    const out = await enhance(
      [{ filter: { keep: 'bytes >= 100 and exists(imsi)' } }],
      [{ bytes: 100n, imsi: '1' }, { bytes: 99n, imsi: '2' }, { bytes: 500 }, { imsi: '3' }],
    );
    expect(out.emitted).toEqual([{ bytes: 100n, imsi: '1' }]);
    expect(out.counts.filtered).toBe(3);
  });

  it('ensures a filtered record is not seen by later rules', async () => {
    const out = await enhance(
      [{ filter: { drop: 'apn == "test"' } }, { set: 'seen', value: true }],
      [{ apn: 'test' }, { apn: 'x' }],
    );
    expect(out.emitted).toEqual([{ apn: 'x', seen: true }]);
  });
});
