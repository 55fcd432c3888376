/**
 * `runNetflowLoad` against a UDP socket in the test: what arrives decodes to truth/flows.csv exactly,
 * the report counts per exporter, a pause stops the run's clock, and a storm restarts an exporter.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/cluster/loadgen/rng.js';
import { nextFlow } from '../../../../src/cluster/loadgen/netflow/flows.js';
import {
  netflowLoadgen,
  runNetflowLoad,
  TRUTH_FLOW_COLUMNS,
  TRUTH_FLOW_HEADER,
} from '../../../../src/cluster/loadgen/netflow/index.js';
import {
  decodeIpfix,
  decodeV5,
  decodeV9,
  flowToNar,
  TemplateCache,
  type FlowRecord,
} from '../../../../src/protocols/netflow/index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function collector(): Promise<{
  socket: Socket;
  port: number;
  datagrams: { from: string; bytes: Uint8Array }[];
}> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  const datagrams: { from: string; bytes: Uint8Array }[] = [];
  socket.on('message', (m, r) => datagrams.push({ from: r.address, bytes: new Uint8Array(m) }));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port, datagrams };
}

function rows(datagrams: readonly { from: string; bytes: Uint8Array }[]): string[] {
  const cache = new TemplateCache();
  const out: FlowRecord[] = [];
  for (const d of datagrams) {
    const v = (d.bytes[1] as number) | ((d.bytes[0] as number) << 8);
    if (v === 5) out.push(...decodeV5(d.bytes, d.from).records);
    else
      out.push(...(v === 9 ? decodeV9(d.bytes, d.from, cache) : decodeIpfix(d.bytes, d.from, cache)).records);
  }
  return out.map((r) => {
    const n = flowToNar(r);
    return TRUTH_FLOW_COLUMNS.map((c) => String(n[c])).join(',');
  });
}

describe('runNetflowLoad', () => {
  it('ensures the same seed draws the same flows', () => {
    const a = new Rng(3, 100);
    const b = new Rng(3, 100);
    for (let i = 0; i < 100; i++) expect(nextFlow(a, 1e12, 10)).toEqual(nextFlow(b, 1e12, 10));
  });

  for (const version of [5, 9, 10] as const) {
    it(`ensures every v${version} flow received decodes to truth/flows.csv and the report counts per exporter`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'narflow-lg-netflow-'));
      dirs.push(dir);
      const c = await collector();
      const r = await runNetflowLoad({
        target: { host: '127.0.0.1', port: c.port },
        version,
        exporters: 3,
        flows: 1000,
        rate: 0,
        templateEvery: 4,
        out: dir,
      });
      await new Promise((res) => setTimeout(res, 100));
      c.socket.close();
      const truth = (await readFile(join(dir, 'truth', 'flows.csv'), 'utf8')).split('\n');
      expect(truth[0]).toBe(TRUTH_FLOW_HEADER);
      expect(truth.at(-1)).toBe('');
      expect(rows(c.datagrams).sort()).toEqual(truth.slice(1, -1).sort());
      expect(r.ended).toBe('done');
      expect(r.summary).toMatchObject({ flows: 1000, packets: c.datagrams.length, sendErrors: 0 });
      expect(r.exporters.map((e) => [e.address, e.flows])).toEqual([
        ['127.0.0.10', 334],
        ['127.0.0.11', 333],
        ['127.0.0.12', 333],
      ]);
      expect(new Set(c.datagrams.map((d) => d.from))).toEqual(
        new Set(['127.0.0.10', '127.0.0.11', '127.0.0.12']),
      );
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
        summary: { flows: number };
      };
      expect(report.summary.flows).toBe(1000);
      expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<svg');
    });
  }

  it('ensures the command entry parses, runs and summarises', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-lg-netflow-'));
    dirs.push(dir);
    const c = await collector();
    const r = await netflowLoadgen([
      '--target',
      `127.0.0.1:${c.port}`,
      '--version',
      '5',
      '--flows',
      '90',
      '--progress',
      'off',
      '--out',
      dir,
    ]);
    c.socket.close();
    expect(r).toMatchObject({ out: dir, ended: 'done', failed: false, errors: { count: 0 } });
    expect(r.summary).toMatch(
      /^sent +90 flows in 3 datagrams \(0 with templates\)\nexporters +1 × NetFlow v5/,
    );
  });

  it('ensures a pause stops the clock and the sending until it is lifted', async () => {
    const c = await collector();
    let pause = false;
    const asked: boolean[] = [];
    const started = Date.now();
    const run = runNetflowLoad(
      {
        target: { host: '127.0.0.1', port: c.port },
        version: 9,
        flows: 400,
        rate: 1000,
        recordsPerPacket: 10,
      },
      {
        paused: (next) => {
          asked.push(next.templates);
          return pause;
        },
      },
    );
    await new Promise((res) => setTimeout(res, 150));
    pause = true;
    await new Promise((res) => setTimeout(res, 50));
    const during = c.datagrams.length;
    await new Promise((res) => setTimeout(res, 300));
    expect(c.datagrams.length).toBe(during);
    pause = false;
    const r = await run;
    c.socket.close();
    expect(r.summary.flows).toBe(400);
    expect(r.summary.pausedMs).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400 + 250);
    expect(asked[0]).toBe(true); // the first packet carries the templates
  });

  it('ensures a storm silences an exporter, then restarts it with a new sequence and templates', async () => {
    const c = await collector();
    const r = await runNetflowLoad({
      target: { host: '127.0.0.1', port: c.port },
      version: 10,
      exporters: 2,
      flows: 1200,
      rate: 4000,
      recordsPerPacket: 10,
      templateEvery: 0,
      shape: { kind: 'storm', gsn: 1, atMs: 50, downMs: 100 },
    });
    c.socket.close();
    expect(r.exporters[1]).toMatchObject({ restarts: 1, templatePackets: 2, flows: 600 });
    expect(r.exporters[0]).toMatchObject({ restarts: 0, templatePackets: 1, flows: 600 });
    const seqs = c.datagrams
      .filter((d) => d.from === '127.0.0.11')
      .map((d) => new DataView(d.bytes.buffer).getUint32(8));
    expect(seqs.filter((s) => s === 0)).toHaveLength(2);
  });
});
