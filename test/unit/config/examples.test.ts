/**
 * Ensures every example deployment under config/ loads with the built-in node types: settings,
 * rules blocks, seed-format rules files and the tables they name.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../src/actors/nodes/load.js';
import { loadConfig } from '../../../src/cluster/config/index.js';

const CONFIG = join(import.meta.dirname, '../../../config');
const examples = (await readdir(join(CONFIG, 'examples'))).filter((f) => f.endsWith('.yaml')).sort();

describe('example deployments in config/', () => {
  it('ensures there are examples using every built-in node type', async () => {
    const registry = await loadRegistry([]);
    const used = new Set<string>();
    const top = ['demo.yaml', 'gtpp-chain.yaml', 'radius-accounting.yaml', 'netflow-collector.yaml'].map(
      (f) => join(CONFIG, f),
    );
    for (const f of [...examples.map((e) => join(CONFIG, 'examples', e)), ...top]) {
      for (const n of (await loadConfig(f, { registry })).nodes) used.add(n.type);
    }
    expect([...used].sort()).toEqual(registry.names());
  });

  it("ensures config/gtpp-chain.yaml is valid: GTP' EI and CDR file EI → order enhancer → cdr file and per-session aggregation → sessions file", async () => {
    const config = await loadConfig(join(CONFIG, 'gtpp-chain.yaml'), { registry: await loadRegistry([]) });
    expect(config.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'gtpp:gtpp-ei',
      'cdr-files:cdr-file-ei',
      'dedup:order-enhancer-oe',
      'cdr:file-oi',
      'sessions-aggregate:aggregate-ap',
      'sessions:file-oi',
    ]);
    // The GTP' EI owns its listening port: one actor only.
    await expect(
      loadConfig(join(CONFIG, 'gtpp-chain.yaml'), {
        registry: await loadRegistry([]),
        sets: ['nodes[gtpp].partitions=2'],
      }),
    ).rejects.toThrow(
      'nodes[0].partitions: a "gtpp-ei" node runs as at most 1 actor(s) (it owns a listening socket)',
    );
  });

  it('ensures config/radius-accounting.yaml is valid: RADIUS EI → order enhancer keyed for RADIUS → records and per-session usage', async () => {
    const config = await loadConfig(join(CONFIG, 'radius-accounting.yaml'), {
      registry: await loadRegistry([]),
    });
    expect(config.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'radius:radius-ei',
      'dedup:order-enhancer-oe',
      'records:file-oi',
      'sessions-aggregate:aggregate-ap',
      'sessions:file-oi',
    ]);
    expect(config.nodes[0]?.settings).toMatchObject({ clientsFile: join(CONFIG, 'radius-clients.txt') });
    expect(config.nodes[1]?.settings).toMatchObject({
      sessionKey: ['nasIpAddress', 'acctSessionId'],
      recordKey: ['acctStatusType', 'eventTimestamp'],
      finalCauses: ['Stop'],
    });
  });

  it('ensures config/netflow-collector.yaml is valid: NetFlow/IPFIX EI → aggregation on the five-tuple → flows file', async () => {
    const config = await loadConfig(join(CONFIG, 'netflow-collector.yaml'), {
      registry: await loadRegistry([]),
    });
    expect(config.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'collector:netflow-ei',
      'five-tuple:aggregate-ap',
      'flows:file-oi',
    ]);
    expect(config.nodes[1]?.settings).toMatchObject({
      rules: {
        key: ['srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol'],
      },
    });
  });

  it.each(examples)('ensures config/examples/%s is valid', async (name) => {
    const config = await loadConfig(join(CONFIG, 'examples', name), { registry: await loadRegistry([]) });
    expect(config.nodes.length).toBeGreaterThan(2);
  });

  it('ensures the seed-format rules files of the IP-flow example are read as rules', async () => {
    const config = await loadConfig(join(CONFIG, 'examples', 'ip-flow-aggregation.yaml'), {
      registry: await loadRegistry([]),
    });
    const settings = (id: string) => config.nodes.find((n) => n.id === id)?.settings;
    expect(settings('groups')).toMatchObject({
      rules: [
        {
          ipGroup: {
            table: join(CONFIG, 'examples', 'tables', 'ipgroups.txt'),
            source: 'srcIp',
            destination: 'group',
            type: 'integer',
          },
        },
      ],
    });
    expect(settings('flow-aggregate')).toMatchObject({
      rules: {
        key: ['srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol'],
        actions: [
          { field: 'bytes', action: 'sum' },
          { field: 'packets', action: 'sum' },
          { field: 'lastSeen', action: 'max' },
          { field: 'firstSeen', action: 'min' },
        ],
      },
    });
  });
});

describe('edges into an order enhancer', () => {
  it('ensures an edge into a partitioned order enhancer must use session routing on its session key and key groups', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'narflow-oe-edge-'));
    try {
      const file = join(dir, 'c.yaml');
      const config = (routing: string) => `version: 1
nodes:
  - id: collect
    type: file-ei
    settings: { inputDir: ./in }
    rules: [{ name: chargingId, type: integer }, { name: ggsnAddress, type: ip }]
    destinations:
      - to: [dedup]
        routing: ${routing}
  - id: dedup
    type: order-enhancer-oe
    partitions: 2
    destinations: [{ to: [out] }]
  - id: out
    type: file-oi
    settings: { dir: ./out }
    rules: [{ attribute: chargingId }]
`;
      const registry = await loadRegistry([]);
      await writeFile(file, config('{ type: session, attributes: [chargingId, ggsnAddress] }'));
      await expect(loadConfig(file, { registry })).resolves.toBeDefined();
      const expected =
        `${file}: nodes[0].destinations[0].routing: "dedup" (type "order-enhancer-oe") keeps state per session key ` +
        'group over several partitions: route to it with { type: session, attributes: [chargingId, ggsnAddress], keyGroups: 1024 }';
      for (const wrong of [
        '{ type: round-robin }',
        '{ type: session, attributes: [chargingId] }',
        '{ type: session, attributes: [chargingId, ggsnAddress], keyGroups: 512 }',
      ]) {
        await writeFile(file, config(wrong));
        await expect(loadConfig(file, { registry }), wrong).rejects.toThrow(expected);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ensures edges into a partitioned order enhancer name it alone and place key groups on one ring', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'narflow-oe-ring-'));
    try {
      const file = join(dir, 'c.yaml');
      const session = (extra: string) => `{ type: session, attributes: [chargingId, ggsnAddress]${extra} }`;
      const config = (toA: string, routingA: string, routingB: string) => `version: 1
nodes:
  - id: a
    type: file-ei
    settings: { inputDir: ./in-a }
    rules: [{ name: chargingId, type: integer }, { name: ggsnAddress, type: ip }]
    destinations: [{ to: ${toA}, routing: ${routingA} }]
  - id: b
    type: file-ei
    settings: { inputDir: ./in-b }
    rules: [{ name: chargingId, type: integer }, { name: ggsnAddress, type: ip }]
    destinations: [{ to: [dedup], routing: ${routingB} }]
  - id: dedup
    type: order-enhancer-oe
    partitions: 3
    destinations: [{ to: [out] }]
  - id: out
    type: file-oi
    settings: { dir: ./out }
    rules: [{ attribute: chargingId }]
`;
      const registry = await loadRegistry([]);
      const fails = async (text: string): Promise<string[]> => {
        await writeFile(file, text);
        const err = await loadConfig(file, { registry }).then(
          () => undefined,
          (e: unknown) => e as { issues: Array<{ message: string }> },
        );
        return err?.issues.map((i) => i.message) ?? [];
      };
      expect(
        await fails(config('[dedup]', session(', virtualNodes: 64'), session(', virtualNodes: 64'))),
      ).toEqual([]);
      expect(await fails(config('[dedup, out]', session(''), session('')))).toEqual([
        `${file}: nodes[0].destinations[0].to: "dedup" (type "order-enhancer-oe") keeps state per session key group ` +
          'over several partitions: an edge into it names it alone, so its actors are the ring that places the key groups',
      ]);
      expect(await fails(config('[dedup]', session(''), session(', virtualNodes: 64')))).toEqual([
        `${file}: nodes[1].destinations[0].routing.virtualNodes: every edge into "dedup" must place key groups on the ` +
          'same ring: nodes[0].destinations[0] routes with virtualNodes 128',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
