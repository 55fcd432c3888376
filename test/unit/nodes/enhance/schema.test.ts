import { describe, expect, it } from 'vitest';
import { enhanceSettings } from '../../../../src/actors/nodes/ep/rules/schema.js';

function issues(raw: unknown): string[] {
  const r = enhanceSettings.safeParse(raw);
  if (r.success) throw new Error('accepted');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('enhance-ep settings schema', () => {
  it('ensures the parsed settings are plain data that parse again to themselves', () => {
    const once = enhanceSettings.parse({
      rules: [
        { set: 'a', value: 1, when: 'b == 2' },
        { lookup: { file: '/t/apn.csv', key: 'apn', keyColumn: 'apn', columns: ['x'] } },
        { ipGroup: { table: '/t/ip.txt', source: 'srcIp', destination: 'group' } },
        { split: { parts: [{ set: { d: { value: 'up' } } }, { drop: ['x'] }] } },
        { filter: { keep: 'exists(a)' } },
        { route: { channel: 'heavy' } },
      ],
    });
    expect(enhanceSettings.parse(once)).toEqual(once);
    expect(structuredClone(once)).toEqual(once);
    expect(once.reloadCheckMs).toBe(5000);
  });

  it('ensures each rule kind rejects its own mistakes', () => {
    expect(issues({ rules: [] })).toEqual([expect.stringMatching(/^rules: /)]);
    expect(issues({ rules: [{ set: 'a', value: 1, copy: 'b' }] })).toEqual([
      'rules.0: a set rule with exactly one of value or copy',
    ]);
    expect(issues({ rules: [{ set: '1a', value: 1 }] })).toEqual([
      'rules.0.set: an attribute name (letters, digits, _; not starting with a digit)',
    ]);
    expect(issues({ rules: [{ filter: { drop: 'a == 1', keep: 'b == 2' } }] })).toEqual([
      'rules.0.filter: exactly one of drop or keep',
    ]);
    expect(issues({ rules: [{ split: { parts: [{ drop: ['a'] }] } }] })).toEqual([
      expect.stringMatching(/^rules\.0\.split\.parts: /),
    ]);
    expect(issues({ rules: [{ split: { parts: [{ set: { a: {} } }, {}] } }] })).toEqual([
      'rules.0.split.parts.0.set.a: exactly one of value or copy',
    ]);
    expect(issues({ rules: [{ route: { channel: 'a b' } }] })).toEqual([
      'rules.0.route.channel: a channel name (letters, digits, _ . -)',
    ]);
    expect(
      issues({
        rules: [{ lookup: { file: 'f', key: 'k', keyColumn: 'k', columns: ['c'], onMissing: 'drop' } }],
      }),
    ).toEqual([expect.stringMatching(/^rules\.0\.lookup\.onMissing: /)]);
    expect(issues({ rules: [{}] })).toEqual([
      'rules.0: exactly one rule kind (set, rename, drop, keep, lookup, ipGroup, filter, split, route)',
    ]);
    expect(issues({ reloadCheckMs: -1, rules: [{ drop: ['a'] }] })).toEqual([
      expect.stringMatching(/^reloadCheckMs: /),
    ]);
  });
});
