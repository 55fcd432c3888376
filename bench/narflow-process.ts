/**
 * Runs the real `narflow run <config> --idle-exit 1` as a child process and watches it from outside:
 * its JSON log lines (timestamps of "narflow running" / "narflow stopping"), peak RSS (VmHWM) and CPU
 * time from /proc, and the moment each input file leaves the input directory (inotify via fs.watch).
 */
import { spawn } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BenchError, wallNow } from './stats.js';

/** dist/bench → the package root, where bin/narflow.js loads dist/src. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The narflow command line, run with node. */
export const BIN = join(ROOT, 'bin', 'narflow.js');
const CLOCK_TICKS_PER_SECOND = 100;

export interface NarflowRun {
  readonly pid: number;
  readonly spawnedAt: number;
  /** Wall-clock ms of the log line "narflow running" (every actor started), once seen. */
  runningAt(): number | undefined;
  /** Resolves when the "narflow running" line appears. */
  readonly running: Promise<number>;
  /** Wall-clock ms when each input file left the input directory, by file name. */
  readonly pickedUp: Map<string, number>;
  /** Resolves after exit 0 with what was observed; rejects on any other exit. */
  readonly done: Promise<NarflowObservation>;
}

export interface NarflowObservation {
  readonly spawnedAt: number;
  readonly runningAt: number;
  readonly stoppingAt: number | undefined;
  readonly exitedAt: number;
  readonly peakRssBytes: number;
  /** user + system CPU of the whole process (all threads), as last read before it exited. */
  readonly cpuSeconds: number;
  /** Log lines that looked like JSON but did not parse (lines of two threads interleaved). */
  readonly unparsedLogLines: number;
}

export interface NarflowRunOptions {
  readonly config: string;
  readonly inputDir: string;
  /** `rename` events a file produces before it is picked up (1 when it is renamed in during the run). */
  readonly eventsBeforePickup: number;
  readonly nodeFlags?: readonly string[];
  readonly timeoutMs: number;
}

interface ProcSample {
  rss: number;
  cpu: number;
}

/** Peak resident memory of a process so far (VmHWM), in bytes; undefined when it has ended. */
export async function peakRssBytes(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch((err: NodeJS.ErrnoException) => {
    // The process may have ended.
    if (err.code === 'ENOENT' || err.code === 'ESRCH') return '';
    throw err;
  });
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return hwm === null ? undefined : Number(hwm[1]) * 1024;
}

async function sampleProc(pid: number, last: ProcSample): Promise<void> {
  last.rss = Math.max(last.rss, (await peakRssBytes(pid)) ?? 0);
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    last.cpu = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch (err) {
    // The process may end between two samples; the last good sample stands.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ESRCH')
      throw err;
  }
}

export function startNarflow(o: NarflowRunOptions): NarflowRun {
  const events = new Map<string, number>();
  const pickedUp = new Map<string, number>();
  const watcher: FSWatcher = watch(o.inputDir, (type, name) => {
    if (type !== 'rename' || name === null || name.startsWith('.')) return;
    const seen = (events.get(name) ?? 0) + 1;
    events.set(name, seen);
    if (seen === o.eventsBeforePickup + 1) pickedUp.set(name, wallNow());
  });
  const spawnedAt = wallNow();
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), BIN, 'run', o.config, '--idle-exit', '1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new BenchError('process_failed', 'narflow: expected a child process id');

  let runningAt: number | undefined;
  let stoppingAt: number | undefined;
  let markRunning: (t: number) => void = () => undefined;
  let failRunning: (err: Error) => void = () => undefined;
  const running = new Promise<number>((res, rej) => {
    markRunning = res;
    failRunning = rej;
  });
  // The same failure reaches the caller through `done`; this only keeps it from being unhandled here.
  running.catch(() => undefined);
  let unparsedLogLines = 0;
  let tail = '';
  let partial = '';
  const onLine = (line: string): void => {
    if (!line.startsWith('{')) return;
    let entry: { msg?: string; time?: number };
    try {
      entry = JSON.parse(line) as { msg?: string; time?: number };
    } catch {
      unparsedLogLines++;
      return;
    }
    if (entry.msg === 'narflow running' && entry.time !== undefined) {
      runningAt = entry.time;
      markRunning(entry.time);
    } else if (entry.msg === 'narflow stopping' && entry.time !== undefined) stoppingAt = entry.time;
  };
  child.stdout.on('data', (b: Buffer) => {
    const text = partial + b.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) onLine(l);
    tail = (tail + b.toString()).slice(-8000);
  });
  child.stderr.on('data', (b: Buffer) => (tail = (tail + b.toString()).slice(-8000)));

  const proc: ProcSample = { rss: 0, cpu: 0 };
  let sampling: Promise<void> = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(() => sampleProc(pid, proc));
  }, 100);
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);

  const done = new Promise<NarflowObservation>((resolveDone, reject) => {
    child.on('exit', (code, signal) => {
      const exitedAt = wallNow();
      clearInterval(sampler);
      clearTimeout(timer);
      watcher.close();
      void sampling.then(() => {
        if (code !== 0 || runningAt === undefined) {
          const err = new BenchError(
            'process_failed',
            `narflow run: expected exit 0 after "narflow running", got ${code ?? signal}:\n${tail}`,
          );
          failRunning(err);
          reject(err);
          return;
        }
        resolveDone({
          spawnedAt,
          runningAt,
          stoppingAt,
          exitedAt,
          peakRssBytes: proc.rss,
          cpuSeconds: proc.cpu,
          unparsedLogLines,
        });
      }, reject);
    });
  });
  return { pid, spawnedAt, runningAt: () => runningAt, running, pickedUp, done };
}

/** The /metrics text of the narflow host running on `dataDir` (its admin port is in host.json). */
export async function scrapeMetrics(dataDir: string): Promise<string> {
  const host = JSON.parse(await readFile(join(dataDir, 'host.json'), 'utf8')) as {
    adminHost?: string;
    adminPort?: number;
  };
  if (host.adminPort === undefined)
    throw new BenchError('process_failed', `no admin port in ${dataDir}/host.json`);
  const res = await fetch(`http://${host.adminHost ?? '127.0.0.1'}:${host.adminPort}/metrics`);
  return res.text();
}
