import { describe, expect, it } from 'vitest';
import type { Recorded } from '../../../helpers/handler-context.js';
import { enhance } from './harness.js';

const UP_DOWN = {
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
};

/** in + created = out + filtered + quarantined for a stateless node (nothing held). */
function balanced(out: Recorded, inputs: number): void {
  expect(inputs + out.counts.created).toBe(out.emitted.length + out.counts.filtered + out.counts.quarantined);
}

describe('enhance-ep split rule', () => {
  it('ensures a matching record becomes one record per part, in part order, copies taken before any part applies', async () => {
    const out = await enhance(
      [UP_DOWN],
      [
        { imsi: '1', uplinkBytes: 10n, downlinkBytes: 20n },
        { imsi: '2', uplinkBytes: 5n },
      ],
    );
    expect(out.emitted).toEqual([
      { imsi: '1', direction: 'up', bytes: 10n },
      { imsi: '1', direction: 'down', bytes: 20n },
      { imsi: '2', uplinkBytes: 5n },
    ]);
    expect(out.counts.created).toBe(1);
    balanced(out, 2);
  });

  it('ensures a split with n parts counts n - 1 created per split record and no when splits every record', async () => {
    const out = await enhance(
      [
        {
          split: {
            parts: [{ set: { n: { value: 1 } } }, { set: { n: { value: 2 } } }, { set: { n: { value: 3 } } }],
          },
        },
      ],
      [{ a: 1 }, { a: 2 }],
    );
    expect(out.emitted.map((r) => [r['a'], r['n']])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    expect(out.counts.created).toBe(4);
    balanced(out, 2);
  });

  it('ensures later rules apply to every part: filtered parts, routed parts, and a second split', async () => {
    const out = await enhance(
      [
        { route: { channel: 'early', when: 'imsi == "9"' } },
        UP_DOWN,
        { filter: { drop: 'bytes == 0' } },
        { route: { channel: 'heavy', when: 'bytes >= 1000' } },
        {
          split: {
            when: 'direction == "down"',
            parts: [{ set: { copy: { value: 1 } } }, { set: { copy: { value: 2 } } }],
          },
        },
      ],
      [
        { imsi: '1', uplinkBytes: 0n, downlinkBytes: 5000n },
        { imsi: '9', uplinkBytes: 7n, downlinkBytes: 8n },
      ],
    );
    expect(out.emitted).toEqual([
      { imsi: '1', direction: 'down', bytes: 5000n, copy: 1 },
      { imsi: '1', direction: 'down', bytes: 5000n, copy: 2 },
      { imsi: '9', direction: 'up', bytes: 7n },
      { imsi: '9', direction: 'down', bytes: 8n, copy: 1 },
      { imsi: '9', direction: 'down', bytes: 8n, copy: 2 },
    ]);
    expect(out.channels).toEqual(['heavy', 'heavy', 'early', 'early', 'early']);
    expect(out.counts.created).toBe(4);
    expect(out.counts.filtered).toBe(1);
    balanced(out, 2);
  });
});
