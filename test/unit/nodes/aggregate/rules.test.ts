import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregateAp, type AggregateApSettings } from '../../../../src/actors/nodes/ap/aggregate.js';
import { parseRulesFile } from '../../../../src/actors/nodes/ap/rules.js';
import type { NodeTypeRegistry } from '../../../../src/actors/nodes/registry.js';
import { RulesFileError } from '../../../../src/actors/nodes/rules-errors.js';
import { ConfigError, loadConfig } from '../../../../src/cluster/config/index.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { nodeEnv, recorded, recordingContext } from '../../../helpers/handler-context.js';
import { testRegistry } from '../../config/fake-types.js';
import { flow } from './harness.js';

const SEED_RULE = 'srcIp,srcPort,dstIp,dstPort,protocol bytes,accumulate;packets,accumulate;lastSeen,maximum';
const IP_FLOW = {
  key: ['srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol'],
  actions: [
    { field: 'bytes', action: 'sum' },
    { field: 'packets', action: 'sum' },
    { field: 'lastSeen', action: 'max' },
  ],
};

function problems(text: string): Array<{ line: number | undefined; message: string }> {
  try {
    parseRulesFile(text, 'ipflow.rules');
  } catch (err) {
    if (!(err instanceof RulesFileError)) throw err;
    return err.problems.map((p) => ({ line: p.line, message: p.message }));
  }
  throw new Error('expected a RulesFileError');
}

describe('the seed aggregation rule syntax', () => {
  it('ensures the seed IP-flow rule parses into the YAML rules with canonical action names', () => {
    expect(parseRulesFile(SEED_RULE, 'ipflow.rules')).toEqual(IP_FLOW);
    expect(aggregateAp.parseRulesFile?.(SEED_RULE, 'ipflow.rules')).toEqual(IP_FLOW);
  });

  it('ensures comments, blank lines, CRLF, a BOM, tabs and repeated spaces are accepted', () => {
    const text =
      '\uFEFF# IP flows, aggregated per five-tuple\r\n\r\n   \r\n' +
      'srcIp,srcPort,dstIp,dstPort,protocol \t  bytes,Accumulate;packets,SUM;lastSeen,max   # seed example\r\n' +
      '# end\r\n';
    expect(parseRulesFile(text, 'ipflow.rules')).toEqual(IP_FLOW);
    expect(parseRulesFile('k v,count;w,first;x,last;y,avg;z,minimum', 'f')).toEqual({
      key: ['k'],
      actions: [
        { field: 'v', action: 'count' },
        { field: 'w', action: 'first' },
        { field: 'x', action: 'last' },
        { field: 'y', action: 'avg' },
        { field: 'z', action: 'min' },
      ],
    });
  });

  it('ensures an empty file, a missing action list and extra parts are rejected with what was expected', () => {
    expect(problems('# nothing here\n\n')).toEqual([
      {
        line: undefined,
        message: 'expected one rule "<key,fields> <field,action>[;<field,action>…]", got none',
      },
    ]);
    expect(problems('\nsrcIp,dstIp')).toEqual([
      {
        line: 2,
        message:
          'expected "<key,fields> <field,action>[;<field,action>…]" (key and actions separated by spaces), got "srcIp,dstIp"',
      },
    ]);
    expect(problems('srcIp bytes,sum; packets,sum')).toEqual([
      {
        line: 1,
        message:
          'expected "<key,fields> <field,action>[;<field,action>…]" (key and actions separated by spaces), got "srcIp bytes,sum; packets,sum"',
      },
    ]);
  });

  it('ensures bad key names, bad pairs and unknown actions are each reported on their line', () => {
    expect(problems('# rule\nsrcIp,,dst-ip bytes;packets,sum,x;lastSeen,total;9x,sum;bytes,sum;')).toEqual([
      {
        line: 2,
        message: 'expected key attribute names separated by commas, got an empty name in "srcIp,,dst-ip"',
      },
      { line: 2, message: 'expected an attribute name (letters, digits, _) in the key, got "dst-ip"' },
      { line: 2, message: 'expected "field,action" pairs separated by ";", got "bytes"' },
      { line: 2, message: 'expected "field,action" pairs separated by ";", got "packets,sum,x"' },
      {
        line: 2,
        message:
          'expected an action (sum, accumulate, max, maximum, min, minimum, avg, average, count, first, last) for "lastSeen", got "total"',
      },
      {
        line: 2,
        message: 'expected an attribute name (letters, digits, _) as the field of "9x,sum", got "9x"',
      },
      { line: 2, message: 'expected "field,action" pairs separated by ";", got ""' },
    ]);
    expect(problems('k __proto__,sum')).toEqual([
      {
        line: 1,
        message:
          'expected an attribute name (letters, digits, _) as the field of "__proto__,sum", got "__proto__"',
      },
    ]);
  });

  it('ensures duplicate fields, a field in both key and actions, and a second rule are rejected', () => {
    expect(problems('a,b,a bytes,sum;bytes,max;b,sum\n\n# another\nc d,sum\n')).toEqual([
      { line: 1, message: 'expected each key attribute once ("a" is listed twice)' },
      { line: 1, message: 'expected one action per field ("bytes" has two)' },
      { line: 1, message: 'expected a field that is not also a key attribute ("b" is in the key)' },
      {
        line: 4,
        message:
          'expected a single rule (an aggregation node has one matching key; the rule is on line 1), got another: "c d,sum"',
      },
    ]);
  });
});

/** The config-test doubles plus aggregate-ap, so these tests do not depend on other built-in types. */
function registry(): NodeTypeRegistry {
  const r = testRegistry(['tcp-ei', 'file-oi']);
  r.register(aggregateAp);
  return r;
}

describe('aggregate-ap rules through loadConfig', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'narflow-agg-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A chain (config-test EI and OI doubles) → aggregate-ap → … whose aggregate node has `aggregateNode` lines. */
  async function config(aggregateNode: string): Promise<string> {
    const file = join(dir, 'narflow.yaml');
    await writeFile(
      file,
      [
        'version: 1',
        'nodes:',
        '  - id: collect',
        '    type: tcp-ei',
        '    settings: { listen: { port: 3386 } }',
        '    destinations:',
        '      - to: [aggregate]',
        '  - id: aggregate',
        '    type: aggregate-ap',
        aggregateNode,
        '    destinations:',
        '      - to: [deliver]',
        '  - id: deliver',
        '    type: file-oi',
        '    settings: { dir: ./out }',
        '',
      ].join('\n'),
    );
    return file;
  }

  async function aggregateSettings(aggregateNode: string): Promise<AggregateApSettings> {
    const loaded = await loadConfig(await config(aggregateNode), { registry: registry() });
    return loaded.nodes[1]?.settings as AggregateApSettings;
  }

  async function configErrors(aggregateNode: string): Promise<string[]> {
    try {
      await loadConfig(await config(aggregateNode), { registry: registry() });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.issues.map((i) => i.message.replace(`${dir}/`, ''));
    }
    throw new Error('expected a ConfigError');
  }

  it('ensures the seed example as a rules file and as YAML rules loads to the same settings, with defaults', async () => {
    await writeFile(join(dir, 'ipflow.rules'), `# seed example: IP flows\n${SEED_RULE}\n`);
    const fromFile = await aggregateSettings(
      "    settings: { flowEnd: 'causeForRecClosing == 0' }\n    rulesFile: ipflow.rules",
    );
    const fromYaml = await aggregateSettings(
      [
        "    settings: { flowEnd: 'causeForRecClosing == 0' }",
        '    rules:',
        '      key: [srcIp, srcPort, dstIp, dstPort, protocol]',
        '      actions:',
        '        - { field: bytes, action: Accumulate }',
        '        - { field: packets, action: accumulate }',
        '        - { field: lastSeen, action: maximum }',
      ].join('\n'),
    );
    expect(fromFile).toEqual({
      flowEnd: 'causeForRecClosing == 0',
      flushIntervalMs: 60_000,
      idleTimeoutMs: 300_000,
      maxKeys: 100_000,
      idAttribute: 'narId',
      flushOnDrain: false,
      rules: IP_FLOW,
    });
    expect(fromYaml).toEqual(fromFile);

    // The seed example run with the loaded settings: one IP flow, bytes accumulated.
    const out = recorded();
    const ctx = recordingContext(out, 1, { nodeId: 'aggregate' });
    const h = aggregateAp.create(fromFile, nodeEnv('/nonexistent', { nodeId: 'aggregate' }));
    h.init(undefined);
    const records: Nar[] = [
      flow(40000, 1500n, { lastSeen: 10, causeForRecClosing: 18 }),
      flow(40001, 60n, { lastSeen: 11, causeForRecClosing: 18 }),
      flow(40000, 2500n, { lastSeen: 30, causeForRecClosing: 18 }),
      flow(40000, 1000n, { lastSeen: 20, causeForRecClosing: 0 }),
    ];
    h.handleBatch(records, ctx);
    expect(out.emitted).toEqual([
      {
        ...flow(40000, 5000n, { lastSeen: 30, causeForRecClosing: 18 }),
        packets: 3n,
        narId: 'aggregate-p0-1',
        aggregatedCount: 3,
      },
    ]);
    expect(h.held()).toBe(1);
    expect(out.counts.merged).toBe(2);
  });

  it('ensures mistakes in a seed rules file come back as config errors naming the file and line', async () => {
    await writeFile(join(dir, 'bad.rules'), '# flows\nsrcIp,srcIp bytes,total\n');
    expect(await configErrors('    rulesFile: bad.rules')).toEqual([
      'bad.rules:2: expected an action (sum, accumulate, max, maximum, min, minimum, avg, average, count, first, last) for "bytes", got "total" (node aggregate)',
      'bad.rules:2: expected each key attribute once ("srcIp" is listed twice) (node aggregate)',
    ]);
  });

  it('ensures every mistake in YAML rules and settings is reported together, with its path', async () => {
    const errors = await configErrors(
      [
        "    settings: { flowEnd: 'bytes >', idAttribute: srcIp, maxKeys: 0 }",
        '    rules:',
        '      key: [srcIp, srcIp]',
        '      actions:',
        '        - { field: bytes, action: total }',
        '        - { field: srcIp, action: sum }',
      ].join('\n'),
    );
    expect(errors).toEqual([
      'narflow.yaml: nodes[1].settings.flowEnd: expected a condition: expected a value after ">", got end of condition at column 8, got "bytes >"',
      'narflow.yaml: nodes[1].settings.idAttribute: expected an attribute the rules do not use ("srcIp" is in the rules), got "srcIp"',
      'narflow.yaml: nodes[1].settings.maxKeys: expected integer 1–10000000, got 0',
      'narflow.yaml: nodes[1].rules.key[1]: expected each key attribute once ("srcIp" is listed twice), got "srcIp"',
      'narflow.yaml: nodes[1].rules.actions[0].action: expected an action: sum, accumulate, max, maximum, min, minimum, avg, average, count, first, last, got "total"',
      'narflow.yaml: nodes[1].rules.actions[1].field: expected a field that is not also a key attribute ("srcIp" is in the key), got "srcIp"',
    ]);
  });
});
