/**
 * Ensures a node's rules can be given inline (`rules:`) or as a file (`rulesFile:`, YAML or the node
 * type's own syntax), that mistakes inside a rules file are reported against that file and line, and
 * that node types resolve and check the files their settings name at load time.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NodeTypeRegistry, type NodeType } from '../../../src/actors/nodes/registry.js';
import { RulesFileError } from '../../../src/actors/nodes/rules-errors.js';
import { ConfigError, loadConfig } from '../../../src/cluster/config/index.js';
import { fileOi } from './fake-types.js';

const pairsSettings = z.strictObject({
  table: z.string().min(1).optional(),
  rules: z.array(z.strictObject({ key: z.string().min(1), value: z.int() })).min(1),
});
type PairsSettings = z.output<typeof pairsSettings>;

/** An EP whose own rules syntax is `key = integer` lines and whose table must hold only "ok" lines. */
const pairsEp: NodeType<PairsSettings> = {
  name: 'pairs-ep',
  kind: 'EP',
  description: 'test double with a native rules syntax and a table file',
  settings: pairsSettings,
  checkpoint: 'periodic',
  create: () => {
    throw new Error('not started in config tests');
  },
  parseRulesFile(text, file) {
    const problems: { file: string; line: number; message: string }[] = [];
    const rules: { key: string; value: number }[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const m = /^(\w+)\s*=\s*(-?\d+)$/.exec(line.trim());
      if (m === null)
        problems.push({ file, line: i + 1, message: `expected "key = integer", got "${line}"` });
      else rules.push({ key: m[1] as string, value: Number(m[2]) });
    });
    if (problems.length > 0) throw new RulesFileError(problems);
    return rules;
  },
  async resolveFiles(settings, configDir) {
    if (settings.table === undefined) return settings;
    const table = path.resolve(configDir, settings.table);
    const lines = (await readFile(table, 'utf8')).split('\n');
    const bad = lines.findIndex((l) => l !== '' && l !== 'ok');
    if (bad >= 0)
      throw new RulesFileError([{ file: settings.table, line: bad + 1, message: 'expected "ok"' }]);
    return { ...settings, table };
  },
};

function registry(): NodeTypeRegistry {
  const r = new NodeTypeRegistry();
  r.register(pairsEp);
  r.register(fileOi);
  return r;
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'narflow-rules-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function configText(node: string): string {
  return `version: 1
nodes:
  - id: enhance
    type: pairs-ep
${node}
    destinations:
      - to: [out]
  - id: out
    type: file-oi
    settings: { dir: ./out }
`;
}

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function messages(file: string): Promise<string[]> {
  const err = await loadConfig(file, { registry: registry() }).then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  if (!(err instanceof ConfigError)) throw err;
  return err.issues.map((i) => i.message);
}

describe('rules blocks and rules files', () => {
  it('ensures inline rules, a YAML rules file and a native rules file give the same settings', async () => {
    const inline = await write(
      'inline.yaml',
      configText('    rules: [{ key: a, value: 1 }, { key: b, value: 2 }]'),
    );
    await write('rules.yaml', '- { key: a, value: 1 }\n- { key: b, value: 2 }\n');
    await write('rules.txt', 'a = 1\n\nb = 2\n');
    const yamlFile = await write('yaml-file.yaml', configText('    rulesFile: rules.yaml'));
    const native = await write('native.yaml', configText('    rulesFile: rules.txt'));
    const expected = {
      rules: [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ],
    };
    for (const f of [inline, yamlFile, native]) {
      const config = await loadConfig(f, { registry: registry() });
      expect(config.nodes[0]?.settings, f).toEqual(expected);
      expect(config.nodes[0], f).not.toHaveProperty('rulesFile');
      expect(config.nodes[0], f).not.toHaveProperty('rules');
    }
  });

  it('ensures a mistake inside a YAML rules file names that file, its line and the path in it', async () => {
    await write('rules.yaml', '- { key: a, value: 1 }\n- { key: b, value: two }\n');
    const f = await write('c.yaml', configText('    rulesFile: rules.yaml'));
    expect(await messages(f)).toEqual(['rules.yaml:2: [1].value: expected integer, got "two"']);
  });

  it('ensures a mistake in inline rules is reported at nodes[i].rules, not inside settings', async () => {
    const f = await write('c.yaml', configText('    rules: [{ key: a, value: 1.5 }]'));
    expect(await messages(f)).toEqual([`${f}: nodes[0].rules[0].value: expected integer, got 1.5`]);
  });

  it("ensures a native rules file's syntax errors name the file and every bad line", async () => {
    await write('rules.txt', 'a = 1\nb: 2\nc = x\n');
    const f = await write('c.yaml', configText('    rulesFile: rules.txt'));
    expect(await messages(f)).toEqual([
      'rules.txt:2: expected "key = integer", got "b: 2" (node enhance)',
      'rules.txt:3: expected "key = integer", got "c = x" (node enhance)',
    ]);
  });

  it('ensures a missing rules file, and rules given twice, are config errors at the node', async () => {
    const missing = await write('m.yaml', configText('    rulesFile: nope.yaml'));
    const [message] = await messages(missing);
    expect(message).toMatch(
      new RegExp(`^${missing}: nodes\\[0\\]\\.rulesFile: cannot read nope\\.yaml: ENOENT`),
    );
    await write('rules.yaml', '- { key: a, value: 1 }\n');
    const twice = await write(
      't.yaml',
      configText('    rules: [{ key: a, value: 1 }]\n    rulesFile: rules.yaml'),
    );
    expect(await messages(twice)).toEqual([
      `${twice}: nodes[0].rulesFile: rules are given both here and in rules:; keep one`,
    ]);
  });

  it('ensures files named in settings are resolved against the config file and checked at load', async () => {
    await write('table.txt', 'ok\nok\n');
    const good = await write(
      'g.yaml',
      configText('    settings: { table: table.txt }\n    rules: [{ key: a, value: 1 }]'),
    );
    const config = await loadConfig(good, { registry: registry() });
    expect(config.nodes[0]?.settings).toEqual({
      table: path.join(dir, 'table.txt'),
      rules: [{ key: 'a', value: 1 }],
    });

    await write('table.txt', 'ok\nbad\n');
    expect(await messages(good)).toEqual(['table.txt:2: expected "ok" (node enhance)']);
  });
});
