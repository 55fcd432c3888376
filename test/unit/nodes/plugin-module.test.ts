import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistry, PluginLoadError, registerPlugin } from '../../../src/actors/nodes/load.js';
import { readPluginModule } from '../../../src/actors/nodes/plugin-module.js';
import { NodeTypeRegistry } from '../../../src/actors/nodes/registry.js';

const fixture = (name: string) =>
  pathToFileURL(join(import.meta.dirname, '../../fixtures/config/plugins', name)).href;

describe('plug-in modules (worker threads and the config loader read them the same way)', () => {
  it('ensures a good module registers its node types, once even when registered again', async () => {
    const registry = await loadRegistry([fixture('counter.js')]);
    expect(registry.get('counter-ap')?.kind).toBe('AP');
    await registerPlugin(registry, fixture('counter.js'));
    expect(registry.names().filter((n) => n === 'counter-ap')).toHaveLength(1);
  });

  it('ensures a module that fails to load, or exports no node types, is a PluginLoadError naming it', async () => {
    const broken = fixture('broken.js');
    await expect(registerPlugin(new NodeTypeRegistry(), broken)).rejects.toThrow(
      new PluginLoadError(broken, 'cannot be loaded: counter-ap needs a license key'),
    );
    const noTypes = 'data:text/javascript,export const other = 1;';
    expect(await readPluginModule(noTypes)).toEqual({ kind: 'no_node_types' });
    await expect(registerPlugin(new NodeTypeRegistry(), noTypes)).rejects.toBeInstanceOf(PluginLoadError);
    const bad = 'data:text/javascript,export const nodeTypes = [{ name: "x" }];';
    expect(await readPluginModule(bad)).toEqual({ kind: 'read', types: [], invalid: [0] });
  });
});
