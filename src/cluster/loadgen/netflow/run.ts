/**
 * `runNetflowLoad`: simulated exporters send NetFlow v5, v9 or IPFIX datagrams to a collector under
 * the rate shape until the run's bounds; every datagram the socket took is in the ground truth.
 * NetFlow has no acknowledgement: what the collector did with them is for the caller to check.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { writeReportFiles } from '../report.js';
import { StormSwitch } from '../send-loop.js';
import { RateScheduler } from '../shape.js';
import { netflowReportHtml } from './html.js';
import { SimulatedExporter, type BuiltPacket, type ExporterCounts } from './exporter.js';
import type { NetflowLoadReport, NetflowRunHooks } from './report.js';
import {
  exporterAddress,
  fillNetflowLoadOptions,
  type NetflowLoadInput,
  type NetflowLoadOptions,
} from './options.js';
import { TruthWriter } from './truth.js';
import { extraDataRecords } from './wire.js';

const LOOP_MS = 1;
const MAX_BURST = 512;
const MAX_IN_FLIGHT = 2048;
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

function openSocket(address: string, onError: (err: Error) => void): Promise<Socket> {
  const s = createSocket({
    type: isIP(address) === 6 ? 'udp6' : 'udp4',
    sendBufferSize: SOCKET_BUFFER_BYTES,
  });
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind({ address, port: 0, exclusive: true }, () => {
      s.removeListener('error', reject);
      s.on('error', onError);
      resolve(s);
    });
  });
}

/** Runs the load; writes `report.json` and `truth/flows.csv` under `out` when set. */
export async function runNetflowLoad(
  input: NetflowLoadInput,
  hooks: NetflowRunHooks = {},
): Promise<NetflowLoadReport> {
  const o = fillNetflowLoadOptions(input);
  const startedAtMs = Date.now();
  const exporters = Array.from(
    { length: o.exporters },
    (_, index) =>
      new SimulatedExporter(
        {
          index,
          address: exporterAddress(o.target, index),
          version: o.version,
          templateEvery: o.templateEvery,
          sampling: o.sampling,
          seed: o.seed,
        },
        startedAtMs,
      ),
  );
  const errors = { count: 0, last: undefined as string | undefined };
  const onError = (err: Error): void => {
    errors.count++;
    errors.last = err.message;
  };
  const sockets = await Promise.all(exporters.map((e) => openSocket(e.address, onError)));
  const truth = o.out === undefined ? undefined : await TruthWriter.open(o.out);
  const limit = (i: number): number =>
    o.flows === undefined
      ? Infinity
      : Math.floor(o.flows / o.exporters) + (i < o.flows % o.exporters ? 1 : 0);
  const send = (e: SimulatedExporter, p: BuiltPacket, done: () => void): void => {
    (sockets[e.config.index] as Socket).send(p.bytes, o.target.port, o.target.host, (err) => {
      done();
      if (err !== null && err !== undefined) {
        state.sendErrors++;
        onError(err);
        return;
      }
      state.packets++;
      state.flows += p.input.flows.length;
      truth?.add(e.address, p.input);
      hooks.sent?.({
        exporter: e.config.index,
        address: e.address,
        flows: p.input.flows.length,
        dataRecords: p.input.flows.length + extraDataRecords(p.input),
        templates: p.input.templates,
      });
    });
  };
  const state = {
    packets: 0,
    flows: 0,
    sendErrors: 0,
    pausedMs: 0,
    series: [] as { second: number; flows: number; packets: number }[],
  };
  const ended = await loop(o, exporters, limit, send, hooks, state);
  for (const s of sockets) s.close();
  await truth?.close();
  const elapsedMs = Date.now() - startedAtMs;
  const total = (k: keyof ExporterCounts): number => exporters.reduce((n, e) => n + e.counts[k], 0);
  const activeS = Math.max(0.001, (elapsedMs - state.pausedMs) / 1000);
  const report: NetflowLoadReport = {
    options: o,
    startedAtMs,
    summary: {
      packets: state.packets,
      flows: state.flows,
      templatePackets: total('templatePackets'),
      octets: total('octets'),
      sendErrors: state.sendErrors,
      elapsedMs,
      pausedMs: Math.round(state.pausedMs),
      flowsPerSecond: Math.round(state.flows / activeS),
      packetsPerSecond: Math.round(state.packets / activeS),
    },
    exporters: exporters.map((e) => ({
      index: e.config.index,
      address: e.address,
      version: o.version,
      observationDomainId: o.version === 5 ? e.domain & 255 : e.domain,
      ...e.counts,
    })),
    series: state.series,
    errors,
    ended,
  };
  if (o.out !== undefined) await writeReportFiles(o.out, report, netflowReportHtml(report));
  return report;
}

type Sender = (e: SimulatedExporter, p: BuiltPacket, done: () => void) => void;
interface LoopState {
  packets: number;
  flows: number;
  sendErrors: number;
  pausedMs: number;
  series: { second: number; flows: number; packets: number }[];
}

/** The send loop: releases packets by the shape; resolves when the run ends. */
function loop(
  o: NetflowLoadOptions,
  exporters: readonly SimulatedExporter[],
  limit: (i: number) => number,
  send: Sender,
  hooks: NetflowRunHooks,
  state: LoopState,
): Promise<NetflowLoadReport['ended']> {
  const scheduler = new RateScheduler(o.shape, o.rate, o.recordsPerPacket, o.seed, o.durationMs ?? 60_000);
  const down = new Set<number>();
  const stormPeer = o.shape.kind === 'storm' ? o.shape.gsn : -1;
  const storm = new StormSwitch(
    o.shape,
    () => down.add(stormPeer),
    () => {
      (exporters[stormPeer] as SimulatedExporter).restart(Date.now());
      down.delete(stormPeer);
    },
  );
  const t0 = performance.now();
  const durationMs = o.durationMs ?? Infinity;
  let pausedSince: number | undefined;
  let inFlight = 0;
  let flows = 0;
  let packets = 0;
  let releasing = true;
  let lastProgress = 0;
  let lastFlows = 0;
  let second = { second: 0, flows: 0, packets: 0 };
  const pick = (): SimulatedExporter | undefined => {
    let best: SimulatedExporter | undefined;
    for (const e of exporters) {
      if (down.has(e.config.index) || e.counts.flows >= limit(e.config.index)) continue;
      if (best === undefined || e.counts.flows < best.counts.flows) best = e;
    }
    return best;
  };
  return new Promise((resolve) => {
    const finish = (why: NetflowLoadReport['ended']): void => {
      clearInterval(timer);
      if (pausedSince !== undefined) state.pausedMs += performance.now() - pausedSince;
      state.series.push(second);
      resolve(why);
    };
    const tick = (): void => {
      const wall = performance.now() - t0;
      if (hooks.signal?.aborted === true) return finish('aborted');
      if (wall >= o.maxSeconds * 1000) return finish('max-seconds');
      const pausing = pausedSince === undefined ? 0 : performance.now() - pausedSince;
      const now = wall - state.pausedMs - pausing;
      storm.step(now);
      while (now >= (second.second + 1) * 1000) {
        state.series.push(second);
        second = { second: second.second + 1, flows: 0, packets: 0 };
      }
      if (releasing) {
        const allowed = scheduler.allowed(now);
        for (let burst = 0; burst < MAX_BURST && inFlight < MAX_IN_FLIGHT; burst++) {
          const e = pick();
          if (e === undefined) {
            if (!storm.isDown) releasing = false;
            break;
          }
          const n = Math.min(o.recordsPerPacket, limit(e.config.index) - e.counts.flows);
          if (flows + n > allowed) break;
          if (hooks.paused?.({ exporter: e.config.index, templates: e.templatesDue }) === true) {
            pausedSince ??= performance.now();
            break;
          }
          if (pausedSince !== undefined) {
            state.pausedMs += performance.now() - pausedSince;
            pausedSince = undefined;
          }
          inFlight++;
          send(e, e.next(Date.now(), n), () => inFlight--);
          flows += n;
          packets++;
          second.flows += n;
          second.packets++;
        }
        if (now >= durationMs) releasing = false;
      }
      if (hooks.progress !== undefined && wall - lastProgress >= 1000) {
        hooks.progress({
          elapsedMs: wall,
          flows,
          packets,
          rate: ((flows - lastFlows) * 1000) / (wall - lastProgress),
          paused: pausedSince !== undefined,
        });
        lastFlows = flows;
        lastProgress = wall;
      }
      if (!releasing && inFlight === 0) finish(now >= durationMs ? 'duration' : 'done');
    };
    const timer = setInterval(tick, LOOP_MS);
    tick();
  });
}
