/**
 * Fan-out of stateless, CPU-heavy tasks to a thread pool, re-joined in submission order.
 *
 * - `submit()` takes a task's place in the result order at once (synchronously) and returns a promise
 *   that resolves when the task has been handed to a thread. Back-pressure: at most `maxInFlight` tasks
 *   are dispatched from the oldest unsettled one onward, so neither the running tasks nor the results
 *   held back behind a slow one ever exceed `maxInFlight`. Tasks beyond that wait in submission order;
 *   awaiting `submit()` is how a caller feels the pressure.
 * - `next()` hands out results strictly in submission order, whatever order the threads finish in.
 *   A task that throws rejects only its own result (`PoolTaskError`); later results are unaffected.
 * - `close()` destroys the threads and rejects every result not yet handed out (`PoolClosedError`).
 * - `threads: 0` runs each task inline inside `submit()`, with the same API, ordering and errors.
 *
 * Worth it only for tasks of about 1000 records or more: a task's round trip to a thread costs tens of µs.
 */
import { builtSibling } from './built-module.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TransferListItem } from 'node:worker_threads';
import { Piscina } from 'piscina';
import {
  describeFailure,
  poolTasks,
  runTask,
  type PoolTaskInput,
  type PoolTaskName,
  type PoolTaskOutput,
  type TaskFailure,
  type TaskMessage,
  type TaskOutcome,
} from './pool-worker.js';

export class OrderedPoolError extends Error {
  override readonly name = 'OrderedPoolError';
  constructor(
    readonly code: 'invalid_options' | 'module_missing' | 'nothing_pending',
    message: string,
  ) {
    super(message);
  }
}

export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
  readonly code = 'pool_closed';
  constructor(readonly task: string) {
    super(`pool for task "${task}" is closed: expected submit()/next() only before close()`);
  }
}

/** A task threw (`task_failed`), or its thread failed to run it (`thread_failed`). */
export class PoolTaskError extends Error {
  override readonly name = 'PoolTaskError';
  constructor(
    readonly code: 'task_failed' | 'thread_failed',
    readonly task: string,
    /** Position of the task in submission order, from 0. */
    readonly sequence: number,
    readonly failure: TaskFailure,
  ) {
    const what = failure.code === undefined ? failure.name : `${failure.name} ${failure.code}`;
    super(
      `pool task "${task}" #${sequence} ${code === 'task_failed' ? 'threw' : 'failed'}: ${what}: ${failure.message}`,
    );
  }
}

/** A task function and the compiled module that registers it under `name` for pool threads. */
export interface PoolTaskRef<T, R> {
  readonly name: string;
  readonly module: URL;
  /** The same function, run inline when the pool has no threads. */
  readonly run: (input: T) => R;
}

export interface OrderedPoolOptions<T, R> {
  readonly task: PoolTaskRef<T, R>;
  /** 0..64; 0 runs tasks inline in the caller's thread. */
  readonly threads: number;
  /** ≥ 1: tasks dispatched from the oldest unsettled one onward. */
  readonly maxInFlight: number;
}

/** The compiled pool task module (tests run TypeScript sources, threads always run the built JS). */
export function poolWorkerUrl(): URL {
  return builtSibling(import.meta.url, 'pool-worker');
}

/** One of narflow's registered pool tasks (see pool-worker.ts). */
export function poolTask<N extends PoolTaskName>(name: N): PoolTaskRef<PoolTaskInput<N>, PoolTaskOutput<N>> {
  const run = poolTasks[name] as (input: PoolTaskInput<N>) => PoolTaskOutput<N>;
  return { name, module: poolWorkerUrl(), run };
}

type Result<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: Error };

interface Slot<R> {
  readonly sequence: number;
  settled: boolean;
  /** Set when the task settled before its result was asked for. */
  result: Result<R> | undefined;
  /** Set when the result was asked for before the task settled. */
  waiter: { resolve(value: R): void; reject(error: Error): void } | undefined;
}

interface Waiting<T, R> {
  readonly slot: Slot<R>;
  readonly input: T;
  readonly transferList: readonly TransferListItem[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

function validate<T, R>(opts: OrderedPoolOptions<T, R>): void {
  const problems: string[] = [];
  if (!Number.isInteger(opts.threads) || opts.threads < 0 || opts.threads > 64) {
    problems.push(`threads: expected integer 0–64, got ${String(opts.threads)}`);
  }
  if (!Number.isInteger(opts.maxInFlight) || opts.maxInFlight < 1) {
    problems.push(`maxInFlight: expected integer ≥ 1, got ${String(opts.maxInFlight)}`);
  }
  if (opts.task.name.length === 0) problems.push('task.name: expected a non-empty task name');
  if (problems.length > 0) throw new OrderedPoolError('invalid_options', problems.join('; '));
  if (opts.threads > 0 && !existsSync(fileURLToPath(opts.task.module))) {
    throw new OrderedPoolError(
      'module_missing',
      `expected the compiled task module at ${opts.task.module.href} (built by npm run build)`,
    );
  }
}

export class OrderedPool<T, R> {
  readonly #task: PoolTaskRef<T, R>;
  readonly #maxInFlight: number;
  readonly #piscina: Piscina<TaskMessage, TaskOutcome<R>> | undefined;
  /** Submitted, result not yet handed out by next(); in submission order. */
  readonly #undelivered: Slot<R>[] = [];
  /** Dispatched, from the oldest unsettled task onward (settled ones behind it stay counted). */
  readonly #window: Slot<R>[] = [];
  readonly #waiting: Waiting<T, R>[] = [];
  #nextSequence = 0;
  #running = 0;
  #closing: Promise<void> | undefined;

  constructor(opts: OrderedPoolOptions<T, R>) {
    validate(opts);
    this.#task = opts.task;
    this.#maxInFlight = opts.maxInFlight;
    this.#piscina =
      opts.threads === 0
        ? undefined
        : new Piscina<TaskMessage, TaskOutcome<R>>({
            filename: opts.task.module.href,
            minThreads: opts.threads,
            maxThreads: opts.threads,
          });
  }

  /** Tasks running (or queued in a thread) and not yet settled. */
  get inFlight(): number {
    return this.#running;
  }

  /** Tasks submitted but not yet dispatched, waiting for room. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Results not yet handed out by next(). */
  get pending(): number {
    return this.#undelivered.length;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Takes the task's place in the result order now; resolves once it runs on a thread (inline: once
   * it ran). Rejects with PoolClosedError if the pool is or gets closed before that. With threads,
   * the buffers in `transferList` are moved to the thread and unusable afterwards.
   */
  submit(input: T, transferList: readonly TransferListItem[] = []): Promise<void> {
    if (this.closed) return Promise.reject(new PoolClosedError(this.#task.name));
    const slot: Slot<R> = {
      sequence: this.#nextSequence++,
      settled: false,
      result: undefined,
      waiter: undefined,
    };
    this.#undelivered.push(slot);
    if (this.#waiting.length === 0 && this.#window.length < this.#maxInFlight) {
      this.#dispatch(slot, input, transferList);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ slot, input, transferList, resolve, reject });
    });
  }

  /** The result of the oldest submitted task whose result was not yet handed out. */
  next(): Promise<R> {
    if (this.closed) return Promise.reject(new PoolClosedError(this.#task.name));
    const slot = this.#undelivered.shift();
    if (slot === undefined) {
      return Promise.reject(
        new OrderedPoolError(
          'nothing_pending',
          'next() expects a submitted task whose result was not yet taken',
        ),
      );
    }
    const result = slot.result;
    if (result !== undefined) {
      slot.result = undefined;
      return result.ok ? Promise.resolve(result.value) : Promise.reject(result.error);
    }
    return new Promise<R>((resolve, reject) => {
      slot.waiter = { resolve, reject };
    });
  }

  /** Yields the results of all submitted tasks (including ones submitted meanwhile), in order. */
  async *results(): AsyncGenerator<R, void, undefined> {
    while (this.#undelivered.length > 0) yield await this.next();
  }

  [Symbol.asyncIterator](): AsyncGenerator<R, void, undefined> {
    return this.results();
  }

  /** Destroys the threads; every result not yet handed out and every waiting submit rejects. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const error = new PoolClosedError(this.#task.name);
    for (const slot of this.#window) slot.waiter?.reject(error);
    for (const w of this.#waiting) {
      w.slot.waiter?.reject(error);
      w.reject(error);
    }
    this.#window.length = 0;
    this.#waiting.length = 0;
    this.#undelivered.length = 0;
    this.#running = 0;
    this.#closing = this.#piscina === undefined ? Promise.resolve() : this.#piscina.destroy();
    return this.#closing;
  }

  #dispatch(slot: Slot<R>, input: T, transferList: readonly TransferListItem[]): void {
    this.#window.push(slot);
    this.#running++;
    if (this.#piscina === undefined) {
      this.#settle(slot, runTask(this.#task.run, input), 'task_failed');
      return;
    }
    this.#piscina.run({ task: this.#task.name, input }, { transferList: [...transferList] }).then(
      (outcome) => this.#settle(slot, outcome, 'task_failed'),
      (err: unknown) => this.#settle(slot, { ok: false, failure: describeFailure(err) }, 'thread_failed'),
    );
  }

  #settle(slot: Slot<R>, outcome: TaskOutcome<R>, failCode: PoolTaskError['code']): void {
    // After close() every result is already rejected; what the destroyed threads report is moot.
    if (this.closed) return;
    this.#running--;
    slot.settled = true;
    const result: Result<R> = outcome.ok
      ? outcome
      : { ok: false, error: new PoolTaskError(failCode, this.#task.name, slot.sequence, outcome.failure) };
    const waiter = slot.waiter;
    if (waiter === undefined) slot.result = result;
    else {
      slot.waiter = undefined;
      if (result.ok) waiter.resolve(result.value);
      else waiter.reject(result.error);
    }
    while (this.#window[0]?.settled === true) this.#window.shift();
    while (this.#waiting.length > 0 && this.#window.length < this.#maxInFlight) {
      const w = this.#waiting.shift() as Waiting<T, R>;
      this.#dispatch(w.slot, w.input, w.transferList);
      w.resolve();
    }
  }
}
