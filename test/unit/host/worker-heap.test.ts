/**
 * `host.heap.initialOldSpaceMb` reaches the isolates of worker threads started after it is applied:
 * a worker whose old generation grows to about 30 MB runs a major GC under V8's default and none
 * with a 64 MiB initial old generation. V8 flags are process-wide, so each case runs in a process
 * of its own (the built module, as `narflow run` loads it).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hostSchema } from '../../../src/cluster/config/schema.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MODULE = join(ROOT, 'dist', 'src', 'cluster', 'host', 'worker-heap.js');

/** Major GCs of a worker that keeps about 30 MB of objects, after `applyWorkerHeap({ initialOldSpaceMb: mb })`. */
async function majorGcs(mb: number): Promise<number> {
  const worker = `
    import { PerformanceObserver, constants } from 'node:perf_hooks';
    import { parentPort } from 'node:worker_threads';
    let major = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
    });
    obs.observe({ entryTypes: ['gc'] });
    const keep = [];
    for (let i = 0; i < 300000; i++) keep.push({ a: i, b: 'x' + i, c: [i, i] });
    setTimeout(() => { obs.disconnect(); parentPort.postMessage(major + keep.length * 0); }, 100);`;
  const main = `
    import { Worker } from 'node:worker_threads';
    const { applyWorkerHeap } = await import(${JSON.stringify(MODULE)});
    applyWorkerHeap({ initialOldSpaceMb: ${mb} });
    const w = new Worker(${JSON.stringify(worker)}, { eval: true });
    w.on('message', (m) => { console.log(m); void w.terminate(); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', main]);
  return Number(stdout.trim());
}

describe('worker heap', () => {
  it('ensures the initial old generation applies to worker threads started after it (fewer major GCs)', async () => {
    const [byDefault, initial64] = await Promise.all([majorGcs(0), majorGcs(64)]);
    expect(byDefault).toBeGreaterThan(0);
    expect(initial64).toBeLessThan(byDefault);
  });

  it('ensures the setting defaults to 64 MiB and takes 0 (V8 default) up to 65,536', () => {
    expect(hostSchema.parse({}).heap).toEqual({ initialOldSpaceMb: 64 });
    expect(hostSchema.parse({ heap: { initialOldSpaceMb: 0 } }).heap.initialOldSpaceMb).toBe(0);
    expect(hostSchema.safeParse({ heap: { initialOldSpaceMb: -1 } }).success).toBe(false);
    expect(hostSchema.safeParse({ heap: { initialOldSpaceMb: 1.5 } }).success).toBe(false);
    expect(hostSchema.safeParse({ heap: { size: 1 } }).success).toBe(false);
  });
});
