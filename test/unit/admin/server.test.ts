import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/actors/telemetry/logger.js';
import { HostMetrics } from '../../../src/actors/telemetry/metrics.js';
import {
  AdminServerError,
  startAdminServer,
  toJson,
  type AdminServer,
} from '../../../src/cluster/admin/server.js';
import { emptyLedger } from '../../../src/actors/runtime/ledger.js';

const servers: AdminServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination: stream }) };
}

async function start(status: () => unknown = () => ({ host: 'h1' })) {
  const { lines, log } = logCapture();
  const metrics = new HostMetrics({ defaultMetrics: false });
  const server = await startAdminServer({ host: '127.0.0.1', port: 0, metrics, status, log });
  servers.push(server);
  return { server, metrics, lines, url: (p: string) => `http://127.0.0.1:${server.port}${p}` };
}

describe('admin server', () => {
  it('binds an ephemeral port and answers /healthz with ok', async () => {
    const { server, url } = await start();
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('serves the host metrics as Prometheus text', async () => {
    const { metrics, url } = await start();
    metrics.applyActorStats({
      node: 'ei-1',
      actor: 'ei-1.0',
      ledger: { ...emptyLedger(), created: 12, out: 12 },
      quarantinedByReason: {},
      queueDepth: 3,
      checkpointAgeMs: 0,
      eventLoopUtilization: 0.5,
      redeliveredDropped: 0,
      durableLsn: 8,
      backpressured: {},
    });
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.contentType);
    const body = await res.text();
    expect(body).toContain('narflow_node_records_created_total{node="ei-1"} 12');
    expect(body).toContain('narflow_actor_queue_depth{node="ei-1",actor="ei-1.0"} 3');
  });

  it('serves the status as JSON with bigints as decimal strings, awaiting an async status', async () => {
    const { url } = await start(async () => ({ host: 'h1', bytes: 2n ** 70n, nodes: [{ id: 'oe-3' }] }));
    const res = await fetch(url('/status?verbose=1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      host: 'h1',
      bytes: '1180591620717411303424',
      nodes: [{ id: 'oe-3' }],
    });
  });

  it('answers 500 and logs the error when the status function throws', async () => {
    const { url, lines } = await start(() => {
      throw new Error('agent not started');
    });
    const res = await fetch(url('/status'));
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('agent not started');
    expect(lines.some((l) => l.level === 50 && l.path === '/status')).toBe(true);
  });

  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    const { url } = await start();
    const missing = await fetch(url('/nope'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('expected one of /metrics, /status, /healthz');
    const post = await fetch(url('/metrics'), { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.text();
  });

  it('answers HEAD like GET without a body', async () => {
    const { url } = await start();
    const res = await fetch(url('/healthz'), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('2');
    expect(await res.text()).toBe('');
  });

  it('stops accepting connections once closed, even with a kept-alive connection open', async () => {
    const { server, url } = await start();
    await (await fetch(url('/healthz'))).text();
    await server.close();
    await expect(fetch(url('/healthz'))).rejects.toThrow();
  });

  it('rejects a port in use and an invalid port with a listen or option error', async () => {
    const { server } = await start();
    const { log } = logCapture();
    const metrics = new HostMetrics({ defaultMetrics: false });
    await expect(
      startAdminServer({ host: '127.0.0.1', port: server.port, metrics, status: () => ({}), log }),
    ).rejects.toMatchObject({ code: 'listen_failed' });
    await expect(
      startAdminServer({ host: '127.0.0.1', port: 70_000, metrics, status: () => ({}), log }),
    ).rejects.toThrow(AdminServerError);
  });
});

describe('toJson', () => {
  it('writes nested bigints as decimal strings', () => {
    expect(JSON.parse(toJson({ a: [1n, { b: -5n }] }))).toEqual({ a: ['1', { b: '-5' }] });
  });
});
