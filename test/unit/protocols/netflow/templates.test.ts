/** The template cache: learn/refresh/replace, withdrawal, expiry, bounds with eviction, snapshot/restore. */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../src/protocols/errors.js';
import { TemplateCache, type CachedTemplate } from '../../../../src/protocols/netflow/index.js';

const t = (templateId: number, over: Partial<CachedTemplate> = {}): CachedTemplate => ({
  version: 10,
  exporter: '192.0.2.1',
  observationDomainId: 1,
  templateId,
  scopeFieldCount: 0,
  fields: [
    { id: 8, length: 4 },
    { id: 1, length: 8 },
  ],
  learnedAt: 1000,
  ...over,
});

describe('TemplateCache', () => {
  it('ensures learning reports new, refreshed and replaced and compiles a plan', () => {
    const c = new TemplateCache();
    expect(c.learn(t(256))).toBe('new');
    expect(c.learn(t(256, { learnedAt: 2000 }))).toBe('refreshed');
    expect(c.learn(t(256, { fields: [{ id: 12, length: 4 }] }))).toBe('replaced');
    const got = c.get(10, '192.0.2.1', 1, 256);
    expect(got?.template.fields).toEqual([{ id: 12, length: 4 }]);
    expect(got?.plan.fields.map((f) => f.key)).toEqual(['destinationIPv4Address']);
    expect(c.get(9, '192.0.2.1', 1, 256)).toBeUndefined();
    expect(c.get(10, '192.0.2.1', 2, 256)).toBeUndefined();
  });

  it('ensures the cache keeps its own copy of a learned template', () => {
    const c = new TemplateCache();
    const def = t(256);
    c.learn(def);
    (def.fields[0] as { id: number }).id = 99;
    expect(c.get(10, '192.0.2.1', 1, 256)?.template.fields[0]?.id).toBe(8);
  });

  it('ensures withdraw, withdrawAll by kind and expiry remove what they say', () => {
    const c = new TemplateCache();
    c.learn(t(256));
    c.learn(t(257));
    c.learn(t(258, { scopeFieldCount: 1 }));
    c.learn(t(259, { observationDomainId: 2 }));
    expect(c.withdraw(10, '192.0.2.1', 1, 256)).toBe(true);
    expect(c.withdraw(10, '192.0.2.1', 1, 256)).toBe(false);
    expect(c.withdrawAll(10, '192.0.2.1', 1, true)).toBe(1);
    expect(c.withdrawAll(10, '192.0.2.1', 1, false)).toBe(1);
    expect(c.size).toBe(1);
    c.learn(t(260, { learnedAt: 5000 }));
    expect(c.expireOlderThan(2000)).toBe(1);
    expect(c.get(10, '192.0.2.1', 1, 260)).toBeDefined();
    expect(c.withdrawAll(10, 'nobody', 1, false)).toBe(0);
  });

  it('ensures the per-exporter bound evicts that exporter oldest template and counts it', () => {
    const c = new TemplateCache({ maxTemplatesPerExporter: 2 });
    c.learn(t(256));
    c.learn(t(257));
    c.learn(t(256, { learnedAt: 2000 })); // refresh: 257 is now the oldest
    c.learn(t(300, { exporter: 'other' }));
    c.learn(t(258));
    expect(c.evictions).toBe(1);
    expect(c.get(10, '192.0.2.1', 1, 257)).toBeUndefined();
    expect(c.get(10, '192.0.2.1', 1, 256)).toBeDefined();
    expect(c.get(10, 'other', 1, 300)).toBeDefined();
  });

  it('ensures the total bound evicts the oldest template of any exporter', () => {
    const c = new TemplateCache({ maxTemplates: 3 });
    for (let i = 0; i < 5; i++) c.learn(t(256, { exporter: `e${i}` }));
    expect(c.size).toBe(3);
    expect(c.evictions).toBe(2);
    expect(c.get(10, 'e0', 1, 256)).toBeUndefined();
    expect(c.get(10, 'e4', 1, 256)).toBeDefined();
  });

  it('ensures per-exporter eviction down to an empty group keeps working', () => {
    const c = new TemplateCache({ maxTemplatesPerExporter: 1 });
    for (let i = 0; i < 4; i++) c.learn(t(256 + i));
    expect(c.size).toBe(1);
    expect(c.get(10, '192.0.2.1', 1, 259)).toBeDefined();
    expect(c.evictions).toBe(3);
  });

  it('ensures a template above maxFieldsPerTemplate is refused and limits are checked', () => {
    const c = new TemplateCache({ maxFieldsPerTemplate: 1 });
    expect(() => c.learn(t(256))).toThrow(RangeError);
    expect(() => new TemplateCache({ maxTemplates: 0 })).toThrow(/positive integer/);
  });

  it('ensures sampling entries prefer the sampler, fall back to the domain and stay bounded', () => {
    const c = new TemplateCache({ maxSamplingEntries: 2 });
    c.setSampling({ version: 9, exporter: 'x', observationDomainId: 0, interval: 10 });
    c.setSampling({ version: 9, exporter: 'x', observationDomainId: 0, samplerId: 3, interval: 100 });
    expect(c.samplingFor(9, 'x', 0, 3)).toBe(100);
    expect(c.samplingFor(9, 'x', 0, 4)).toBe(10);
    expect(c.samplingFor(9, 'x', 0)).toBe(10);
    expect(c.samplingFor(10, 'x', 0)).toBeUndefined();
    c.setSampling({ version: 9, exporter: 'x', observationDomainId: 1, interval: 5 });
    expect(c.samplingEvictions).toBe(1);
    expect(c.samplingFor(9, 'x', 0, 4)).toBeUndefined();
  });

  it('ensures a snapshot survives JSON and restores templates in age order, state and counters', () => {
    const c = new TemplateCache({ maxTemplatesPerExporter: 2 });
    c.learn(t(256));
    c.learn(
      t(257, {
        fields: [
          { id: 15, length: 4, enterprise: 9 },
          { id: 96, length: 65_535 },
        ],
      }),
    );
    c.learn(t(258));
    c.setSampling({ version: 10, exporter: '192.0.2.1', observationDomainId: 1, interval: 64 });
    c.setSystemInit({ version: 10, exporter: '192.0.2.1', observationDomainId: 1, ms: 1_700_000_000_000 });
    const json = JSON.stringify(c);
    const r = TemplateCache.restore(JSON.parse(json), { maxTemplatesPerExporter: 2 });
    expect(r.snapshot()).toEqual(c.snapshot());
    expect(r.evictions).toBe(1);
    expect(r.get(10, '192.0.2.1', 1, 257)?.plan.fields.map((f) => f.key)).toEqual([
      'e9.15',
      'applicationName',
    ]);
    expect(r.systemInitFor(10, '192.0.2.1', 1)).toBe(1_700_000_000_000);
    // the oldest of the restored pair is evicted first
    r.learn(t(259));
    expect(r.get(10, '192.0.2.1', 1, 257)).toBeUndefined();
  });

  it('ensures a malformed snapshot is a bad_snapshot DecodeError naming the path', () => {
    const good = new TemplateCache();
    good.learn(t(256));
    const snap = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
    const bad: [unknown, RegExp][] = [
      [null, /expected an object/],
      [{ ...snap, format: 2 }, /format/],
      [{ ...snap, templates: 'x' }, /templates: expected an array/],
      [{ ...snap, templates: [{ ...t(255) }] }, /templateId/],
      [{ ...snap, templates: [{ ...t(256), fields: [] }] }, /fields/],
      [{ ...snap, templates: [{ ...t(256), scopeFieldCount: 3 }] }, /scopeFieldCount/],
      [{ ...snap, templates: [{ ...t(256), fields: [{ id: 70_000, length: 4 }] }] }, /fields\[0\]/],
      [{ ...snap, templates: [{ ...t(256), version: 8 }] }, /version/],
      [
        { ...snap, sampling: [{ version: 9, exporter: 'x', observationDomainId: 0, interval: 0 }] },
        /interval/,
      ],
      [{ ...snap, systemInit: [{ version: 9, exporter: 'x', observationDomainId: 0 }] }, /ms/],
      [{ ...snap, evictions: -1 }, /evictions/],
    ];
    for (const [data, message] of bad) {
      let caught: unknown;
      try {
        TemplateCache.restore(data);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DecodeError);
      expect((caught as DecodeError).code).toBe('bad_snapshot');
      expect((caught as DecodeError).message).toMatch(message);
    }
  });
});
