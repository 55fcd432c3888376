/**
 * The GTP' lines of `npm run bench` (and `--only gtpp`): CDR decode and encode against msgpackr, the
 * load generator streaming its CDRs, gtpp-ei ingest over UDP and TCP against a bare responder, UDP
 * over two gateways, a soak of the whole chain (config/gtpp-chain.yaml), and the same chain as fast
 * as the answers come.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runGtppScaleBench, type ScaleRun } from './gtpp-scale.js';
import { runGtppSoakBench, type SoakResult } from './gtpp-soak.js';
import { runGtppStreamBench, type StreamResult } from './gtpp-stream.js';
import {
  runCdrDecodeBench,
  runCdrEncodeBench,
  runCdrFileRecordsBench,
  runFileOiRowsBench,
  type DecodeResult,
  type EncodeResult,
  type FileRecordsResult,
  type RowsResult,
} from './gtpp-codec.js';
import { LOADGEN_NICE, runGtppIngestBench, type IngestRun } from './gtpp.js';
import type { BusyCost } from './servers.js';
import { count, mib, ms, rate } from './stats.js';

const GTPP_CDRS = 400_000;

/** What a busy span of a narflow process cost, as the ingest lines print it. */
function cpuText(r: BusyCost & { readonly peakRssBytes: number | undefined }): string {
  return (
    (r.cpuUsPerCdr === undefined || r.cores === undefined
      ? ''
      : `narflow CPU ${r.cpuUsPerCdr.toFixed(1)} µs/CDR (all threads, ${r.cores.toFixed(2)} cores busy); `) +
    (r.busiestThread === undefined
      ? ''
      : `busiest thread ${r.busiestThread.usPerCdr.toFixed(1)} µs/CDR (${r.busiestThread.share.toFixed(2)} of a core); `) +
    (r.machineCores === undefined || r.cores === undefined
      ? ''
      : `the machine ${r.machineCores.toFixed(2)} of ${cpus().length} cores busy ` +
        `(${(r.machineCores - r.cores).toFixed(2)} besides narflow: the load generator and the host's other work); `) +
    projectedText(r) +
    (r.peakRssBytes === undefined ? '' : `peak RSS ${mib(r.peakRssBytes)}; `)
  );
}

/**
 * What narflow would take with the machine's cores to itself, from what it spent per CDR: every
 * thread's CPU spread over all cores, but no faster than its busiest thread on one. A projection (the
 * load generator cannot run elsewhere here), printed as one, next to the measured rate.
 */
function projectedText(r: BusyCost): string {
  if (r.cpuUsPerCdr === undefined || r.busiestThread === undefined) return '';
  const cores = cpus().length;
  const spread = (cores * 1e6) / r.cpuUsPerCdr;
  const thread = 1e6 / r.busiestThread.usPerCdr;
  return (
    `projected with its ${cores} cores to itself ${rate(Math.min(spread, thread))} CDRs/s ` +
    `(${thread < spread ? 'bounded by its busiest thread' : 'all its threads spread over the cores'}); `
  );
}

/** CDR decode and encode, GTP' ingest (UDP, TCP) and UDP over two gateways; prints their lines. */
export async function runGtpp(
  work: string,
  say: (line: string) => void,
  progress: (line: string) => void,
): Promise<{
  decode: DecodeResult;
  fileRecords: FileRecordsResult;
  rows: RowsResult;
  encode: EncodeResult;
  stream: StreamResult;
  ingest: IngestRun[];
  scale: ScaleRun;
  threads: ScaleRun;
  soak: SoakResult;
  /** The same chain as fast as the answers come. */
  chain: SoakResult;
}> {
  progress('gtpp: CDR decode');
  const decode = runCdrDecodeBench();
  say(
    `block cdr-decode (packCdrNar, as gtpp-ei decodes: the NAR written as MessagePack; 5 record types, ` +
      `${Math.round(decode.bytesPerCdr)} B per CDR, 3 containers): ` +
      `${rate(decode.cdrsPerSecond)} CDRs/s (${(1e6 / decode.cdrsPerSecond).toFixed(2)} µs/CDR) — ` +
      `${(decode.cdrsPerSecond / decode.baselinePerSecond).toFixed(2)}× baseline (msgpackr decode of the same records as NARs, ` +
      `${rate(decode.baselinePerSecond)}/s); as NAR objects (decodeCdrToNar, the CDR file EI's path) ` +
      `${rate(decode.objectCdrsPerSecond)} CDRs/s (${(1e6 / decode.objectCdrsPerSecond).toFixed(2)} µs/CDR) — ` +
      `${(decode.objectCdrsPerSecond / decode.objectBaselinePerSecond).toFixed(2)}× baseline`,
  );
  progress('gtpp: CDR file EI records');
  const fileRecords = runCdrFileRecordsBench();
  say(
    `block cdr-file-records (the CDR file EI per CDR: its NAR with cdrFile and cdrIndex, packed as the gateway ` +
      `packs, into batches of ${fileRecords.recordsPerBatch}): ${rate(fileRecords.cdrsPerSecond)} CDRs/s ` +
      `(${(1e6 / fileRecords.cdrsPerSecond).toFixed(2)} µs/CDR) — ` +
      `${(fileRecords.cdrsPerSecond / fileRecords.objectCdrsPerSecond).toFixed(2)}× baseline (NAR objects with ` +
      `the same attributes, as it made them before, ${rate(fileRecords.objectCdrsPerSecond)}/s)`,
  );
  progress('gtpp: file-oi CSV rows');
  const rows = runFileOiRowsBench();
  say(
    `block file-oi-rows (CSV rows of the gateway's NARs, cdr columns, ${rows.recordsPerBatch} per batch, ` +
      `written from the batch's bytes as the file OI does): ${rate(rows.rowsPerSecond)} rows/s ` +
      `(${(1e6 / rows.rowsPerSecond).toFixed(2)} µs/row) — ${(rows.rowsPerSecond / rows.objectRowsPerSecond).toFixed(2)}× ` +
      `baseline (the batch decoded into NAR objects and formatted, ${rate(rows.objectRowsPerSecond)}/s)`,
  );
  progress('gtpp: CDR encode and load generator preparation');
  const encode = runCdrEncodeBench();
  say(
    `block cdr-encode (encodeCdr, 5 record types): ${rate(encode.cdrsPerSecond)} CDRs/s ` +
      `(${(1e6 / encode.cdrsPerSecond).toFixed(2)} µs/CDR) — ${(encode.cdrsPerSecond / encode.baselinePerSecond).toFixed(2)}× ` +
      `baseline (msgpackr pack of the same records, ${rate(encode.baselinePerSecond)}/s); ` +
      `loadgen gtpp preparation (generate, encode, frame, ground truth) ${encode.prepareUsPerCdr.toFixed(1)} µs/CDR ` +
      `over ${count(encode.preparedCdrs)} CDRs`,
  );
  const stream = await runGtppStreamBench(work, progress);
  const { short, long } = stream;
  say(
    `loadgen gtpp --prepare stream (UDP, 4 GSNs, bare responder, CDRs made while sending): ` +
      `${short.seconds} s at ${rate(short.cdrsPerSecond)} CDRs/s, ${long.seconds} s at ${rate(long.cdrsPerSecond)}/s — ` +
      `${(short.cdrsPerSecond / stream.aheadCdrsPerSecond).toFixed(2)}× baseline (the ${count(short.cdrs)} CDRs ` +
      `prepared ahead: ${rate(stream.aheadCdrsPerSecond)}/s); generator peak RSS ${mib(short.peakRssBytes)} after ` +
      `${short.seconds} s, ${mib(long.peakRssBytes)} after ${long.seconds} s ` +
      `(${(long.peakRssBytes / short.peakRssBytes).toFixed(2)}×)`,
  );
  const ingest: IngestRun[] = [];
  for (const transport of ['udp', 'tcp'] as const) {
    const r = await runGtppIngestBench(work, transport, GTPP_CDRS, progress);
    ingest.push(r);
    say(
      `gtpp-ei ingest ${transport.toUpperCase()} ${count(r.cdrs)} CDRs (4 GSNs, 10 CDRs/message, 64 in flight each): ` +
        `${rate(r.cdrsPerSecond)} CDRs/s decoded and durably accepted once narflow has run ${count(r.cold.cdrs)} CDRs ` +
        `(those first ones after its start: ${rate(r.cold.cdrsPerSecond)}/s; the same from ${r.manyGsns.gsns} GSNs, ` +
        `${r.manyGsns.gsns * 64} in flight: ${rate(r.manyGsns.cdrsPerSecond)}/s` +
        `${r.manyGsns.cores === undefined ? '' : `, narflow at ${r.manyGsns.cores.toFixed(2)} cores`}` +
        (transport === 'udp'
          ? `, ${r.manyGsns.udpReceiveErrors} UDP receive-buffer drops, the receive queue at most ` +
            `${r.manyGsns.peakQueuedBytes === undefined ? 'unknown' : mib(r.manyGsns.peakQueuedBytes)}`
          : '') +
        `; the same with the load generator at nice ${LOADGEN_NICE}, narflow having the cores first: ` +
        `${rate(r.manyGsns.narflowFirstCdrsPerSecond)}/s) — ` +
        `${(r.cdrsPerSecond / r.baselinePerSecond).toFixed(2)}× ` +
        `baseline (bare responder, no decode, no log: ${rate(r.baselinePerSecond)}/s` +
        `${r.baselineMachineCores === undefined ? '' : `, the machine ${r.baselineMachineCores.toFixed(2)} of ${cpus().length} cores busy`}); ` +
        cpuText(r) +
        `at half rate (${rate(r.halfRate.offered)}/s) send → answer p50 ${ms(r.halfRate.p50Ms)}, p99 ${ms(r.halfRate.p99Ms)}, max ${ms(r.halfRate.maxMs)} ` +
        `(bare responder at that rate: p99 ${ms(r.halfRate.baselineP99Ms)}, max ${ms(r.halfRate.baselineMaxMs)}); ` +
        `receipt → answer in the gateway p99 ${r.halfRate.gatewayP99Ms === undefined ? 'unknown' : ms(r.halfRate.gatewayP99Ms)} ` +
        `(${r.halfRate.gatewayWithin20Ms === undefined ? 'unknown' : (r.halfRate.gatewayWithin20Ms * 100).toFixed(2) + '%'} within 20 ms; target p99 < 20 ms: 99%), ` +
        `its input-log commits (synced write) p99 ${r.halfRate.commitP99Ms === undefined ? 'unknown' : ms(r.halfRate.commitP99Ms)}, ` +
        `its thread's event-loop delay p99 ${r.halfRate.stallP99Ms === undefined ? 'unknown' : ms(r.halfRate.stallP99Ms)}` +
        (transport === 'udp'
          ? `; receive buffer ${r.receiveBufferBytes === undefined ? 'unknown' : mib(r.receiveBufferBytes)}, ${r.udpReceiveErrors} UDP receive-buffer drops, ${r.retransmitted} retransmissions`
          : ''),
    );
    const l = r.largeMessages;
    say(
      `gtpp-ei ingest ${transport.toUpperCase()} ${count(r.cdrs)} CDRs with ${l.cdrsPerMessage} CDRs/message ` +
        `(${r.manyGsns.gsns} GSNs, 64 in flight each, messages of about 7 KB): ${rate(l.cdrsPerSecond)} CDRs/s ` +
        `decoded and durably accepted (target: 250k on 2 cores) — ${(l.cdrsPerSecond / r.cdrsPerSecond).toFixed(2)}× ` +
        `the 10-CDR messages above; ` +
        (
          cpuText({ ...l, peakRssBytes: undefined }) +
          (transport === 'udp'
            ? `${l.udpReceiveErrors} UDP receive-buffer drops (the receive queue peaked at ` +
              `${l.peakQueuedBytes === undefined ? 'unknown' : mib(l.peakQueuedBytes)} of the ` +
              `${r.receiveBufferBytes === undefined ? 'unknown' : mib(r.receiveBufferBytes)} buffer, as the kernel counts it)`
            : '')
        ).replace(/; $/, ''),
    );
  }
  const one = ingest[0] as IngestRun;
  const scale = await runGtppScaleBench(work, GTPP_CDRS, progress);
  say(
    `gtpp-ei ingest UDP over ${scale.gateways} gateways, one port each (2 GSNs each, both loads at once) ` +
      `${count(scale.cdrs)} CDRs: ` +
      (scale.cdrsPerSecond === undefined || one.busyCdrsPerSecond === undefined
        ? 'rate unknown (no busy span); '
        : `${rate(scale.cdrsPerSecond)} CDRs/s together over narflow's busy span — ` +
          `${(scale.cdrsPerSecond / one.busyCdrsPerSecond).toFixed(2)}× one gateway measured so in this run ` +
          `(${rate(one.busyCdrsPerSecond)}/s); `) +
      cpuText(scale).replace(/; $/, ''),
  );
  const threads = await runGtppScaleBench(work, GTPP_CDRS, progress, 'decode-threads');
  say(
    `gtpp-ei ingest UDP, one gateway decoding on ${threads.decodeThreads} decode thread of its own (decodeThreads, 4 GSNs) ` +
      `${count(threads.cdrs)} CDRs: ` +
      (threads.cdrsPerSecond === undefined || one.busyCdrsPerSecond === undefined
        ? 'rate unknown (no busy span); '
        : `${rate(threads.cdrsPerSecond)} CDRs/s over narflow's busy span — ` +
          `${(threads.cdrsPerSecond / one.busyCdrsPerSecond).toFixed(2)}× the gateway decoding on its own thread in this run ` +
          `(${rate(one.busyCdrsPerSecond)}/s); `) +
      `${count(threads.decodeJobs.sent)} jobs to the decode thread, ${count(threads.decodeJobs.here)} turns decoded on the gateway's thread (the decode thread busy); ` +
      cpuText(threads).replace(/; $/, '') +
      (one.busiestThread === undefined
        ? ''
        : ` (the gateway alone: busiest thread ${one.busiestThread.usPerCdr.toFixed(1)} µs/CDR)`),
  );
  const soak = await runGtppSoakBench(join(work, 'gtpp-soak'), progress);
  say(
    `gtpp-chain.yaml soak (gtpp-ei → order enhancer → cdr file and session aggregate; streamed load, 4 GSNs, ` +
      `2% duplicate scenarios, ${rate(soak.offered)} CDRs/s offered): ${rate(soak.cdrsPerSecond)} CDRs/s taken over ${soak.seconds.toFixed(0)} s; ` +
      `${count(soak.outputCdrs)} CDRs and ${count(soak.sessions)} sessions in the outputs, equal to the ground truth ` +
      `(complete ${soak.catchUpSeconds.toFixed(1)} s after the load ended); ` +
      `narflow RSS ${mib(soak.rssThirdBytes)} after a third of the load, ${mib(soak.rssEndBytes)} at its end ` +
      `(${(soak.rssEndBytes / soak.rssThirdBytes).toFixed(2)}×), peak ${mib(soak.rssPeakBytes)}; ` +
      `order enhancer: checkpoints up to ${mib(soak.oeCheckpointBytes)}, at most every ` +
      `${(soak.oeCheckpointIntervalMs / 1000).toFixed(1)} s (host.checkpointMaxLoad), time lag up to ` +
      `${(soak.oeTimeLagMaxMs / 1000).toFixed(1)} s, records held (open sessions') up to ${count(soak.oeHeldMax)}, ` +
      `${count(soak.oeHeldEnd)} at the end of the load`,
  );
  const chain = await runGtppSoakBench(join(work, 'gtpp-chain'), progress, 'full');
  say(
    `gtpp-chain.yaml as fast as answers come (gtpp-ei → order enhancer → cdr file and session aggregate; ` +
      `100,000 sessions of 1–5 CDRs prepared ahead after 30,000 to warm up, 8 GSNs, 64 requests in flight each, 500 ms timeout, ` +
      `10 CDRs/message, 2% duplicate scenarios): ${rate(chain.cdrsPerSecond)} CDRs/s taken; ` +
      `${count(chain.outputCdrs)} CDRs and ${count(chain.sessions)} sessions in the outputs (a warm-up's ${count(chain.outputCdrs - chain.accepted)} included), equal to the ground truth ` +
      `(complete ${chain.catchUpSeconds.toFixed(1)} s after the load ended); ` +
      cpuText({ ...chain.cpu, peakRssBytes: chain.rssPeakBytes }).replace(/; $/, ''),
  );
  return { decode, fileRecords, rows, encode, stream, ingest, scale, threads, soak, chain };
}
