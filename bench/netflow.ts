/**
 * Flow-collector benchmarks:
 *  - decode: `decodeIpfix` + `flowToNar` over datagrams of `narflow loadgen netflow` (24 flows each)
 *    on one core, against msgpackr unpacking the same flows as NARs, in the same run;
 *  - ingest end to end: the netflow load generator (4 IPFIX exporters, 24 flows per datagram, as
 *    fast as the sockets take them, for a few seconds) against narflow running
 *    test/fixtures/netflow-flows.yaml (netflow-ei → file OI, one row per flow): flows accepted by the
 *    collector's socket and log, and flows decoded and committed to the output per second (first
 *    send → last output file committed); the baseline is the same load against a bare UDP receiver
 *    that only counts datagrams (bench/netflow-receiver.ts). NetFlow is not acknowledged, so what
 *    the kernel drops is lost: drops are read from /proc/net/snmp (Udp RcvbufErrors, the whole host)
 *    and from the node's socket (udp_kernel_drops_ipfix). Then a run at half the measured rate,
 *    which should lose nothing.
 */
import { createSocket } from 'node:dgram';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SimulatedExporter } from '../src/cluster/loadgen/netflow/exporter.js';
import { runNetflowLoad } from '../src/cluster/loadgen/netflow/index.js';
import { decodeIpfix, flowToNar, TemplateCache } from '../src/protocols/netflow/index.js';
import { BIN, ROOT } from './narflow-process.js';
import { child, decodeAgainstMsgpackr, narsOf, udpRcvbufErrors } from './servers.js';
import { BenchError, count, rate } from './stats.js';

const EXPORTERS = 4;
const RECORDS = 24;
const LOAD_MS = 3000;

export interface NetflowDecodeResult {
  readonly flowsPerSecond: number;
  readonly baselinePerSecond: number;
  readonly bytesPerFlow: number;
}

export function runNetflowDecodeBench(): NetflowDecodeResult {
  const now = Date.now();
  const config = {
    index: 0,
    address: '127.0.0.10',
    version: 10 as const,
    templateEvery: 0,
    sampling: 1,
    seed: 1,
  };
  const e = new SimulatedExporter(config, now);
  const datagrams = Array.from({ length: 1000 }, (_, i) => e.next(now + i, RECORDS).bytes);
  const cache = new TemplateCache();
  const r = decodeAgainstMsgpackr(
    datagrams,
    narsOf(datagrams, (d) => decodeIpfix(d, config.address, cache).records.map((r) => flowToNar(r))),
    (d) => {
      let n = 0;
      for (const rec of decodeIpfix(d, config.address, cache).records)
        n += Object.keys(flowToNar(rec)).length;
      return n;
    },
    'netflow',
  );
  return {
    flowsPerSecond: r.perSecond,
    baselinePerSecond: r.baselinePerSecond,
    bytesPerFlow: r.bytesPerItem,
  };
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const load = (port: number, rate: number) =>
  runNetflowLoad({
    target: { host: '127.0.0.1', port },
    version: 10,
    exporters: EXPORTERS,
    recordsPerPacket: RECORDS,
    rate,
    durationMs: LOAD_MS,
    templateEvery: 20,
    maxSeconds: 60,
  });

async function metric(port: number, re: RegExp): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const m = re.exec(text);
  return m === null ? 0 : Number(m[1]);
}

/** When the last output file was committed (its rename into place). */
async function lastCommitMs(dir: string): Promise<number> {
  let last = 0;
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.csv')))
    last = Math.max(last, (await stat(join(dir, f))).mtimeMs);
  return last;
}

export type NetflowIngestResult = Awaited<ReturnType<typeof runNetflowIngestBench>>;

export async function runNetflowIngestBench(work: string, progress: (s: string) => void) {
  progress('netflow: baseline (bare UDP receiver)');
  const rport = await freePort();
  const receiver = child([join(ROOT, 'dist', 'bench', 'netflow-receiver.js'), String(rport)], undefined);
  await receiver.waitFor(/^listening/, 10_000);
  let before = await udpRcvbufErrors();
  const base = await load(rport, 0);
  await new Promise((r) => setTimeout(r, 300));
  receiver.kill();
  const counted = JSON.parse(await receiver.waitFor(/^\{/, 10_000)) as { datagrams: number; lastMs: number };
  await receiver.done;
  const baseline = {
    offeredFlows: base.summary.flows,
    receivedFlows: counted.datagrams * RECORDS,
    flowsPerSecond: (counted.datagrams * RECORDS * 1000) / Math.max(1, counted.lastMs - base.startedAtMs),
    rcvbufErrors: (await udpRcvbufErrors()) - before,
  };

  const dir = join(work, 'netflow');
  await rm(dir, { recursive: true, force: true });
  const ipfixPort = await freePort();
  const narflow = child(
    [
      BIN,
      'run',
      join(ROOT, 'test', 'fixtures', 'netflow-flows.yaml'),
      '--data-dir',
      join(dir, 'data'),
      '--set',
      `nodes[collector].settings.listen.netflowPort=${await freePort()}`,
      '--set',
      `nodes[collector].settings.listen.ipfixPort=${ipfixPort}`,
      '--set',
      'host.metrics.port=0',
      '--set',
      `nodes[flows].settings.dir=${join(dir, 'out')}`,
      '--set',
      'nodes[flows].settings.rollRecords=500000',
      '--set',
      'nodes[flows].settings.rollIntervalMs=500',
    ],
    undefined,
  );
  try {
    const admin = JSON.parse(await narflow.waitFor(/"admin server listening"/, 30_000)) as { port: number };
    await narflow.waitFor(/"flow collector listening"/, 30_000);
    const out = (): Promise<number> =>
      metric(admin.port, /^narflow_node_records_out_total\{node="flows"\} (\d+)$/m);
    /** Waits until the output stops growing (2 s without a new row). */
    const settled = async (): Promise<number> => {
      let last = -1;
      let stableSince = Date.now();
      for (;;) {
        const n = await out();
        if (n !== last) [last, stableSince] = [n, Date.now()];
        else if (Date.now() - stableSince >= 2000) return n;
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    progress('netflow: narflow, as fast as the sockets take them');
    before = await udpRcvbufErrors();
    const full = await load(ipfixPort, 0);
    const outputFlows = await settled();
    const accepted = await metric(
      admin.port,
      /^narflow_ingest_events_total\{node="collector",event="datagrams"\} (\d+)$/m,
    );
    const nodeKernelDrops = await metric(
      admin.port,
      /^narflow_ingest_state\{[^}]*name="udp_kernel_drops_ipfix"\} (\d+)$/m,
    );
    const saturatedDrops = (await udpRcvbufErrors()) - before;
    const committedMs = await lastCommitMs(join(dir, 'out'));
    const loadS = (full.summary.elapsedMs - full.summary.pausedMs) / 1000;
    const saturated = {
      offeredFlows: full.summary.flows,
      offeredPerSecond: full.summary.flows / loadS,
      acceptedFlows: accepted * RECORDS,
      acceptedPerSecond: (accepted * RECORDS) / loadS,
      outputFlows,
      outputPerSecond: (outputFlows * 1000) / Math.max(1, committedMs - full.startedAtMs),
      rcvbufErrors: saturatedDrops,
      nodeKernelDrops,
    };
    const rate = Math.max(1000, Math.round(saturated.outputPerSecond / 2 / 1000) * 1000);
    progress(`netflow: narflow at half that rate (${rate} flows/s)`);
    before = await udpRcvbufErrors();
    const paced = await load(ipfixPort, rate);
    const pacedOut = (await settled()) - outputFlows;
    narflow.kill();
    const code = await narflow.done;
    if (code !== 0)
      throw new BenchError('process_failed', `narflow exited ${code}: ${narflow.output().slice(-2000)}`);
    return {
      exporters: EXPORTERS,
      recordsPerPacket: RECORDS,
      loadMs: LOAD_MS,
      baseline,
      saturated,
      paced: {
        rate,
        offeredFlows: paced.summary.flows,
        outputFlows: pacedOut,
        rcvbufErrors: (await udpRcvbufErrors()) - before,
      },
    };
  } finally {
    narflow.kill();
    await narflow.done;
  }
}

/** The decode and ingest benchmarks; prints their lines. */
export async function runNetflow(
  work: string,
  say: (line: string) => void,
  progress: (line: string) => void,
): Promise<{ decode: NetflowDecodeResult; ingest: NetflowIngestResult }> {
  progress('netflow: IPFIX decode');
  const decode = runNetflowDecodeBench();
  say(
    `block ipfix-decode (decodeIpfix + flowToNar, ${RECORDS} flows per message, ${decode.bytesPerFlow.toFixed(1)} B per flow): ` +
      `${rate(decode.flowsPerSecond)} flows/s (${(1e6 / decode.flowsPerSecond).toFixed(2)} µs/flow) — ` +
      `${(decode.flowsPerSecond / decode.baselinePerSecond).toFixed(2)}× baseline (msgpackr unpack of the same flows as NARs, ` +
      `${rate(decode.baselinePerSecond)}/s)`,
  );
  const ingest = await runNetflowIngestBench(work, progress);
  const s = ingest.saturated;
  const b = ingest.baseline;
  const p = ingest.paced;
  say(
    `netflow-ei ingest IPFIX (${ingest.exporters} exporters, ${ingest.recordsPerPacket} flows/datagram, ${ingest.loadMs / 1000} s as fast as the sockets take them, ` +
      `${rate(s.offeredPerSecond)} flows/s offered): ${rate(s.acceptedPerSecond)} flows/s accepted (socket → input log), ` +
      `${rate(s.outputPerSecond)} flows/s decoded and committed end to end (first send → last output file; ${count(s.outputFlows)} of ${count(s.offeredFlows)} flows) — ` +
      `${(s.outputPerSecond / b.flowsPerSecond).toFixed(2)}× baseline (bare UDP receiver counting datagrams: ${rate(b.flowsPerSecond)} flows/s, ` +
      `${count(b.receivedFlows)} of ${count(b.offeredFlows)} received, ${b.rcvbufErrors} RcvbufErrors); ` +
      `kernel drops ${s.nodeKernelDrops} datagrams on the node's socket, ${s.rcvbufErrors} RcvbufErrors on the host`,
  );
  say(
    `  at half that rate (${count(p.rate)} flows/s for ${ingest.loadMs / 1000} s): ${count(p.outputFlows)} of ${count(p.offeredFlows)} flows out, ` +
      `${p.offeredFlows - p.outputFlows} lost, ${p.rcvbufErrors} RcvbufErrors on the host`,
  );
  return { decode, ingest };
}
