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
    for (const f of [...examples.map((e) => join(CONFIG, 'examples', e)), join(CONFIG, 'demo.yaml')]) {
      for (const n of (await loadConfig(f, { registry })).nodes) used.add(n.type);
    }
    expect([...used].sort()).toEqual(registry.names());
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
