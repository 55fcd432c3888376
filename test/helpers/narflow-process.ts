/** Runs the real `narflow` CLI as a child process (the built JS), for kill -9 and end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin', 'narflow.js');

export interface Running {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function startNarflow(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer): void => {
    out += b.toString();
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, exit, output: () => out };
}

export async function runToCompletion(args: readonly string[], timeoutMs = 300_000): Promise<string> {
  const r = startNarflow(args);
  const timer = setTimeout(() => r.child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await r.exit;
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(`narflow ${args.join(' ')} ended with ${code ?? signal}:\n${r.output().slice(-4000)}`);
  return r.output();
}

/** Data rows of every CSV file in a directory (header lines removed), in file-name order. */
export async function csvRows(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
  const rows: string[] = [];
  for (const f of files) {
    const lines = (await readFile(join(dir, f), 'utf8')).split('\n').filter((l) => l !== '');
    rows.push(...lines.slice(1));
  }
  return rows;
}

/** Peak resident set size of a process, from /proc (kB → bytes). */
export async function peakRss(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(text);
  return m === null ? 0 : Number(m[1]) * 1024;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Deterministic PRNG for tests (mulberry32). */
export function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Data rows of a ground-truth CSV file (its header row dropped). */
export async function truthRows(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .slice(1);
}

/** Resolves once the process printed a line matching `re`; rejects if it exits or `ms` pass first. */
export async function waitForOutput(r: Running, re: RegExp, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!re.test(r.output())) {
    if (r.child.exitCode !== null || r.child.signalCode !== null)
      throw new Error(`narflow exited before ${re}:\n${r.output().slice(-3000)}`);
    if (Date.now() > until) throw new Error(`no ${re} within ${ms} ms:\n${r.output().slice(-3000)}`);
    await sleep(50);
  }
}

/**
 * Waits until each CSV output directory holds at least its expected number of rows (or `ms` pass),
 * then a little longer, stops the process with SIGTERM (it must exit 0) and returns each
 * directory's rows, sorted.
 */
export async function drainOutputs<const T extends ReadonlyArray<readonly [dir: string, rows: number]>>(
  r: Running,
  outputs: T,
  ms = 60_000,
): Promise<{ -readonly [K in keyof T]: string[] }> {
  const until = Date.now() + ms;
  for (;;) {
    const counts = await Promise.all(
      outputs.map(([d]) =>
        csvRows(d).then(
          (x) => x.length,
          () => 0,
        ),
      ),
    );
    if (counts.every((n, i) => n >= (outputs[i] as readonly [string, number])[1]) || Date.now() > until)
      break;
    await sleep(250);
  }
  await sleep(1000);
  r.child.kill('SIGTERM');
  const { code } = await r.exit;
  if (code !== 0) throw new Error(`narflow stopped with ${code}:\n${r.output().slice(-3000)}`);
  const rows = await Promise.all(outputs.map(async ([d]) => (await csvRows(d)).sort()));
  return rows as { -readonly [K in keyof T]: string[] };
}
