import { describe, expect, it } from 'vitest';
import { enhanceEp } from '../../../../src/actors/nodes/ep/enhance.js';
import { enhanceSettings } from '../../../../src/actors/nodes/ep/rules/schema.js';
import { enhance } from './harness.js';

const ROUTES = [
  { route: { channel: 'heavy', when: 'bytes >= 1000000' } },
  { route: { channel: 'roaming', when: 'exists(visitedPlmn)' } },
];

describe('enhance-ep route rule', () => {
  it('ensures the first matching route picks the channel and others go to default', async () => {
    const out = await enhance(ROUTES, [
      { bytes: 2_000_000n, visitedPlmn: '24001' },
      { bytes: 5n, visitedPlmn: '24001' },
      { bytes: 5n },
    ]);
    expect(out.channels).toEqual(['heavy', 'roaming', 'default']);
    expect(out.emitted).toHaveLength(3);
  });

  it('ensures rules after a route still apply and the record is emitted once', async () => {
    const out = await enhance(
      [ROUTES[0], { set: 'routed', value: true }, { route: { channel: 'all' } }],
      [{ bytes: 2_000_000 }, { bytes: 1 }],
    );
    expect(out.emitted).toEqual([
      { bytes: 2_000_000, routed: true },
      { bytes: 1, routed: true },
    ]);
    expect(out.channels).toEqual(['heavy', 'all']);
  });

  it('ensures a route to default holds records back from the routes after it', async () => {
    const out = await enhance(
      [{ route: { channel: 'default', when: 'apn == "ims"' } }, { route: { channel: 'rest' } }],
      [{ apn: 'ims' }, { apn: 'internet' }],
    );
    expect(out.channels).toEqual(['default', 'rest']);
  });

  it("ensures the node type's channels are the named route channels, each once, without default", () => {
    const settings = enhanceSettings.parse({
      rules: [
        ...ROUTES,
        { route: { channel: 'heavy' } },
        { route: { channel: 'default' } },
        { set: 'a', value: 1 },
      ],
    });
    expect(enhanceEp.channels?.(settings)).toEqual(['heavy', 'roaming']);
    expect(enhanceEp.channels?.(enhanceSettings.parse({ rules: [{ drop: ['a'] }] }))).toEqual([]);
  });
});
