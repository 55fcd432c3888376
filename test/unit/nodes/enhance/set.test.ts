import { describe, expect, it } from 'vitest';
import { enhance } from './harness.js';

describe('enhance-ep set rule', () => {
  it('ensures a constant is added to every record and replaces an existing value', async () => {
    const out = await enhance([{ set: 'zone', value: 'eu' }], [{ imsi: '1' }, { imsi: '2', zone: 'us' }]);
    expect(out.emitted).toEqual([
      { imsi: '1', zone: 'eu' },
      { imsi: '2', zone: 'eu' },
    ]);
  });

  it('ensures a conditional set applies only where the condition holds', async () => {
    const out = await enhance(
      [{ set: 'heavy', value: true, when: 'uplinkBytes > 1000000' }],
      [{ uplinkBytes: 2_000_000n }, { uplinkBytes: 5n }, { imsi: 'x' }],
    );
    expect(out.emitted).toEqual([
      { uplinkBytes: 2_000_000n, heavy: true },
      { uplinkBytes: 5n },
      { imsi: 'x' },
    ]);
  });

  it('ensures copy takes the value of another attribute, and null when it is missing', async () => {
    const out = await enhance([{ set: 'msisdnCopy', copy: 'msisdn' }], [{ msisdn: '4670' }, { imsi: '1' }]);
    expect(out.emitted).toEqual([
      { msisdn: '4670', msisdnCopy: '4670' },
      { imsi: '1', msisdnCopy: null },
    ]);
  });

  it('ensures set rules apply in order, so a later rule sees an earlier one', async () => {
    const out = await enhance(
      [
        { set: 'zone', value: 'eu' },
        { set: 'zoneCopy', copy: 'zone' },
        { set: 'zone', value: 'us', when: 'zoneCopy == "eu"' },
      ],
      [{}],
    );
    expect(out.emitted).toEqual([{ zone: 'us', zoneCopy: 'eu' }]);
  });
});
