/**
 * What the protocol benchmarks share: best-of-N timing of a pass, child processes (a server under
 * test, a load generator) with their output, a server run for the length of a body, and the kernel's
 * UDP receive-buffer drop counter.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import type { Nar } from '../src/protocols/nar/nar.js';
import { BIN, ROOT } from './narflow-process.js';
import { BenchError } from './stats.js';

/** Best of `rounds` timed passes over `items`, in items per second. */
export function best(rounds: number, items: number, pass: () => void): number {
  let top = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    pass();
    top = Math.max(top, (items * 1000) / (performance.now() - t0));
  }
  return top;
}

/**
 * A pass of `measured` against a pass of its `baseline` over the same `items` work items, in this
 * process: one warm-up pass of each, then the best of 5 passes each, in items per second. Each pass
 * returns something derived from its work (summed, so it is not optimised away); nothing at all is
 * a bench failure named by `what`.
 */
export function rateAgainstBaseline(
  items: number,
  measured: () => number,
  baseline: () => number,
  what: string,
): { readonly perSecond: number; readonly baselinePerSecond: number } {
  let sink = 0;
  const run = (): void => {
    sink += measured();
  };
  const base = (): void => {
    sink += baseline();
  };
  run();
  base();
  const perSecond = best(5, items, run);
  const baselinePerSecond = best(5, items, base);
  if (sink === 0) throw new BenchError('no_samples', `${what} bench produced nothing`);
  return { perSecond, baselinePerSecond };
}

/**
 * Runs `narflow loadgen <args…> --out <out>` and returns the report it wrote (the report directory is
 * removed afterwards). A generator that exits non-zero is a bench failure. `nice` as for `child`.
 */
export async function loadgenReport<R>(args: readonly string[], out: string, nice = 0): Promise<R> {
  const lg = child([BIN, 'loadgen', ...args, '--out', out], undefined, nice);
  const code = await lg.done;
  if (code !== 0)
    throw new BenchError('process_failed', `loadgen ${args[0]} exited ${code}: ${lg.output().slice(-2000)}`);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as R;
  await rm(out, { recursive: true, force: true });
  return report;
}

/** The summary of `loadgenReport`. */
export async function loadgenSummary<S>(args: readonly string[], out: string, nice = 0): Promise<S> {
  return (await loadgenReport<{ summary: S }>(args, out, nice)).summary;
}

/**
 * Makes `work` afresh and writes `<work>/<file>`: a narflow config with its data under `work/data`,
 * metrics on an ephemeral port, `ei` (the YAML of one EI node whose destination is `sink`) and the
 * file OI `sink` writing `columns` as CSV under `work/out`. Returns the config's path.
 */
export async function writeIngestBenchConfig(
  work: string,
  file: string,
  ei: string,
  sink: string,
  columns: readonly string[],
): Promise<string> {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const config = join(work, file);
  await writeFile(
    config,
    `version: 1
host:
  dataDir: ${join(work, 'data')}
  metrics: { enabled: true, host: 127.0.0.1, port: 0 }
  log: { level: info }
nodes:
${ei.trimEnd()}
  - id: ${sink}
    type: file-oi
    settings: { dir: ${join(work, 'out')}, rollRecords: 200000, rollIntervalMs: 1000 }
    rules:
${columns.map((a) => `      - { attribute: ${a} }`).join('\n')}
`,
  );
  return config;
}

/** CPU seconds (user + system) in a /proc stat line. */
function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted from the state field (3): indexes 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds a process has used, in all and per thread (task id), from /proc. */
async function cpuSeconds(pid: number): Promise<{ all: number; threads: Map<string, number> }> {
  const all = statCpuSeconds(await readFile(`/proc/${pid}/stat`, 'utf8'));
  const threads = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined);
    if (stat !== undefined) threads.set(tid, statCpuSeconds(stat));
  }
  return { all, threads };
}

/**
 * CPU seconds the whole machine has spent busy (every core; idle and I/O wait left out), from the
 * first line of /proc/stat: what the process under test, the load generator and anything else on the
 * host used together.
 */
async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / CLOCK_TICKS;
}

const CLOCK_TICKS = 100;
const CPU_SAMPLE_MS = 100;
/** A sample interval counts as busy above this share of one core (an idle host uses a few %). */
const BUSY_SHARE = 0.25;
/** Idle sample intervals a busy span may contain (a pause of the load of up to 0.3 s). */
const MAX_GAP = 3;

export interface BusyCpu {
  /** CPU seconds the process used in its busy span. */
  readonly cpuSeconds: number;
  /** Wall seconds from the first to the last busy sample interval. */
  readonly wallSeconds: number;
  /**
   * CPU seconds of the process's busiest thread in the same span: near `wallSeconds`, that thread
   * was saturated and bounds the rate, whatever the other cores had left.
   */
  readonly busiestThreadSeconds: number;
  /**
   * CPU seconds the whole machine was busy in the same span, this process included: the rest is the
   * load generator and whatever else shared the cores.
   */
  readonly machineBusySeconds: number;
}

interface CpuSample {
  readonly t: number;
  readonly cpu: number;
  readonly threads: Map<string, number>;
  readonly machine: number;
}

/**
 * Samples a process's CPU while `body` runs and returns what it used from its first to its last busy
 * interval: the work a load caused, without the idle time around it (a load generator preparing).
 */
export async function busyCpuDuring<T>(
  pid: number | undefined,
  body: () => Promise<T>,
): Promise<{ readonly result: T; readonly busy: BusyCpu | undefined }> {
  if (pid === undefined) return { result: await body(), busy: undefined };
  const samples: CpuSample[] = [];
  const sample = async (): Promise<void> => {
    const t = performance.now() / 1000;
    const [{ all, threads }, machine] = await Promise.all([cpuSeconds(pid), machineBusySeconds()]);
    samples.push({ t, cpu: all, threads, machine });
  };
  await sample();
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(sample, () => undefined);
  }, CPU_SAMPLE_MS);
  let result: T;
  try {
    result = await body();
  } finally {
    clearInterval(timer);
    await sampling;
  }
  await sample();
  // The busy span: the stretch of busy intervals (gaps of up to MAX_GAP idle ones bridged) that used
  // the most CPU. A lone busy interval elsewhere (a checkpoint, a file roll) is not part of it.
  let best: BusyCpu | undefined;
  let start = -1;
  let end = -1;
  const close = (): void => {
    if (start < 0) return;
    const a = samples[start] as CpuSample;
    const b = samples[end] as CpuSample;
    if (best === undefined || b.cpu - a.cpu > best.cpuSeconds) {
      let busiest = 0;
      for (const [tid, cpu] of b.threads) busiest = Math.max(busiest, cpu - (a.threads.get(tid) ?? 0));
      best = {
        cpuSeconds: b.cpu - a.cpu,
        wallSeconds: b.t - a.t,
        busiestThreadSeconds: busiest,
        machineBusySeconds: b.machine - a.machine,
      };
    }
    start = -1;
  };
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] as CpuSample;
    const b = samples[i] as CpuSample;
    if ((b.cpu - a.cpu) / (b.t - a.t) < BUSY_SHARE) {
      if (start >= 0 && i - end > MAX_GAP) close();
      continue;
    }
    if (start < 0) start = i - 1;
    end = i;
  }
  close();
  return { result, busy: best };
}

/** What a busy span of a narflow process cost per accepted CDR, as the ingest lines print it. */
export interface BusyCost {
  /** CPU of the whole process (every thread) per accepted CDR. */
  readonly cpuUsPerCdr: number | undefined;
  /** Cores the process kept busy meanwhile, on average. */
  readonly cores: number | undefined;
  /**
   * The busiest thread (the gateway's, in practice): its CPU per accepted CDR, and the share of one
   * core it used (near 1: saturated, so it bounds the rate however much the other core has left).
   */
  readonly busiestThread: { readonly usPerCdr: number; readonly share: number } | undefined;
  /** Cores the whole machine kept busy meanwhile (the process, the load generator, anything else). */
  readonly machineCores: number | undefined;
}

export function busyCost(busy: BusyCpu | undefined, accepted: number): BusyCost {
  if (busy === undefined)
    return { cpuUsPerCdr: undefined, cores: undefined, busiestThread: undefined, machineCores: undefined };
  return {
    cpuUsPerCdr: (busy.cpuSeconds * 1e6) / accepted,
    cores: busy.cpuSeconds / busy.wallSeconds,
    busiestThread: {
      usPerCdr: (busy.busiestThreadSeconds * 1e6) / accepted,
      share: busy.busiestThreadSeconds / busy.wallSeconds,
    },
    machineCores: busy.machineBusySeconds / busy.wallSeconds,
  };
}

/** Udp RcvbufErrors from /proc/net/snmp: datagrams the kernel dropped for full receive buffers. */
export async function udpRcvbufErrors(): Promise<number> {
  const lines = (await readFile('/proc/net/snmp', 'utf8')).split('\n').filter((l) => l.startsWith('Udp:'));
  const [head, values] = lines.map((l) => l.split(/\s+/));
  const i = head?.indexOf('RcvbufErrors') ?? -1;
  return i < 0 ? 0 : Number(values?.[i] ?? 0);
}

export interface Child {
  readonly pid: number | undefined;
  readonly done: Promise<number>;
  /** The first output line matching the ready pattern. */
  readonly ready: Promise<string>;
  kill(): void;
  output(): string;
  /** The first output line matching `re`, waiting up to `timeoutMs` (fails if the process ends first). */
  waitFor(re: RegExp, timeoutMs: number): Promise<string>;
}

/**
 * Runs `node args…` from the project root, keeping the tail of its output. `nice` above 0 runs it
 * at that niceness (all its threads): it then gets the cores only after what runs at 0.
 */
export function child(args: readonly string[], readyLine: RegExp | undefined, nice = 0): Child {
  const p =
    nice > 0
      ? spawn('nice', ['-n', String(nice), process.execPath, ...args], {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let resolveReady: (line: string) => void = () => undefined;
  const ready = new Promise<string>((r) => (resolveReady = r));
  const onData = (b: Buffer): void => {
    out += b.toString();
    if (out.length > 1_000_000) out = out.slice(-500_000);
    const m = readyLine === undefined ? undefined : out.split('\n').find((l) => readyLine.test(l));
    if (m !== undefined) resolveReady(m);
  };
  p.stdout.on('data', onData);
  p.stderr.on('data', onData);
  const done = new Promise<number>((r) => p.on('exit', (code) => r(code ?? 1)));
  const waitFor = async (re: RegExp, timeoutMs: number): Promise<string> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const line = out.split('\n').find((l) => re.test(l));
      if (line !== undefined) return line;
      if (Date.now() > end || p.exitCode !== null)
        throw new BenchError('process_failed', `no ${re} from ${args[0]}: ${out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { pid: p.pid, done, ready, kill: () => p.kill('SIGTERM'), output: () => out, waitFor };
}

/** Starts a server, waits for its ready line, runs `body`, then stops the server (SIGTERM). */
export async function withServer<T>(
  args: readonly string[],
  ready: RegExp,
  body: (readyLine: string, server: Child) => Promise<T>,
): Promise<T> {
  const server = child(args, ready);
  const line = await Promise.race([
    server.ready,
    server.done.then((code) => {
      throw new BenchError(
        'process_failed',
        `server exited ${code} before it was ready: ${server.output().slice(-2000)}`,
      );
    }),
  ]);
  try {
    return await body(line, server);
  } finally {
    server.kill();
    await server.done;
  }
}

export interface DecodeComparison {
  /** Items (NARs) per second. */
  readonly perSecond: number;
  /** msgpackr unpacking the same NARs, items per second. */
  readonly baselinePerSecond: number;
  readonly bytesPerItem: number;
}

/**
 * The NARs `toNars` makes of each item, made only as they are asked for. The comparison below packs
 * each NAR at once and keeps only its bytes: holding thousands of NARs alive while the codec runs
 * makes V8 pretenure the NAR allocation sites, which slows the measured decode about threefold.
 */
export function* narsOf<T>(items: Iterable<T>, toNars: (item: T) => Nar | readonly Nar[]): Generator<Nar> {
  for (const item of items) {
    const n = toNars(item);
    if (Array.isArray(n)) yield* n as readonly Nar[];
    else yield n as Nar;
  }
}

/**
 * A codec's decode of `inputs` into `nars` (`decode` returns something derived from its NARs, so the
 * work is not optimised away) against msgpackr unpacking the same NARs: best of 5 passes each, after
 * one warm-up pass.
 */
export function decodeAgainstMsgpackr(
  inputs: readonly Uint8Array[],
  nars: Iterable<Nar>,
  decode: (input: Uint8Array) => number,
  what: string,
): DecodeComparison {
  const packr = new Packr({ useRecords: false, moreTypes: true });
  const packed: Uint8Array[] = [];
  for (const n of nars) packed.push(packr.pack(n));
  const { perSecond, baselinePerSecond } = rateAgainstBaseline(
    packed.length,
    () => {
      let n = 0;
      for (const b of inputs) n += decode(b);
      return n;
    },
    () => {
      let n = 0;
      for (const b of packed) n += Object.keys(packr.unpack(b) as object).length;
      return n;
    },
    `${what} decode`,
  );
  return {
    perSecond,
    baselinePerSecond,
    bytesPerItem: inputs.reduce((n, b) => n + b.length, 0) / packed.length,
  };
}
