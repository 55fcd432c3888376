/**
 * Ensures `enhance-ep` settings and tables go through the config loader like any other config:
 * mistakes in rules at their path, table mistakes with the table file and line, table paths
 * resolved against the config file, the seed's rules file accepted, route channels known.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enhanceEp } from '../../../../src/actors/nodes/ep/enhance.js';
import { ConfigError, loadConfig } from '../../../../src/cluster/config/index.js';
import { testRegistry } from '../../config/fake-types.js';
import { SEED_TABLE, tempDir, type TempDir } from './harness.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
  await mkdir(path.join(tmp.dir, 'tables'));
  await tmp.write('tables/ipgroups.txt', SEED_TABLE);
  await tmp.write('tables/apn.csv', 'apn,tariffClass\ninternet,B\n');
});
afterEach(() => tmp.remove());

function registry() {
  const r = testRegistry(['tcp-ei', 'file-oi']);
  r.register(enhanceEp);
  return r;
}

function configText(node: string, channel = 'heavy'): string {
  return `version: 1
nodes:
  - id: collect
    type: tcp-ei
    settings: { listen: { port: 3386 } }
    destinations:
      - to: [enhance]
  - id: enhance
    type: enhance-ep
${node}
    destinations:
      - to: [out]
      - to: [big]
        channel: ${channel}
  - id: out
    type: file-oi
    settings: { dir: ./out }
  - id: big
    type: file-oi
    settings: { dir: ./big }
`;
}

const RULES = `    settings: { reloadCheckMs: 2000 }
    rules:
      - lookup: { file: tables/apn.csv, key: apn, keyColumn: apn, columns: [tariffClass] }
      - ipGroup: { table: tables/ipgroups.txt, source: srcIp, destination: group }
      - route: { channel: heavy, when: 'bytes >= 1000000' }`;

async function messages(file: string): Promise<string[]> {
  const err = await loadConfig(file, { registry: registry() }).then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  if (!(err instanceof ConfigError)) throw err;
  return err.issues.map((i) => i.message);
}

describe('enhance-ep through the config loader', () => {
  it('ensures a valid node loads with defaults filled and table paths made absolute', async () => {
    const f = await tmp.write('c.yaml', configText(RULES));
    const config = await loadConfig(f, { registry: registry() });
    expect(config.nodes[1]?.settings).toEqual({
      reloadCheckMs: 2000,
      rules: [
        {
          lookup: {
            file: path.join(tmp.dir, 'tables/apn.csv'),
            key: 'apn',
            keyColumn: 'apn',
            columns: ['tariffClass'],
            delimiter: ',',
            onMissing: 'keep',
          },
        },
        {
          ipGroup: {
            table: path.join(tmp.dir, 'tables/ipgroups.txt'),
            source: 'srcIp',
            destination: 'group',
            type: 'integer',
            onMissing: 'keep',
          },
        },
        { route: { channel: 'heavy', when: 'bytes >= 1000000' } },
      ],
    });
  });

  it('ensures table errors are reported with the table file and line, every table at once', async () => {
    await tmp.write('tables/ipgroups.txt', '192.235.34.1 192.235.34.10 1\n192.235.34.15\t192.235.34.12\t2\n');
    await tmp.write('tables/apn.csv', 'apn,tariff\n');
    const f = await tmp.write('c.yaml', configText(RULES));
    expect(await messages(f)).toEqual([
      'tables/apn.csv:1: header has no column "tariffClass" (columns: apn, tariff) (node enhance)',
      'tables/ipgroups.txt:2: range 192.235.34.15–192.235.34.12: start after end (node enhance)',
    ]);
  });

  it('ensures a missing table is a config error naming it', async () => {
    const f = await tmp.write('c.yaml', configText(RULES.replace('tables/apn.csv', 'tables/nope.csv')));
    const [message] = await messages(f);
    expect(message).toMatch(/^tables\/nope\.csv: cannot read: ENOENT.* \(node enhance\)$/);
  });

  it('ensures mistakes inside rules are reported at their own path', async () => {
    const f = await tmp.write(
      'c.yaml',
      configText(`    rules:
      - lookup: { file: tables/apn.csv, key: apn, columns: [tariffClass] }
      - set: zone
      - filter: { drop: 'bytes + 1 > 2' }
      - ipGroup: { table: tables/ipgroups.txt, source: srcIp, destination: group, type: float }
      - rename: { from: a, to: b }
        drop: [c]
      - route: { channel: heavy }
        when: 'true'`),
    );
    expect(await messages(f)).toEqual([
      `${f}: nodes[1].rules[0].lookup.keyColumn: required, expected non-empty string`,
      `${f}: nodes[1].rules[1]: expected a set rule with exactly one of value or copy, got {"set":"zone"}`,
      expect.stringMatching(
        /: nodes\[1\]\.rules\[2\]\.filter\.drop: expected a condition: .* at column 7, got "bytes \+ 1 > 2"$/,
      ),
      `${f}: nodes[1].rules[3].ipGroup.type: expected one of: integer, string, got "float"`,
      `${f}: nodes[1].rules[4]: expected exactly one rule kind (set, rename, drop, keep, lookup, ipGroup, filter, split, route); this rule has rename and drop, got {"rename":{"from":"a","to":"b"},"drop":["c"]}`,
      `${f}: nodes[1].rules[5].when: expected when only in a set rule, not in route, got "true"`,
    ]);
  });

  it('ensures a destination channel no route names is rejected with the channels the rules give', async () => {
    const f = await tmp.write('c.yaml', configText(RULES, 'hevy'));
    expect(await messages(f)).toEqual([
      expect.stringMatching(
        /nodes\[1\]\.destinations\[1\]\.channel: expected one of: default, heavy, got "hevy"$/,
      ),
    ]);
  });

  it("ensures the seed's IP-to-group rules file is accepted as rulesFile and its table checked", async () => {
    await tmp.write(
      'ipgroup.conf',
      'SourceFieldId srcIp\nDestinationFieldId group\nDestinationFieldType integer\nTableFile tables/ipgroups.txt\n',
    );
    const f = await tmp.write('c.yaml', configText('    rulesFile: ipgroup.conf', 'default'));
    const config = await loadConfig(f, { registry: registry() });
    expect(config.nodes[1]?.settings).toEqual({
      reloadCheckMs: 5000,
      rules: [
        {
          ipGroup: {
            table: path.join(tmp.dir, 'tables/ipgroups.txt'),
            source: 'srcIp',
            destination: 'group',
            type: 'integer',
            onMissing: 'keep',
          },
        },
      ],
    });

    await tmp.write('ipgroup.conf', 'SourceFieldId srcIp\nDestinationFieldId group\nGroupType integer\n');
    expect(await messages(f)).toEqual([
      'ipgroup.conf:3: unknown key "GroupType" (expected one of: SourceFieldId, DestinationFieldId, DestinationFieldType, TableFile) (node enhance)',
      'ipgroup.conf: DestinationFieldType is missing (node enhance)',
      'ipgroup.conf: TableFile is missing (node enhance)',
    ]);
  });
});
