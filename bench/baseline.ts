/**
 * The bare-path baseline: main thread → relay worker (decode, re-encode) → transferred ArrayBuffer →
 * commit worker (decode, re-encode, group-committed file). Throughput runs with a window of batches
 * in flight (sent, not yet durable); the paced run posts a fixed number of batches per interval.
 * Latency per batch: commit worker's fdatasync done − main thread's post, on one wall clock.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { BaselineWorkerData, BatchMessage, FromWorker, ToWorker } from './baseline-worker.js';
import { BenchError, summarize, wallNow, type LatencySummary } from './stats.js';

export interface BaselineOptions {
  readonly dir: string;
  readonly recordsPerBatch: number;
  readonly groupCommitMs: number;
  /** Batches sent and not yet durable, at most (throughput mode). */
  readonly window: number;
  /** Paced mode: `batches` every `everyMs` instead of the window; the first `warmupBatches` not counted. */
  readonly pace?: { readonly batches: number; readonly everyMs: number; readonly warmupBatches: number };
  readonly timeoutMs: number;
}

export interface BaselineResult {
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly latency: LatencySummary;
  /** CPU of the whole bench process during the run, per record. */
  readonly cpuMicrosPerRecord: number;
  readonly bytesCommitted: number;
}

function spawn(role: BaselineWorkerData['role'], o: BaselineOptions): Worker {
  const workerData: BaselineWorkerData = {
    role,
    file: join(o.dir, `baseline-${role}.log`),
    groupCommitMs: o.groupCommitMs,
  };
  return new Worker(new URL('./baseline-worker.js', import.meta.url), { workerData });
}

/** Moves `batches` (transferred: the caller loses them) through the bare path. */
export async function runBaseline(
  batches: Uint8Array<ArrayBuffer>[],
  o: BaselineOptions,
): Promise<BaselineResult> {
  const relay = spawn('relay', o);
  const committer = spawn('commit', o);
  const { port1, port2 } = new MessageChannel();
  relay.postMessage({ type: 'connect', port: port1 } satisfies ToWorker, [port1]);
  committer.postMessage({ type: 'connect', port: port2 } satisfies ToWorker, [port2]);
  await Promise.all([once(relay, 'online'), once(committer, 'online')]);

  const latencies: number[] = [];
  let sent = 0;
  let durable = 0;
  let endedAt = 0;
  const cpuBefore = process.cpuUsage();
  const post = (): void => {
    const bytes = batches[sent] as Uint8Array<ArrayBuffer>;
    sent++;
    const m: BatchMessage = { type: 'batch', seq: sent, sentAt: wallNow(), bytes };
    relay.postMessage(m, [bytes.buffer]);
  };

  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BenchError('timeout', `baseline: expected ${batches.length} durable batches in time`)),
      o.timeoutMs,
    );
    const fail = (err: Error): void => {
      clearTimeout(timer);
      reject(new BenchError('worker_failed', `baseline worker failed: ${err.message}`));
    };
    relay.on('error', fail);
    committer.on('error', fail);
    committer.on('message', (m: FromWorker) => {
      if (m.type === 'failed') fail(new Error(m.message));
      if (m.type !== 'durable') return;
      const warmup = o.pace?.warmupBatches ?? 0;
      m.latenciesMs.forEach((l, i) => {
        if (m.upTo - m.latenciesMs.length + 1 + i > warmup) latencies.push(l);
      });
      durable = m.upTo;
      if (o.pace === undefined) while (sent < batches.length && sent - durable < o.window) post();
      if (durable === batches.length) {
        endedAt = wallNow();
        clearTimeout(timer);
        resolve();
      }
    });
  });

  const startedAt = wallNow();
  let pacer: NodeJS.Timeout | undefined;
  if (o.pace === undefined) {
    while (sent < batches.length && sent < o.window) post();
  } else {
    const pace = o.pace;
    const tick = (): void => {
      for (let i = 0; i < pace.batches && sent < batches.length; i++) post();
      if (sent >= batches.length) clearInterval(pacer);
    };
    pacer = setInterval(tick, pace.everyMs);
    tick();
  }
  try {
    await finished;
  } finally {
    clearInterval(pacer);
  }
  const cpu = process.cpuUsage(cpuBefore);

  const stopped = new Promise<number>((resolve) =>
    committer.on('message', (m: FromWorker) => {
      if (m.type === 'stopped') resolve(m.bytes);
    }),
  );
  relay.postMessage({ type: 'stop' } satisfies ToWorker);
  committer.postMessage({ type: 'stop' } satisfies ToWorker);
  const bytesCommitted = await stopped;
  await Promise.all([relay.terminate(), committer.terminate()]);

  const records = batches.length * o.recordsPerBatch;
  const seconds = (endedAt - startedAt) / 1000;
  return {
    records,
    seconds,
    recordsPerSecond: records / seconds,
    latency: summarize(latencies),
    cpuMicrosPerRecord: (cpu.user + cpu.system) / records,
    bytesCommitted,
  };
}

function once(w: Worker, event: 'online'): Promise<void> {
  return new Promise((resolve, reject) => {
    w.once(event, () => resolve());
    w.once('error', reject);
  });
}
