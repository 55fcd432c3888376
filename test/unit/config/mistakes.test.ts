import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/cluster/config/index.js';
import { testRegistry } from './fake-types.js';

/** Fixture paths as an operator would type them: relative to the working directory. */
const DIR = path.relative(process.cwd(), fileURLToPath(new URL('../../fixtures/config/', import.meta.url)));
const fx = (name: string) => path.join(DIR, name);

async function failure(file: string, sets: string[] = []): Promise<ConfigError> {
  const outcome = await loadConfig(file, { registry: testRegistry(), sets }).then(
    () => new Error(`${file} was accepted`),
    (err: unknown) => err,
  );
  if (!(outcome instanceof ConfigError)) throw outcome;
  return outcome;
}

async function messages(file: string, sets: string[] = []): Promise<string[]> {
  return (await failure(file, sets)).issues.map((i) => i.message);
}

describe('config mistakes are reported with file, path, value and expectation', () => {
  it('ensures an unknown top-level key is named with the keys allowed there', async () => {
    const f = fx('unknown-key-top.yaml');
    expect(await messages(f)).toEqual([
      `${f}: hosts: unknown key (expected one of: version, plugins, host, mapStore, supervision, nodes)`,
    ]);
  });

  it('ensures a misspelt nested key is named, together with what its absence causes', async () => {
    const f = fx('unknown-key-nested.yaml');
    expect(await messages(f)).toEqual([
      `${f}: nodes[0].settings.dir: required, expected non-empty string`,
      `${f}: nodes[0].setings: unknown key (expected one of: id, type, partitions, settings, rules, rulesFile, supervision, destinations)`,
    ]);
  });

  it('ensures a value of the wrong type is reported with the expected type and the value as JSON', async () => {
    const f = fx('wrong-type.yaml');
    expect(await messages(f)).toEqual([`${f}: host.metrics.enabled: expected true or false, got "yes"`]);
  });

  it('ensures an out-of-range integer is reported with its range', async () => {
    const f = fx('out-of-range.yaml');
    expect(await messages(f)).toEqual([`${f}: nodes[0].partitions: expected integer 1–256, got 300`]);
  });

  it('ensures a bad enum value lists the allowed values', async () => {
    const f = fx('bad-enum.yaml');
    expect(await messages(f)).toEqual([
      `${f}: host.log.level: expected one of: trace, debug, info, warn, error, fatal, silent, got "verbose"`,
    ]);
  });

  it('ensures missing required keys are reported, a missing node type with the registered types', async () => {
    const f = fx('missing-required.yaml');
    expect(await messages(f)).toEqual([
      `${f}: version: required, expected 1`,
      `${f}: nodes[1].type: required, expected one of: file-oi, filter-ep, tcp-ei`,
    ]);
  });

  it('ensures a duplicate node id names the first use', async () => {
    const f = fx('duplicate-id.yaml');
    expect(await messages(f)).toEqual([`${f}: nodes[2].id: duplicate node id "ep-1" (also nodes[0].id)`]);
  });

  it('ensures a destination that is not a node is reported at its place in the to list', async () => {
    const f = fx('missing-destination.yaml');
    expect(await messages(f)).toEqual([`${f}: nodes[0].destinations[0].to[1]: "oe-9" is not a node`]);
  });

  it('ensures a target listed twice in one destination is reported at its second place', async () => {
    const f = fx('valid.yaml');
    expect(await messages(f, ['nodes[ei-1].destinations[0].to=[ep-1, ep-1]'])).toEqual([
      `${f}: nodes[0].destinations[0].to[1]: "ep-1" is listed twice in to (from --set nodes[ei-1].destinations[0].to=[ep-1, ep-1])`,
    ]);
  });

  it('ensures a cycle is named node by node at the edge that closes it', async () => {
    const f = fx('cycle.yaml');
    expect(await messages(f)).toEqual([
      `${f}: nodes[2].destinations[0].to[0]: "ep-1" closes the cycle ep-1 → ep-2 → ep-3 → ep-1`,
    ]);
  });

  it('ensures an EI node cannot be a destination', async () => {
    const f = fx('ei-destination.yaml');
    expect(await messages(f)).toEqual([
      `${f}: nodes[1].destinations[0].to[0]: "ei-1" is an EI node (type "tcp-ei") and may not be a destination`,
    ]);
  });

  it('ensures an OI node cannot have destinations', async () => {
    const f = fx('oi-destinations.yaml');
    expect(await messages(f)).toEqual([
      `${f}: nodes[0].destinations: an OI node (type "file-oi") may not have destinations`,
    ]);
  });

  it('ensures an equals edge needs one value list per target', async () => {
    const f = fx('equals-mismatch.yaml');
    expect(await messages(f)).toEqual([
      `${f}: nodes[0].destinations[0].routing.channels: expected 2 value lists (one per node in to, in order), got 3`,
    ]);
  });

  it('ensures equals targets have one partition and each value sits in one channel only', async () => {
    const f = fx('equals-targets.yaml');
    expect(await messages(f)).toEqual([
      `${f}: nodes[0].destinations[0].to[1]: "oi-2" has partitions 4; each target of an equals edge must have partitions 1`,
      `${f}: nodes[0].destinations[0].routing.channels[1][1]: "internet" is already in channels[0]; a value may be in one channel only`,
      `${f}: nodes[0].destinations[0].routing.channels[1][2]: 7 is already in channels[0]; a value may be in one channel only`,
    ]);
  });

  it('ensures an unknown routing type lists the routing types', async () => {
    const f = fx('bad-routing.yaml');
    expect(await messages(f)).toEqual([
      `${f}: nodes[0].destinations[0].routing.type: expected one of: round-robin, all, hash, equals, session, got "random"`,
    ]);
  });

  it("ensures a node's settings are checked by its type's schema and reported under settings", async () => {
    const f = fx('settings-error.yaml');
    expect(await messages(f)).toEqual([
      `${f}: nodes[0].settings.listen.port: expected integer 1–65535, got "3386x"`,
      `${f}: nodes[1].settings.dir: required, expected non-empty string`,
    ]);
  });

  it('ensures an output channel the node type does not have is rejected with the ones it has', async () => {
    const f = fx('valid.yaml');
    expect(await messages(f, ['nodes[ep-1].destinations[1].channel=rejectd'])).toEqual([
      `${f}: nodes[1].destinations[1].channel: expected one of: default, rejected, got "rejectd" (from --set nodes[ep-1].destinations[1].channel=rejectd)`,
    ]);
  });

  it('ensures a bad --set is reported as such: no "=", a node id that does not exist, a non-list indexed', async () => {
    const f = fx('valid.yaml');
    expect(
      await messages(f, [
        'host.metrics.port',
        'nodes[ep-9].partitions=2',
        'nodes[ei-1].settings.listen[0]=x',
        'nodes[7].id=x',
      ]),
    ).toEqual([
      '--set host.metrics.port: expected path=value (for example host.metrics.port=9464)',
      '--set nodes[ep-9].partitions=2: no node with id "ep-9" (ids: ei-1, ep-1, oi-1, oi-2)',
      '--set nodes[ei-1].settings.listen[0]=x: cannot select [0]: nodes[0].settings.listen is a mapping, not a list',
      '--set nodes[7].id=x: nodes has 4 entries; there is no nodes[7]',
    ]);
  });

  it('ensures a value given by --set that fails validation says where it came from', async () => {
    const f = fx('valid.yaml');
    expect(await messages(f, ['host.metrics.port=9464x', 'host.metrics.tls=true'])).toEqual([
      `${f}: host.metrics.port: expected integer 0–65535, got "9464x" (from --set host.metrics.port=9464x)`,
      `${f}: host.metrics.tls: unknown key (expected one of: enabled, host, port) (from --set host.metrics.tls=true)`,
    ]);
  });

  it('ensures an unreadable file is reported with the system reason', async () => {
    const f = fx('no-such-config.yaml');
    expect(await messages(f)).toEqual([`${f}: cannot read: ENOENT: no such file or directory, open '${f}'`]);
  });

  it('ensures a plugin that fails to load is reported without blaming the nodes that use its types', async () => {
    const f = fx('broken-plugin.yaml');
    expect(await messages(f)).toEqual([
      `${f}: plugins[0]: cannot load "./plugins/broken.js": counter-ap needs a license key`,
    ]);
  });

  it('ensures every mistake of one file is reported at once, in document order', async () => {
    const f = fx('many-errors.yaml');
    const err = await failure(f);
    const expected = [
      `${f}: version: expected 1, got 2`,
      `${f}: host.tickIntervalMs: expected integer 10–60000, got 5`,
      `${f}: host.metrics.port: expected integer 0–65535, got 70000`,
      `${f}: mapStore.url: expected redis:// or rediss:// URL, got "http://cache:6379"`,
      `${f}: nodes[0].id: expected node id: a lowercase letter, then up to 62 lowercase letters, digits, "_" or "-", got "Ei-1"`,
      `${f}: nodes[0].settings.listen.port: expected integer 1–65535, got 0`,
      `${f}: nodes[0].settings.backlog: unknown key (expected one of: listen)`,
      `${f}: nodes[0].destinations[0].to[0]: "oe-9" is not a node`,
      `${f}: nodes[1].supervision.restart: expected one of: permanent, transient, temporary, got "always"`,
      `${f}: nodes[1].supervision.backoff.maxMs: expected integer ≥ initialMs (5000), got 1000`,
      `${f}: nodes[1].destinations[0].to[0]: "ep-1" is the node itself; a node may not send to itself`,
    ];
    expect(err.issues.map((i) => i.message)).toEqual(expected);
    expect(err.message).toBe(expected.join('\n'));
    expect(err.code).toBe('invalid_config');
    expect(err.issues[2]).toEqual({
      file: f,
      path: 'host.metrics.port',
      value: 70000,
      expected: 'integer 0–65535',
      message: expected[2],
      line: 5,
      column: 14,
    });
  });
});
