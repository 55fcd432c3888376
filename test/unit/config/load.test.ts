import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/cluster/config/index.js';
import { testRegistry } from './fake-types.js';

const DIR = path.relative(process.cwd(), fileURLToPath(new URL('../../fixtures/config/', import.meta.url)));
const fx = (name: string) => path.join(DIR, name);

describe('loadConfig fills defaults, applies overrides and loads plugins', () => {
  it('ensures every default is applied and the file and data directory come back absolute', async () => {
    const config = await loadConfig(fx('valid.yaml'), { registry: testRegistry() });
    expect(config.file).toBe(path.resolve(fx('valid.yaml')));
    expect(config.plugins).toEqual([]);
    expect(config.warnings).toEqual([]);
    expect(config.host).toEqual({
      id: os.hostname(),
      dataDir: path.resolve('data'),
      tickIntervalMs: 1000,
      groupCommitMs: 5,
      checkpointIntervalMs: 1000,
      checkpointMaxLoad: 0.05,
      timeLagAlarmSeconds: 300,
      startTimeoutMs: 30_000,
      segmentBytes: 67_108_864,
      inputMemoryBytes: 33_554_432,
      batch: { maxRecords: 1000, mailboxBatches: 16 },
      retention: { periodSeconds: 0 },
      metrics: { enabled: true, host: '127.0.0.1', port: 9464 },
      log: { level: 'info', errorRateLimitSeconds: 10 },
      pool: { threads: 0 },
      heap: { initialOldSpaceMb: 64 },
    });
    expect(config.mapStore).toEqual({ type: 'memory' });
    expect(config.supervision).toEqual({
      root: { intensity: 3, period: 60 },
      pipeline: {
        strategy: 'one_for_one',
        intensity: 10,
        period: 60,
        backoff: { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0.2 },
      },
    });
    expect(config.nodes[0]).toEqual({
      id: 'ei-1',
      type: 'tcp-ei',
      partitions: 1,
      settings: { listen: { host: '0.0.0.0', port: 3386 } },
      supervision: { restart: 'permanent', shutdown: 5000, poisonAfter: 3 },
      destinations: [{ to: ['ep-1'], channel: 'default', routing: { type: 'round-robin' } }],
    });
    expect(config.nodes.map((n) => [n.id, n.partitions, n.destinations.length])).toEqual([
      ['ei-1', 1, 1],
      ['ep-1', 2, 2],
      ['oi-1', 1, 0],
      ['oi-2', 1, 0],
    ]);
  });

  it('ensures routing and map-store defaults are filled inside the chosen form', async () => {
    const config = await loadConfig(fx('valid.yaml'), {
      registry: testRegistry(),
      sets: [
        'mapStore={type: redis}',
        'nodes[ep-1].destinations[0].routing={type: session, attributes: [chargingId, ggsnAddress]}',
        'nodes[ep-1].destinations[1].routing={type: equals, attribute: apn, channels: [[ims, 7]]}',
      ],
    });
    expect(config.mapStore).toEqual({ type: 'redis', url: 'redis://127.0.0.1:6379', mapId: 'narflow' });
    expect(config.nodes[1]?.destinations.map((d) => d.routing)).toEqual([
      { type: 'session', attributes: ['chargingId', 'ggsnAddress'], keyGroups: 1024, virtualNodes: 128 },
      { type: 'equals', attribute: 'apn', channels: [['ims', 7]], unmatched: 'quarantine' },
    ]);
  });

  it('ensures --set overrides a number, creates missing mappings, sets a list and selects a node by id', async () => {
    const config = await loadConfig(fx('valid.yaml'), {
      registry: testRegistry(),
      sets: [
        'host.metrics.port=9000',
        'nodes[0].partitions=4',
        'nodes[ep-1].settings.outputs=[rejected, late]',
        'nodes[ep-1].settings.rule=apn == "ims"',
        'host.log.level=debug',
      ],
    });
    expect(config.host.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9000 });
    expect(config.host.log.level).toBe('debug');
    expect(config.nodes[0]?.partitions).toBe(4);
    expect(config.nodes[1]?.settings).toEqual({ rule: 'apn == "ims"', outputs: ['rejected', 'late'] });
  });

  it('ensures the data directory option replaces host.dataDir', async () => {
    const config = await loadConfig(fx('valid.yaml'), {
      registry: testRegistry(),
      sets: ['host.dataDir=/var/lib/narflow-file'],
      dataDir: 'run/data',
    });
    expect(config.host.dataDir).toBe(path.resolve('run/data'));
  });

  it('ensures node types from a plugin are registered before settings are checked and used by nodes', async () => {
    const registry = testRegistry();
    const config = await loadConfig(fx('with-plugin.yaml'), { registry });
    const pluginUrl = pathToFileURL(path.resolve(DIR, 'plugins/counter.js')).href;
    expect(config.plugins).toEqual([pluginUrl]);
    expect(registry.get('counter-ap')?.kind).toBe('AP');
    expect(config.nodes[1]).toMatchObject({
      id: 'ap-1',
      type: 'counter-ap',
      settings: { key: 'imsi', flushEvery: 60 },
    });
    // Loading again with the same registry finds the same module and the same type: no conflict.
    await expect(loadConfig(fx('with-plugin.yaml'), { registry })).resolves.toMatchObject({
      plugins: [pluginUrl],
    });
  });

  it("ensures a plugin type's settings schema reports under the node's settings path", async () => {
    const f = fx('with-plugin.yaml');
    const err = await loadConfig(f, {
      registry: testRegistry(),
      sets: ['nodes[ap-1].settings.flushEvery=0'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      `${f}: nodes[1].settings.flushEvery: expected integer ≥ 1, got 0 (from --set nodes[ap-1].settings.flushEvery=0)`,
    );
  });
});

describe('warnings', () => {
  it('ensures backoff delays that outlast the period warn for the pipeline and for a node', async () => {
    const f = fx('valid.yaml');
    const config = await loadConfig(f, {
      registry: testRegistry(),
      sets: [
        'supervision.pipeline.intensity=20',
        'nodes[ep-1].supervision.backoff={initialMs: 5000, maxMs: 30000}',
        'nodes[oi-1].supervision.backoff={initialMs: 3000, factor: 1}',
      ],
    });
    expect(config.warnings).toEqual([
      `${f}: supervision.pipeline.backoff: 20 consecutive restart delays add up to 142700 ms, more than the period ` +
        '(supervision.pipeline.period: 60 s), so the pipeline supervisor can never exceed its intensity and give up',
      `${f}: nodes[1].supervision.backoff: 20 consecutive restart delays of "ep-1" add up to 545000 ms, more than the ` +
        'period (supervision.pipeline.period: 60 s), so the pipeline supervisor can never exceed its intensity and give up',
    ]);
  });

  it('ensures delays that exactly fill the period do not warn, and a node without destinations does', async () => {
    const f = fx('valid.yaml');
    const config = await loadConfig(f, {
      registry: testRegistry(),
      sets: [
        'supervision.pipeline.intensity=6',
        'supervision.pipeline.period=6',
        'supervision.pipeline.backoff={initialMs: 1000, factor: 1}',
        'nodes[ep-1].destinations=[]',
      ],
    });
    expect(config.warnings).toEqual([
      `${f}: nodes[1].destinations: "ep-1" (EP) has no destinations, so nothing receives what it emits`,
    ]);
  });
});
