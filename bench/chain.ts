/**
 * The chain: file-ei → enhance-ep (1 partition) → file-oi (CSV in, CSV out), run by the real CLI.
 *  - throughput: every input file is in place before the start; records/s from the first file leaving
 *    the input directory to the last output file's commit (its rename, i.e. its ctime);
 *  - latency: one file dropped (renamed in) every `everyMs` while the chain runs, the OI committing
 *    each batch; per record: commit of the output file holding it − rename of its input file.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { startNarflow } from './narflow-process.js';
import { CHARGING_ID_COLUMN, COLUMNS, EP_ATTRIBUTE, csvHeader, csvLine, makeRecord } from './records.js';
import { BenchError, summarize, wallNow, type LatencySummary } from './stats.js';
import { fileName } from './data.js';

export interface ChainSettings {
  readonly rollRecords: number;
  readonly rollIntervalMs: number;
  readonly pollMs: number;
  readonly tickIntervalMs: number;
}

interface ChainDirs {
  readonly config: string;
  readonly input: string;
  readonly output: string;
}

async function writeChain(dir: string, s: ChainSettings): Promise<ChainDirs> {
  const input = join(dir, 'input');
  const output = join(dir, 'output');
  await mkdir(input, { recursive: true });
  const inputRules = COLUMNS.map((c) => `      - { name: ${c.name}, type: ${c.type} }`).join('\n');
  const outputRules = [...COLUMNS.map((c) => c.name), EP_ATTRIBUTE]
    .map((a) => `      - { attribute: ${a} }`)
    .join('\n');
  const yaml = `version: 1
host:
  id: bench
  dataDir: ${join(dir, 'data')}
  metrics: { enabled: true, host: 127.0.0.1, port: 0 }
  log: { level: info }
  tickIntervalMs: ${s.tickIntervalMs}
nodes:
  - id: collect
    type: file-ei
    settings:
      inputDir: ${input}
      header: true
      pollMs: ${s.pollMs}
    rules:
${inputRules}
    destinations:
      - to: [enrich]
  - id: enrich
    type: enhance-ep
    partitions: 1
    settings: { rules: [{ set: ${EP_ATTRIBUTE}, value: eu }] }
    destinations:
      - to: [deliver]
  - id: deliver
    type: file-oi
    settings:
      dir: ${output}
      rollRecords: ${s.rollRecords}
      rollIntervalMs: ${s.rollIntervalMs}
    rules:
${outputRules}
`;
  const config = join(dir, 'chain.yaml');
  await writeFile(config, yaml);
  return { config, input, output };
}

interface OutputFile {
  readonly path: string;
  readonly committedAt: number;
}

async function outputFiles(dir: string): Promise<OutputFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.csv') && !n.startsWith('.')).sort();
  const out: OutputFile[] = [];
  for (const n of names) {
    const st = await stat(join(dir, n));
    out.push({ path: join(dir, n), committedAt: st.ctimeMs });
  }
  return out;
}

async function countRows(path: string): Promise<number> {
  const b = await readFile(path);
  let lines = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
  return lines - 1;
}

export interface ChainThroughput {
  readonly records: number;
  readonly outputFiles: number;
  /** First input file picked up → last output file committed. */
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** Process spawn → last commit (includes start-up). */
  readonly secondsFromSpawn: number;
  readonly startupSeconds: number;
  /** Last commit → process exit: the idle-exit wait and the drain, not counted above. */
  readonly idleExitSeconds: number;
  /** True when the last file was committed by the drain at exit, which would inflate `seconds`. */
  readonly lastCommitByDrain: boolean;
  readonly peakRssBytes: number;
  readonly cpuMicrosPerRecord: number;
}

export async function runChainThroughput(
  dir: string,
  csvFiles: readonly string[],
  records: number,
  s: ChainSettings,
  nodeFlags: readonly string[] = [],
): Promise<ChainThroughput> {
  const d = await writeChain(dir, s);
  for (const f of csvFiles) await rename(f, join(d.input, basename(f)));
  const run = startNarflow({
    config: d.config,
    inputDir: d.input,
    eventsBeforePickup: 0,
    nodeFlags,
    timeoutMs: 170_000,
  });
  const obs = await run.done;
  const files = await outputFiles(d.output);
  let rows = 0;
  for (const f of files) rows += await countRows(f.path);
  if (rows !== records) {
    throw new BenchError('output_mismatch', `chain: expected ${records} output rows, got ${rows}`);
  }
  const firstPickup = Math.min(...run.pickedUp.values());
  if (!Number.isFinite(firstPickup)) {
    throw new BenchError('no_samples', 'chain: expected to see input files leave the input directory');
  }
  const lastCommit = Math.max(...files.map((f) => f.committedAt));
  const seconds = (lastCommit - firstPickup) / 1000;
  return {
    records,
    outputFiles: files.length,
    seconds,
    recordsPerSecond: records / seconds,
    secondsFromSpawn: (lastCommit - obs.spawnedAt) / 1000,
    startupSeconds: (obs.runningAt - obs.spawnedAt) / 1000,
    idleExitSeconds: (obs.exitedAt - lastCommit) / 1000,
    lastCommitByDrain: obs.stoppingAt !== undefined && lastCommit >= obs.stoppingAt,
    peakRssBytes: obs.peakRssBytes,
    cpuMicrosPerRecord: (obs.cpuSeconds * 1e6) / records,
  };
}

export interface ChainLatency {
  readonly records: number;
  readonly files: number;
  readonly offeredPerSecond: number;
  /** Per record: output file commit − input file rename. */
  readonly latency: LatencySummary;
  /** Per file: left the input directory − renamed in (the pick-up poll's share). */
  readonly pickup: LatencySummary;
  readonly peakRssBytes: number;
}

export async function runChainLatency(
  dir: string,
  /** The first `warmupFiles` files are dropped like the others but not counted. */
  o: { files: number; perFile: number; everyMs: number; warmupFiles: number },
  s: ChainSettings,
): Promise<ChainLatency> {
  const d = await writeChain(dir, s);
  const texts: string[] = [];
  for (let f = 0, id = 1; f < o.files; f++) {
    const lines = [csvHeader()];
    for (let i = 0; i < o.perFile; i++) lines.push(csvLine(makeRecord(id++)));
    texts.push(`${lines.join('\n')}\n`);
  }
  const run = startNarflow({ config: d.config, inputDir: d.input, eventsBeforePickup: 1, timeoutMs: 60_000 });
  await run.running;
  const dropped: number[] = [];
  const start = wallNow();
  for (let f = 0; f < o.files; f++) {
    const wait = start + f * o.everyMs - wallNow();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const name = fileName(f);
    const part = join(d.input, `.${name}.part`);
    writeFileSync(part, texts[f] as string);
    renameSync(part, join(d.input, name));
    dropped.push(wallNow());
  }
  const obs = await run.done;

  const delays: number[] = [];
  let rows = 0;
  for (const file of await outputFiles(d.output)) {
    const lines = (await readFile(file.path, 'utf8')).split('\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line === '') continue;
      const id = Number(line.split(',', CHARGING_ID_COLUMN + 1)[CHARGING_ID_COLUMN]);
      const index = Math.floor((id - 1) / o.perFile);
      const at = dropped[index];
      if (at === undefined)
        throw new BenchError('output_mismatch', `chain: row with unknown chargingId ${id}`);
      rows++;
      if (index >= o.warmupFiles) delays.push(file.committedAt - at);
    }
  }
  if (rows !== o.files * o.perFile) {
    throw new BenchError('output_mismatch', `chain: expected ${o.files * o.perFile} rows, got ${rows}`);
  }
  const pickups: number[] = [];
  for (let f = o.warmupFiles; f < o.files; f++) {
    const at = run.pickedUp.get(fileName(f));
    if (at !== undefined) pickups.push(at - (dropped[f] as number));
  }
  return {
    records: delays.length,
    files: o.files - o.warmupFiles,
    offeredPerSecond: (o.perFile * 1000) / o.everyMs,
    latency: summarize(delays),
    pickup: summarize(pickups),
    peakRssBytes: obs.peakRssBytes,
  };
}
