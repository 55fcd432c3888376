/**
 * Interoperability with real peers: softflowd (Debian softflowd) reads a pcap of a few hundred flows
 * (TCP connections, one closed by FIN on both sides, one-way and two-way UDP, IPv6) and exports them as
 * NetFlow v5, v9 and IPFIX; a UDP tee in this process forwards every datagram both to
 * `narflow run config/netflow-collector.yaml` and to nfcapd (Debian nfdump). narflow's flows (the
 * example chain's five-tuple output: each five-tuple occurs once, so each row is one flow) must equal
 * what nfdump reads from nfcapd's file, field by field — five-tuple, bytes, packets, first and last
 * (to the millisecond both derive from the same header fields) — and the flows of the pcap.
 *
 * nfdump 1.7.1 swaps first and last of IPFIX records that carry flowStartSysUpTime (22) and
 * flowEndSysUpTime (21) with systemInitTimeMilliseconds (phaag/nfdump#408, fixed in later versions);
 * softflowd sends them in that order (22 = start), so for IPFIX nfdump's pair is compared as
 * [min, max], and the pcap decides the order.
 */
import { execFile, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvLine } from '../../src/protocols/csv/csv.js';
import { debianTool } from '../helpers/debian-tool.js';
import { expectedFlows, flowPcap, type ExpectedFlow, type FlowPacket } from '../helpers/flow-pcap.js';
import { csvRows, prng, ROOT, sleep, startNarflow } from '../helpers/narflow-process.js';

const softflowd = debianTool('/usr/sbin/softflowd', 'softflowd');
const nfcapd = debianTool('/usr/bin/nfcapd', 'nfdump');
const nfdump = debianTool('/usr/bin/nfdump', 'nfdump');
const VERSIONS = [5, 9, 10] as const;
/** The tee sends each version's datagrams from its own address: narflow's `exporter`, nfdump's "ip exporter". */
const exporterOf = (v: number): string => `127.0.1.${v}`;
const T0_US = 1_764_000_000_000_000; // 2025-11-24T16:00:00Z

const dirs: string[] = [];
afterAll(async () => {
  if (process.env['NARFLOW_KEEP_TEST_DIRS'] === undefined)
    for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** One flow as compared: the five-tuple key, counters and times in ms. */
interface Flow {
  readonly key: string;
  readonly bytes: number;
  readonly packets: number;
  readonly startMs: number;
  readonly endMs: number;
}

/** The five-tuple key: source, source port, destination, destination port, protocol. */
const keyOf = (...tuple: readonly unknown[]): string => tuple.join(' ');

/**
 * A few hundred flows for version `v` (addresses of its own, so five-tuples never meet across versions):
 * TCP connections with data both ways (most closed by FIN), one-way and request/response UDP, and
 * over IPv6 TCP and UDP. Every flow has its own client port.
 */
function richMix(v: number): FlowPacket[] {
  const rnd = prng(v);
  const out: FlowPacket[] = [];
  let port = 20_000;
  const at = (i: number): number => T0_US + i * 40_000 + Math.floor(rnd() * 20_000);
  const tcp = (client: string, server: string, t: number, exchanges: number, fin: boolean): void => {
    const cp = port++;
    const p = (dt: number, up: boolean, flags: number, payload: number): void => {
      t += dt;
      out.push({
        timeUs: t,
        src: up ? client : server,
        dst: up ? server : client,
        protocol: 6,
        srcPort: up ? cp : 443,
        dstPort: up ? 443 : cp,
        payload,
        tcpFlags: flags,
      });
    };
    p(0, true, 0x02, 0);
    p(1000, false, 0x12, 0);
    p(1000, true, 0x10, 0);
    for (let k = 0; k < exchanges; k++) {
      p(1000 + Math.floor(rnd() * 50_000), true, 0x18, 1 + Math.floor(rnd() * 600));
      p(1000 + Math.floor(rnd() * 50_000), false, 0x18, 1 + Math.floor(rnd() * 1400));
    }
    if (fin) {
      p(2000, true, 0x11, 0);
      p(2000, false, 0x11, 0);
      p(1000, true, 0x10, 0);
    }
  };
  const udp = (client: string, server: string, t: number, n: number, answered: boolean): void => {
    const cp = port++;
    for (let k = 0; k < n; k++) {
      const payload = 20 + Math.floor(rnd() * 200);
      const dgram = { timeUs: t, protocol: 17 as const, payload };
      out.push({ ...dgram, src: client, dst: server, srcPort: cp, dstPort: 53 });
      if (answered)
        out.push({ ...dgram, timeUs: t + 3000, src: server, dst: client, srcPort: 53, dstPort: cp });
      t += 10_000 + Math.floor(rnd() * 200_000);
    }
  };
  const v4 = (i: number): string => `10.${v}.${i >> 8}.${(i & 255) + 1}`;
  const v6 = (i: number): string => `2001:db8:${v}::${(i + 1).toString(16)}`;
  tcp(v4(0), `198.51.100.${v}`, T0_US, 2, true); // the connection closed by FIN both ways
  for (let i = 1; i <= 50; i++) tcp(v4(i), `198.51.100.${v}`, at(i), 1 + (i % 5), i % 3 !== 0);
  for (let i = 0; i < 60; i++) udp(v4(100 + i), `203.0.113.${v}`, at(i), 1 + (i % 4), false);
  for (let i = 0; i < 30; i++) udp(v4(200 + i), `192.0.2.${v}`, at(i), 1 + (i % 3), true);
  for (let i = 0; i < 15; i++) tcp(v6(i), `2001:db8:ff::${v}`, at(i), 1 + (i % 3), true);
  for (let i = 0; i < 20; i++) udp(v6(100 + i), `2001:db8:ff::53`, at(i), 1 + (i % 2), false);
  return out.sort((a, b) => a.timeUs - b.timeUs);
}

/** Forwards every datagram to narflow and nfcapd, from the version's own exporter address. */
async function tee(
  narflow: { netflow: number; ipfix: number },
  nfcapdPort: number,
): Promise<{ port: number; close(): void; count: Map<number, number> }> {
  const bind = async (address: string): Promise<Socket> => {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, address, r));
    return s;
  };
  const front = await bind('127.0.0.1');
  const back = new Map<number, Socket>();
  for (const v of VERSIONS) back.set(v, await bind(exporterOf(v)));
  const count = new Map<number, number>();
  front.on('message', (m) => {
    const v = m.readUInt16BE(0);
    const s = back.get(v);
    if (s === undefined) return;
    count.set(v, (count.get(v) ?? 0) + 1);
    s.send(m, v === 10 ? narflow.ipfix : narflow.netflow, '127.0.0.1');
    s.send(m, nfcapdPort, '127.0.0.1');
  });
  return {
    port: front.address().port,
    count,
    close: () => [front, ...back.values()].forEach((s) => s.close()),
  };
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function run(cmd: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, timeout: 30_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err === null
        ? resolve(stdout)
        : reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)),
    );
  });
}

/** nfdump's `-o raw` records by exporter address. */
function nfdumpFlows(raw: string): Map<string, Flow[]> {
  const out = new Map<string, Flow[]>();
  for (const block of raw.split('Flow Record:').slice(1)) {
    const f: Record<string, string> = {};
    for (const m of block.matchAll(/^\s+([a-z][a-z ]*?)\s+=\s+(\S+)/gm)) f[m[1] as string] = m[2] as string;
    const list = out.get(f['ip exporter'] as string) ?? [];
    list.push({
      key: keyOf(f['src addr'], f['src port'], f['dst addr'], f['dst port'], f['proto']),
      bytes: Number(f['in bytes']),
      packets: Number(f['in packets']),
      startMs: Number(f['first']),
      endMs: Number(f['last']),
    });
    out.set(f['ip exporter'] as string, list);
  }
  return out;
}

const byKey = (flows: readonly Flow[]): Map<string, Flow> => new Map(flows.map((f) => [f.key, f]));

describe('NetFlow v5, v9 and IPFIX from softflowd, collected by narflow and by nfcapd', () => {
  softflowd.require('NetFlow/IPFIX interoperability with softflowd');
  nfcapd.require('NetFlow/IPFIX comparison with nfcapd');
  nfdump.require('NetFlow/IPFIX comparison with nfdump');
  it.runIf(softflowd.present && nfcapd.present && nfdump.present)(
    "ensures narflow's flows equal nfdump's and the pcap's, field by field, for v5, v9 and IPFIX",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'narflow-softflowd-'));
      dirs.push(dir);
      const ports = { netflow: await freeUdpPort(), ipfix: await freeUdpPort() };
      const nfcapdPort = await freeUdpPort();
      await mkdir(join(dir, 'nfcapd'));
      const capdArgs = ['-p', String(nfcapdPort), '-b', '127.0.0.1', '-w', join(dir, 'nfcapd'), '-t', '60'];
      const capd = spawn(nfcapd.path, capdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      let capdOut = '';
      capd.stdout.on('data', (b: Buffer) => (capdOut += b.toString()));
      capd.stderr.on('data', (b: Buffer) => (capdOut += b.toString()));
      const capdExit = new Promise<number | null>((r) => capd.on('exit', (code) => r(code)));
      const narflow = startNarflow([
        'run',
        join(ROOT, 'config', 'netflow-collector.yaml'),
        '--data-dir',
        join(dir, 'data'),
        ...[
          'nodes[collector].settings.listen.address=127.0.0.1',
          `nodes[collector].settings.listen.netflowPort=${ports.netflow}`,
          `nodes[collector].settings.listen.ipfixPort=${ports.ipfix}`,
          'host.metrics.port=0',
          'nodes[five-tuple].settings.flushIntervalMs=1000',
          `nodes[flows].settings.dir=${join(dir, 'out')}`,
          'nodes[flows].settings.rollIntervalMs=500',
        ].flatMap((set) => ['--set', set]),
      ]);
      const t = await tee(ports, nfcapdPort);
      const truth = new Map<number, ExpectedFlow[]>();
      try {
        for (let i = 0; i < 300 && !narflow.output().includes('"flow collector listening"'); i++)
          await sleep(100);
        for (let i = 0; i < 50 && !capdOut.includes('Startup'); i++) await sleep(100);
        for (const v of VERSIONS) {
          const packets = richMix(v);
          await writeFile(join(dir, `v${v}.pcap`), flowPcap(packets));
          // softflowd exports both directions of a conversation with the conversation's times; v5 has no IPv6.
          truth.set(
            v,
            expectedFlows(packets, true).filter((f) => v !== 5 || !f.src.includes(':')),
          );
          // softflowd 1.1.0 keeps only 16 characters of the -r path: run it in the pcap's directory.
          const args = ['-a', '-r', `v${v}.pcap`, '-n', `127.0.0.1:${t.port}`, '-v', String(v), '-d'];
          await run(
            softflowd.path,
            [...args, '-c', `ctl${v}`, '-p', `pid${v}`, ...(v === 5 ? [] : ['-6'])],
            dir,
          );
        }
        await sleep(500);
        const expected = [...truth.values()].reduce((n, l) => n + l.length, 0);
        for (let i = 0; i < 120; i++) {
          if ((await csvRows(join(dir, 'out')).catch(() => [])).length >= expected) break;
          await sleep(250);
        }
        await sleep(1500);
      } finally {
        t.close();
        narflow.child.kill('SIGTERM');
        capd.kill('SIGTERM');
      }
      const ended = await narflow.exit;
      expect(ended.code, narflow.output().slice(-3000)).toBe(0);
      expect(narflow.output().match(/.*"child_terminated".*/g) ?? []).toEqual([]);
      expect(await capdExit, capdOut).toBe(0);
      expect(VERSIONS.map((v) => (t.count.get(v) ?? 0) > 0)).toEqual([true, true, true]);
      const nf = nfdumpFlows(await run(nfdump.path, ['-R', join(dir, 'nfcapd'), '-o', 'raw'], dir));
      const rows = (await csvRows(join(dir, 'out'))).map((l) => parseCsvLine(l, { delimiter: ',' }));
      // exporter, srcIp, srcPort, dstIp, dstPort, protocol, bytes, packets, flowStart, flowEnd, flows
      expect(rows.every((r) => r[10] === '1')).toBe(true);
      for (const v of VERSIONS) {
        const ours = rows
          .filter((r) => r[0] === exporterOf(v))
          .map((r) => ({
            key: keyOf(...r.slice(1, 6)),
            bytes: Number(r[6]),
            packets: Number(r[7]),
            startMs: Date.parse(r[8] as string),
            endMs: Date.parse(r[9] as string),
          }));
        const theirs = nf.get(exporterOf(v)) ?? [];
        const pcap = truth.get(v) as ExpectedFlow[];
        expect(ours.length, `v${v}: narflow flows`).toBe(pcap.length);
        expect(theirs.length, `v${v}: nfdump flows`).toBe(pcap.length);
        const mine = byKey(ours);
        expect(mine.size).toBe(ours.length);
        const problems: string[] = [];
        for (const n of theirs) {
          const o = mine.get(n.key);
          const [first, last] =
            v === 10 ? [Math.min(n.startMs, n.endMs), Math.max(n.startMs, n.endMs)] : [n.startMs, n.endMs];
          const want = `${n.bytes} B ${n.packets} pkts ${first}–${last}`;
          const got = o === undefined ? 'missing' : `${o.bytes} B ${o.packets} pkts ${o.startMs}–${o.endMs}`;
          if (got !== want) problems.push(`v${v} ${n.key}: narflow ${got}, nfdump ${want}`);
        }
        // The pcap: exact milliseconds for v5 and IPFIX; v9 headers carry whole seconds (up to 1 s early).
        const early = v === 9 ? 1000 : 0;
        for (const e of pcap) {
          const k = keyOf(e.src, e.srcPort, e.dst, e.dstPort, e.protocol);
          const o = mine.get(k);
          const first = Math.floor(e.firstUs / 1000);
          const last = Math.floor(e.lastUs / 1000);
          const timeOk = (got: number | undefined, want: number): boolean =>
            got !== undefined && got <= want && got >= want - early;
          if (
            o === undefined ||
            o.bytes !== e.octets ||
            o.packets !== e.packets ||
            !timeOk(o.startMs, first) ||
            !timeOk(o.endMs, last)
          )
            problems.push(
              `v${v} ${k}: narflow ${JSON.stringify(o)}, pcap ${e.octets} B ${e.packets} pkts ${first}–${last}`,
            );
        }
        expect(problems).toEqual([]);
      }
    },
    120_000,
  );
});
