import { describe, expect, it } from 'vitest';
import { enhance } from './harness.js';

describe('enhance-ep drop and keep rules', () => {
  it('ensures drop removes the listed attributes and ignores absent ones', async () => {
    const out = await enhance(
      [{ drop: ['imei', 'servedPdpAddress'] }],
      [{ imsi: '1', imei: '35', servedPdpAddress: '10.0.0.1' }, { imsi: '2' }],
    );
    expect(out.emitted).toEqual([{ imsi: '1' }, { imsi: '2' }]);
  });

  it('ensures keep removes every attribute it does not list', async () => {
    const out = await enhance(
      [{ keep: ['imsi', 'bytes', 'group'] }],
      [{ imsi: '1', bytes: 10n, apn: 'x', imei: '35', group: 4 }],
    );
    expect(out.emitted).toEqual([{ imsi: '1', bytes: 10n, group: 4 }]);
    // Removed attributes read as absent (undefined); they are not deleted (see drop.ts).
    const kept = Object.entries(out.emitted[0] ?? {}).filter(([, v]) => v !== undefined);
    expect(kept.map(([k]) => k)).toEqual(['imsi', 'bytes', 'group']);
  });

  it('ensures neither rule takes records out of the stream', async () => {
    const out = await enhance([{ keep: ['nothing'] }], [{ a: 1 }, { b: 2 }]);
    expect(out.emitted).toEqual([{}, {}]);
    expect(out.counts.filtered).toBe(0);
  });
});
