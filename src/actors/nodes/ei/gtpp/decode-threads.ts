/**
 * Where the gateway decodes a request's CDRs: on its own thread (`decodeThreads: 0`), or on decode
 * threads of its own so that one gateway, one port, can use more than one core.
 * - The CDRs of the requests received in one event-loop turn go to a thread as one job (at most
 *   MAX_JOB_CDRS); a thread has at most MAX_JOBS_IN_FLIGHT. When every thread has that many, the
 *   gateway decodes the turn's CDRs itself: memory stays bounded and the gateway's thread shares the
 *   work when the decode threads fall behind.
 * - Results are handed back in the order the requests came, whichever thread decoded them, so the
 *   input log keeps that order (a release or cancel is never logged before the packet it names).
 * - A decode thread that fails is counted and logged; its jobs are decoded on the gateway's thread
 *   and a new thread takes its place after RESTART_MS, twice as long after each failure in a row
 *   (one that never answers a job: it cannot start), up to MAX_RESTART_MS. No request is lost or
 *   answered twice.
 */
import { Worker } from 'node:worker_threads';
import { builtSibling } from '../../../runtime/built-module.js';
import { makeJob, readAnswer, type DecodedJob } from './decode-job.js';
import type { DecodeWorkerData } from './decode-worker.js';
import { decodeRecords, formatRefused, type RecordResult } from './records.js';

const MAX_JOB_CDRS = 2048;
const MAX_JOBS_IN_FLIGHT = 2;
const RESTART_MS = 1000;
const MAX_RESTART_MS = 60_000;

export interface DecodingSettings {
  readonly threads: number;
  /** Data record formats the gateway takes (see `formatRefused`). */
  readonly accept: readonly number[];
  /** Sample CDRs each thread decodes before its first job. */
  readonly warmUpCdrs: number;
  /** Wait before a failed thread's first replacement (default RESTART_MS). */
  readonly restartMs?: number;
}

/** Starts a decode thread (tests start others, to see what the gateway does when one fails). */
export type SpawnDecodeThread = (data: DecodeWorkerData) => Worker;

export const spawnDecodeThread: SpawnDecodeThread = (data) =>
  new Worker(builtSibling(import.meta.url, 'decode-worker'), { workerData: data });

export interface DecodeEvents {
  count(event: string): void;
  failed(err: Error, thread: number): void;
}

type Results = readonly RecordResult[] | undefined;

interface Ticket {
  readonly records: readonly Uint8Array[] | undefined;
  results: Results;
  done: boolean;
  readonly resolve: (r: Results) => void;
}

interface DecodeThread {
  readonly worker: Worker;
  /** Shapes the thread has named so far, by number. */
  readonly shapes: (readonly string[])[];
  readonly jobs: Map<number, Ticket[]>;
  alive: boolean;
}

export class CdrDecoding {
  readonly #threads: (DecodeThread | undefined)[];
  #order: Ticket[] = [];
  #head = 0;
  #batch: Ticket[] = [];
  #batchCdrs = 0;
  #scheduled = false;
  #nextJob = 0;
  #closed = false;
  /** Per thread, failures since it last answered a job. */
  readonly #failuresInRow: number[];

  constructor(
    private readonly s: DecodingSettings,
    private readonly events: DecodeEvents,
    private readonly spawn: SpawnDecodeThread = spawnDecodeThread,
  ) {
    this.#failuresInRow = new Array<number>(s.threads).fill(0);
    this.#threads = Array.from({ length: s.threads }, (_, i) => this.#start(i));
  }

  /**
   * Hands a request's CDRs decoded (undefined when it has none) to `then`, in the order requests
   * were given: at once when the gateway's thread decodes them all.
   */
  decode(records: readonly Uint8Array[] | undefined, format: number, then: (results: Results) => void): void {
    if (this.#threads.length === 0) {
      then(this.#decodeNow(records, format));
      return;
    }
    const ticket: Ticket = { records, results: undefined, done: false, resolve: then };
    this.#order.push(ticket);
    if (records === undefined || records.length === 0 || formatRefused(format, this.s.accept) !== undefined) {
      this.#decodeHere([ticket], format);
      this.#drain();
      return;
    }
    this.#batch.push(ticket);
    this.#batchCdrs += records.length;
    if (this.#batchCdrs >= MAX_JOB_CDRS) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Ends the threads; call once no decode is pending. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t?.worker.terminate()));
  }

  #start(index: number): DecodeThread {
    const worker = this.spawn({ warmUpCdrs: this.s.warmUpCdrs });
    worker.unref();
    const thread: DecodeThread = { worker, shapes: [], jobs: new Map(), alive: true };
    worker.on('message', (done: DecodedJob) => {
      this.#failuresInRow[index] = 0;
      this.#answered(thread, done);
    });
    worker.on('error', (err: Error) => this.#failed(index, thread, err));
    worker.on('exit', (code) => this.#failed(index, thread, new Error(`decode thread exited (${code})`)));
    return thread;
  }

  #flush(): void {
    this.#scheduled = false;
    const tickets = this.#batch;
    if (tickets.length === 0) return;
    this.#batch = [];
    this.#batchCdrs = 0;
    let thread: DecodeThread | undefined;
    for (const t of this.#threads)
      if (
        t?.alive === true &&
        t.jobs.size < MAX_JOBS_IN_FLIGHT &&
        (thread === undefined || t.jobs.size < thread.jobs.size)
      )
        thread = t;
    if (thread === undefined) {
      this.events.count('decode_jobs_here');
      this.#decodeHere(tickets, 1);
      this.#drain();
      return;
    }
    const id = this.#nextJob++;
    const job = makeJob(
      id,
      tickets.map((t) => t.records as readonly Uint8Array[]),
    );
    thread.jobs.set(id, tickets);
    this.events.count('decode_jobs_sent');
    thread.worker.postMessage(job, [job.bytes, job.ends.buffer]);
  }

  #answered(thread: DecodeThread, done: DecodedJob): void {
    const tickets = thread.jobs.get(done.id);
    if (tickets === undefined) return;
    thread.jobs.delete(done.id);
    const results = readAnswer(done, thread.shapes);
    let at = 0;
    for (const t of tickets) {
      const n = (t.records as readonly Uint8Array[]).length;
      t.results = results.slice(at, at + n);
      t.done = true;
      at += n;
    }
    this.#drain();
  }

  #failed(index: number, thread: DecodeThread, err: Error): void {
    if (!thread.alive || this.#closed) return;
    thread.alive = false;
    this.events.count('decode_thread_failed');
    this.events.failed(err, index);
    for (const tickets of thread.jobs.values()) this.#decodeHere(tickets, 1);
    thread.jobs.clear();
    this.#drain();
    this.#threads[index] = undefined;
    void thread.worker.terminate();
    const inRow = (this.#failuresInRow[index] ?? 0) + 1;
    this.#failuresInRow[index] = inRow;
    setTimeout(
      () => {
        if (!this.#closed) this.#threads[index] = this.#start(index);
      },
      Math.min(MAX_RESTART_MS, (this.s.restartMs ?? RESTART_MS) * 2 ** (inRow - 1)),
    ).unref();
  }

  #decodeHere(tickets: readonly Ticket[], format: number): void {
    for (const t of tickets) {
      t.results = this.#decodeNow(t.records, format);
      t.done = true;
    }
  }

  #decodeNow(records: readonly Uint8Array[] | undefined, format: number): Results {
    return records && decodeRecords(records, format, this.s.accept);
  }

  /** Hands results back in request order, as far as they are done. */
  #drain(): void {
    const order = this.#order;
    while (this.#head < order.length && (order[this.#head] as Ticket).done) {
      const t = order[this.#head++] as Ticket;
      t.resolve(t.results);
    }
    if (this.#head === order.length) {
      this.#order = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > order.length) {
      this.#order = order.slice(this.#head);
      this.#head = 0;
    }
  }
}
