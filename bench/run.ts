/**
 * `npm run bench`: the file-ei → enhance-ep → file-oi chain on the real CLI, against a
 * bare-path baseline measured in the same run (before and after the chain), plus the building blocks.
 * Prints one line per result and writes them to .bench/results.json (and appends .bench/history.jsonl).
 *
 *   node --expose-gc dist/bench/run.js [--records N] [--cpu-prof]
 *     --records N   chain and baseline records (default 1,000,000; a multiple of 100,000)
 *     --only gtpp   run only the GTP' benchmarks (CDR decode, file-oi rows, the load generator
 *                   streaming, GTP' ingest UDP and TCP)
 *     --only radius run only the RADIUS benchmarks (Accounting-Request decode, radius-ei ingest UDP)
 *     --only netflow run only the flow-collector benchmarks (IPFIX decode, netflow-ei ingest end to end)
 *     --cpu-prof    profile the chain's throughput run (node --cpu-prof, one file per thread) and
 *                   print each thread's top self-time functions; profiles stay in .bench/cpu-prof-*
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBaseline, type BaselineResult } from './baseline.js';
import { runBlocks } from './blocks.js';
import { runNodeTypes } from './node-types.js';
import { runOrderEnhancerBench, SPILL_THROUGHPUT_LIMIT } from './order-enhancer.js';
import { CHECKPOINT_OPEN, CHECKPOINT_SESSIONS, SPILL_LIMIT } from './order-enhancer-state.js';
import { runRepartitionBench } from './repartition.js';
import { runChainLatency, runChainThroughput, type ChainSettings } from './chain.js';
import { own, prepareData } from './data.js';
import { ROOT } from './narflow-process.js';
import { formatProfiles, summarizeProfiles, type ThreadProfile } from './profile.js';
import { BenchError, count, mib, ms, rate } from './stats.js';
import { runGtpp } from './gtpp-run.js';
import { runRadius } from './radius.js';
import { runNetflow } from './netflow.js';

const FILES = 10;
const BATCH = 1000;
const GROUP_COMMIT_MS = 5;
const WINDOW = 16;
/** The paced runs: one input file of PACED_FILE records (chain) or that many records in batches (baseline). */
const PACED_FILE = 2000;
const PACED_EVERY_MS = 100;
const PACED_FILES = 50;
/** Paced runs start with cold threads: their first second is not counted. */
const WARMUP_FILES = 1000 / PACED_EVERY_MS;

const THROUGHPUT: ChainSettings = {
  rollRecords: 100_000,
  rollIntervalMs: 1000,
  pollMs: 20,
  tickIntervalMs: 100,
};
const LATENCY: ChainSettings = { rollRecords: 1, rollIntervalMs: 100, pollMs: 20, tickIntervalMs: 100 };

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { records: { type: 'string' }, 'cpu-prof': { type: 'boolean' }, only: { type: 'string' } },
  });
  const records = values.records === undefined ? 1_000_000 : Number(values.records);
  if (!Number.isSafeInteger(records) || records <= 0 || records % (FILES * BATCH * 10) !== 0) {
    throw new BenchError('usage', `--records: expected a positive multiple of 100000, got ${values.records}`);
  }
  const benchDir = join(ROOT, '.bench');
  await mkdir(benchDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'narflow-bench-'));
  const began = Date.now();
  if (
    values.only !== undefined &&
    values.only !== 'gtpp' &&
    values.only !== 'radius' &&
    values.only !== 'netflow'
  ) {
    throw new BenchError('usage', `--only: expected gtpp, radius or netflow, got ${values.only}`);
  }
  if (values.only === 'netflow') {
    try {
      const only = await runNetflow(work, say, progress);
      await writeFile(join(benchDir, 'results-netflow.json'), `${JSON.stringify(only, null, 2)}\n`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return;
  }
  if (values.only !== undefined) {
    try {
      const only =
        values.only === 'gtpp' ? await runGtpp(work, say, progress) : await runRadius(work, say, progress);
      await writeFile(join(benchDir, `results-${values.only}.json`), `${JSON.stringify(only, null, 2)}\n`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return;
  }
  try {
    progress(`preparing ${count(records)} records in ${work}`);
    const data = await prepareData({
      dir: join(work, 'prepared'),
      files: FILES,
      perFile: records / FILES,
      batchRecords: BATCH,
      sampleBatches: 100,
    });
    const secondRun = data.batches.map(own);
    const pacedBatches = data.batches.slice(0, (PACED_FILES * PACED_FILE) / BATCH).map(own);

    progress('building blocks');
    const blocks = await runBlocks(data.sample);
    data.sample.length = 0;
    gc();

    const baselineOpts = {
      dir: work,
      recordsPerBatch: BATCH,
      groupCommitMs: GROUP_COMMIT_MS,
      window: WINDOW,
      timeoutMs: 120_000,
    };
    progress('baseline (before the chain)');
    const before = await runBaseline(data.batches, baselineOpts);
    data.batches.length = 0;
    progress('baseline, paced');
    const paced = await runBaseline(pacedBatches, {
      ...baselineOpts,
      pace: {
        batches: PACED_FILE / BATCH,
        everyMs: PACED_EVERY_MS,
        warmupBatches: (WARMUP_FILES * PACED_FILE) / BATCH,
      },
    });
    gc();

    const profDir = values['cpu-prof'] === true ? join(benchDir, `cpu-prof-${Date.now()}`) : undefined;
    progress(`chain throughput${profDir === undefined ? '' : ' (profiled)'}`);
    const chain = await runChainThroughput(
      join(work, 'chain'),
      data.csvFiles,
      records,
      THROUGHPUT,
      profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir],
    );
    await rm(join(work, 'chain'), { recursive: true, force: true });
    progress('chain latency (paced)');
    const latency = await runChainLatency(
      join(work, 'chain-latency'),
      { files: PACED_FILES, perFile: PACED_FILE, everyMs: PACED_EVERY_MS, warmupFiles: WARMUP_FILES },
      LATENCY,
    );
    progress('baseline (after the chain)');
    const after = await runBaseline(secondRun, baselineOpts);

    const runs: BaselineResult[] = [before, after];
    const baselineRate = runs.reduce((n, r) => n + r.recordsPerSecond, 0) / runs.length;
    const ratio = chain.recordsPerSecond / baselineRate;

    say(
      `chain file-ei→ep→file-oi ${count(records)} records: ${rate(chain.recordsPerSecond)} rec/s, ` +
        `p50 ${ms(latency.latency.p50Ms)}, p99 ${ms(latency.latency.p99Ms)}, ` +
        `peak rss ${mib(chain.peakRssBytes)} — ${ratio.toFixed(2)}× baseline`,
    );
    say(
      `  rec/s: first input file picked up → last output file committed, ${chain.seconds.toFixed(1)} s ` +
        `(spawn → last commit ${chain.secondsFromSpawn.toFixed(1)} s incl. start-up ${chain.startupSeconds.toFixed(1)} s; ` +
        `idle-exit wait ${chain.idleExitSeconds.toFixed(1)} s not counted); ${chain.cpuMicrosPerRecord.toFixed(1)} µs CPU/record ` +
        `(all threads); ${chain.outputFiles} output files` +
        (chain.lastCommitByDrain ? '; WARNING: the last file was committed by the exit drain' : ''),
    );
    say(
      `  p50/p99: per record, input file renamed in → output file holding it committed, in a paced run: ` +
        `${count(latency.records)} records as one file of ${count(PACED_FILE)} every ${PACED_EVERY_MS} ms ` +
        `(${rate(latency.offeredPerSecond)} rec/s offered, first second not counted), OI committing every batch; ` +
        `max ${ms(latency.latency.maxMs)}; ` +
        `pick-up poll (${LATENCY.pollMs} ms) share p50 ${ms(latency.pickup.p50Ms)}, p99 ${ms(latency.pickup.p99Ms)}`,
    );
    say(
      `baseline (msgpackr decode/encode, 2 worker hops, group-committed log): ${rate(baselineRate)} rec/s, ` +
        `p50 ${ms(paced.latency.p50Ms)}, p99 ${ms(paced.latency.p99Ms)}`,
    );
    say(
      `  rec/s: mean of ${runs.map((r) => rate(r.recordsPerSecond)).join(' (before the chain) and ')} (after), ` +
        `${count(records)} records in batches of ${BATCH}, ${WINDOW} batches in flight, ${GROUP_COMMIT_MS} ms group commit; ` +
        `${before.cpuMicrosPerRecord.toFixed(1)} µs CPU/record; under that load p50 ${ms(before.latency.p50Ms)}, p99 ${ms(before.latency.p99Ms)}`,
    );
    say(
      `  p50/p99: per batch, main thread post → fdatasync done, paced at ${PACED_FILE / BATCH} batches every ` +
        `${PACED_EVERY_MS} ms (${rate((PACED_FILE * 1000) / PACED_EVERY_MS)} rec/s offered, first second not counted), ` +
        `${paced.latency.count} batches, max ${ms(paced.latency.maxMs)}`,
    );
    for (const b of blocks) {
      const perRecord = `${(1e6 / b.recordsPerSecond).toFixed(2)} µs/record`;
      say(`block ${b.name}: ${rate(b.recordsPerSecond)} rec/s (${perRecord}${b.note ? `, ${b.note}` : ''})`);
    }

    progress('node types');
    const nodeTypes = await runNodeTypes(progress);
    for (const n of nodeTypes.results) {
      const perRecord = `${(1e6 / n.recordsPerSecond).toFixed(2)} µs/record`;
      const decoded =
        n.decodedPerSecond === undefined
          ? ''
          : ` — ${(n.recordsPerSecond / n.decodedPerSecond).toFixed(2)}× baseline (batches decoded into NAR objects, ${rate(n.decodedPerSecond)} rec/s)`;
      say(
        `node type ${n.name}: ${rate(n.recordsPerSecond)} rec/s (${perRecord}${n.note ? `, ${n.note}` : ''})${decoded}`,
      );
    }
    for (const s of nodeTypes.skipped) say(`node type SKIPPED ${s}`);
    gc();
    progress('order enhancer');
    const oe = await runOrderEnhancerBench(progress);
    say(
      `node type order-enhancer-oe (100,000 sessions of 1–20 partials, 85% G-CDR, 10% S-CDR, 5% pass-through, ` +
        `${count(oe.duplicates)} duplicates in ${count(oe.records)} records, input batches read in place): ` +
        `${rate(oe.recordsPerSecond)} rec/s (${(1e6 / oe.recordsPerSecond).toFixed(2)} µs/record) — ` +
        `${(oe.recordsPerSecond / oe.recordsPerSecondObjects).toFixed(2)}× baseline (the batches decoded into NAR objects, ` +
        `${rate(oe.recordsPerSecondObjects)} rec/s); ${Math.round(oe.bytesPerProcessedEntry)} B per processed-session ` +
        `entry; ${Math.round(oe.bytesPerOpenSession)} B per open session of 3 records ` +
        `(the 3 records alone as NAR objects: ${Math.round(oe.bytesPerOpenSessionRecordsAsNars)} B)`,
    );
    say(
      `node type order-enhancer-oe spilling processed sessions to disk (maxProcessedSessions ${count(SPILL_THROUGHPUT_LIMIT)}, ` +
        `same workload): ${rate(oe.recordsPerSecondSpilling)} rec/s, ${(oe.recordsPerSecondSpilling / oe.recordsPerSecond).toFixed(2)}× ` +
        `the run without a limit; ${oe.bytesPerProcessedEntrySpilling.toFixed(1)} B of memory per processed-session entry ` +
        `with all but ${count(SPILL_LIMIT)} of 1,000,000 on disk`,
    );

    const cj = oe.checkpoint.journal;
    const cw = oe.checkpoint.whole;
    say(
      `node type order-enhancer-oe checkpoint of ${count(CHECKPOINT_SESSIONS)} processed sessions (10,000 closing ` +
        `between two): ${mib(cj.bytes)} in ${ms(cj.ms)} with the journal, against ${mib(cw.bytes)} in ${ms(cw.ms)} ` +
        `with the whole lists (${(cw.bytes / cj.bytes).toFixed(0)}× the bytes, ${(cw.ms / cj.ms).toFixed(0)}× the time)`,
    );
    const oj = oe.openCheckpoint.journal;
    const ow = oe.openCheckpoint.whole;
    say(
      `node type order-enhancer-oe checkpoint of ${count(CHECKPOINT_OPEN)} open sessions holding 2 records each ` +
        `(10,000 taking a record between two): ${mib(oj.bytes)} in ${ms(oj.ms)} with the session journal, against ` +
        `${mib(ow.bytes)} in ${ms(ow.ms)} with the whole sessions (${(ow.bytes / oj.bytes).toFixed(0)}× the bytes, ` +
        `${(ow.ms / oj.ms).toFixed(0)}× the time)`,
    );

    gc();
    progress('repartition');
    const rp = await runRepartitionBench(progress);
    say(
      `repartition order-enhancer-oe 4 → 6 actors (${count(rp.processedSessions)} processed sessions, ` +
        `${count(rp.openSessions)} open sessions of 3 records, ${mib(rp.checkpointBytes)} of checkpoints): ` +
        `move ${ms(rp.moveMs)} (${rate(rp.processedSessions / (rp.moveMs / 1000))} processed sessions/s), ` +
        `${(rp.moveMs / rp.baselineMs).toFixed(2)}× the baseline (load and save the same checkpoints unchanged, ` +
        `${ms(rp.baselineMs)}); ${count(rp.keyGroupsMoved)} key groups and ${count(rp.recordsMoved)} held records moved`,
    );

    gc();
    const gtpp = await runGtpp(work, say, progress);
    const radius = await runRadius(work, say, progress);
    const netflow = await runNetflow(work, say, progress);

    let profiles: ThreadProfile[] | undefined;
    if (profDir !== undefined) {
      profiles = await summarizeProfiles(profDir);
      say(`cpu profile of the chain's throughput run (self time; files in ${profDir}):`);
      for (const l of formatProfiles(profiles)) say(l);
    }
    const seconds = (Date.now() - began) / 1000;
    say(`bench took ${seconds.toFixed(0)} s`);

    const results = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      records,
      csvBytes: data.csvBytes,
      baselineBytesPerRecord: data.encodedBytes / records,
      chain: { throughput: chain, latency, settings: { throughput: THROUGHPUT, latency: LATENCY } },
      baseline: { recordsPerSecond: baselineRate, runs, paced },
      ratio,
      blocks,
      nodeTypes,
      orderEnhancer: oe,
      repartition: rp,
      gtpp,
      radius,
      netflow,
      profiles,
      seconds,
    };
    await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    await appendFile(
      join(benchDir, 'history.jsonl'),
      `${JSON.stringify({ ...results, profiles: undefined })}\n`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
