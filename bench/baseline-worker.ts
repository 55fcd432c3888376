/**
 * The bare path's two workers, with no narflow code: only msgpackr, node:worker_threads and node:fs.
 *   relay:  decode a batch, re-encode it, transfer the new ArrayBuffer to the committer.
 *   commit: decode, re-encode, append to a file; every `groupCommitMs` after the first pending batch,
 *           one writev + fdatasync; then report the batches made durable with their latencies.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Packr } from 'msgpackr';

export interface BaselineWorkerData {
  readonly role: 'relay' | 'commit';
  readonly file: string;
  readonly groupCommitMs: number;
}

export interface BatchMessage {
  readonly type: 'batch';
  readonly seq: number;
  /** Wall-clock ms when the main thread posted the batch. */
  readonly sentAt: number;
  readonly bytes: Uint8Array;
}

export type ToWorker = { readonly type: 'connect'; readonly port: MessagePort } | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'durable'; readonly upTo: number; readonly latenciesMs: number[] }
  | { readonly type: 'stopped'; readonly bytes: number }
  | { readonly type: 'failed'; readonly message: string };

const data = workerData as BaselineWorkerData;
const port = parentPort as MessagePort;
const packr = new Packr({ useRecords: true });

function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Decode and re-encode into an ArrayBuffer of its own (pack() returns a view of a shared buffer). */
function recode(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const records = packr.unpack(bytes) as unknown[];
  const packed = packr.pack(records);
  const out = new Uint8Array(packed.length);
  out.set(packed);
  return out;
}

function startRelay(): void {
  let next: MessagePort | undefined;
  port.on('message', (m: ToWorker | BatchMessage) => {
    if (m.type === 'connect') next = m.port;
    else if (m.type === 'stop') next?.close();
    else {
      if (next === undefined) throw new Error('relay: expected a connect message before the first batch');
      const out = recode(m.bytes);
      const msg: BatchMessage = { type: 'batch', seq: m.seq, sentAt: m.sentAt, bytes: out };
      next.postMessage(msg, [out.buffer]);
    }
  });
}

async function startCommitter(): Promise<void> {
  const fh: FileHandle = await open(data.file, 'w');
  let chunks: Uint8Array[] = [];
  let meta: { seq: number; sentAt: number }[] = [];
  let firstPendingAt = 0;
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const commit = async (): Promise<void> => {
    const write = chunks;
    const done = meta;
    chunks = [];
    meta = [];
    let bytes = 0;
    for (const c of write) bytes += c.length;
    // A short write to a regular file only happens on a failing disk: report it, do not retry.
    const { bytesWritten } = await fh.writev(write, size);
    if (bytesWritten !== bytes)
      throw new Error(`commit: expected ${bytes} bytes written, got ${bytesWritten}`);
    size += bytes;
    await fh.datasync();
    const now = wallNow();
    const last = done[done.length - 1];
    if (last === undefined) return;
    const msg: FromWorker = { type: 'durable', upTo: last.seq, latenciesMs: done.map((d) => now - d.sentAt) };
    port.postMessage(msg);
  };
  const schedule = (): void => {
    if (timer !== undefined || running !== undefined || meta.length === 0) return;
    const delay = Math.max(0, data.groupCommitMs - (performance.now() - firstPendingAt));
    timer = setTimeout(() => {
      timer = undefined;
      running = commit()
        .catch((err: Error) =>
          port.postMessage({ type: 'failed', message: err.message } satisfies FromWorker),
        )
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, delay);
  };

  const onBatch = (m: BatchMessage): void => {
    if (meta.length === 0) firstPendingAt = performance.now();
    chunks.push(recode(m.bytes));
    meta.push({ seq: m.seq, sentAt: m.sentAt });
    schedule();
  };
  let upstream: MessagePort | undefined;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'connect') {
      upstream = m.port;
      upstream.on('message', onBatch);
    } else if (m.type === 'stop') {
      void (async () => {
        upstream?.close();
        if (timer !== undefined) clearTimeout(timer);
        await running;
        await fh.close();
        port.postMessage({ type: 'stopped', bytes: size } satisfies FromWorker);
      })();
    }
  });
}

if (data.role === 'relay') startRelay();
else
  startCommitter().catch((err: Error) => {
    port.postMessage({ type: 'failed', message: err.message } satisfies FromWorker);
  });
