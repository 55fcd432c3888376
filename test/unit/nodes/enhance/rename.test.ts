import { describe, expect, it } from 'vitest';
import { enhance } from './harness.js';

describe('enhance-ep rename rule', () => {
  it('ensures the attribute moves to the new name and a record without it is unchanged', async () => {
    const out = await enhance(
      [{ rename: { from: 'apn', to: 'accessPointName' } }],
      [{ apn: 'internet', imsi: '1' }, { imsi: '2' }],
    );
    expect(out.emitted).toEqual([{ imsi: '1', accessPointName: 'internet' }, { imsi: '2' }]);
  });

  it('ensures a rename onto an existing attribute replaces it, and a rename to itself keeps it', async () => {
    const out = await enhance(
      [{ rename: { from: 'a', to: 'b' } }, { rename: { from: 'b', to: 'b' } }],
      [{ a: 1, b: 2 }],
    );
    expect(out.emitted).toEqual([{ b: 1 }]);
  });
});
