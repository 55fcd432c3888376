import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../src/actors/nodes/load.js';
import { configJsonSchema } from '../../../src/cluster/config/index.js';

describe('config/narflow.schema.json', () => {
  it('ensures the committed editor schema equals the one generated from the built-in node types (run `npm run schema` after a change)', async () => {
    const committed: unknown = JSON.parse(
      await readFile(join(import.meta.dirname, '../../../config/narflow.schema.json'), 'utf8'),
    );
    expect(configJsonSchema(await loadRegistry([]))).toEqual(committed);
  });

  it('ensures every example config in config/ is valid', async () => {
    const { loadConfig } = await import('../../../src/cluster/config/index.js');
    const registry = await loadRegistry([]);
    const config = await loadConfig(join(import.meta.dirname, '../../../config/demo.yaml'), { registry });
    expect(config.nodes.map((n) => n.id)).toEqual(['collect', 'enrich', 'deliver']);
  });
});
