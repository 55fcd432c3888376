/**
 * Where a streamed run's messages come from: a `MessageMaker` in the sending thread itself, or in a
 * worker thread of its own (`--prepare stream`), which asks for chunks ahead of need so that making
 * the CDRs (11–14 µs each) runs on another core than sending them.
 */
import { Worker } from 'node:worker_threads';
import { builtSibling } from '../../../actors/runtime/built-module.js';
import { unpackChunk, type ChunkRequest, type MadeChunk } from './maker-chunk.js';
import { PENDING } from './messages.js';
import { MessageMaker, type MadeMessage, type StreamOptions } from './maker.js';

export interface MakerSource {
  /** The next message; undefined once there are no more; PENDING if it is not made yet. */
  next(): MadeMessage | undefined | typeof PENDING;
  /** Sessions the maker has planned so far. */
  readonly sessionsPlanned: number;
  /** Open no new session: messages end once the open ones are made (see MessageMaker). */
  finishSessions(): void;
  close(): void;
}

/** Makes each message when it is asked for, in this thread. */
export function makerInThread(o: StreamOptions): MakerSource & { readonly maker: MessageMaker } {
  const maker = new MessageMaker(o);
  return {
    maker,
    next: () => maker.make(),
    get sessionsPlanned() {
      return maker.made.sessions;
    },
    finishSessions: () => maker.finishSessions(),
    close: () => undefined,
  };
}

/** Messages asked of the worker at a time. */
const CHUNK_MESSAGES = 128;
/** Another chunk is asked for once fewer than this many messages are ready. */
const LOW_MESSAGES = 512;

/** A maker in a worker thread, kept about LOW_MESSAGES to LOW_MESSAGES + CHUNK_MESSAGES ahead. */
export class MakerThread implements MakerSource {
  readonly #worker: Worker;
  #ready: MadeMessage[] = [];
  #head = 0;
  #asked = false;
  #done = false;
  #failure: Error | undefined;
  #sessionsPlanned = 0;

  constructor(o: StreamOptions) {
    this.#worker = new Worker(builtSibling(import.meta.url, 'maker-worker'), { workerData: o });
    // The run's own timers keep the process alive while it goes; a run that fails before its end
    // (and never closes this) must not be kept alive by its maker.
    this.#worker.unref();
    this.#worker.on('message', (c: MadeChunk) => {
      this.#asked = false;
      this.#done = c.done;
      this.#sessionsPlanned = c.made.sessions;
      if (this.#head > 0) {
        this.#ready = this.#ready.slice(this.#head);
        this.#head = 0;
      }
      for (const m of unpackChunk(c)) this.#ready.push(m);
      this.#askIfLow();
    });
    this.#worker.on('error', (err: Error) => {
      this.#failure = err;
    });
    this.#askIfLow();
  }

  next(): MadeMessage | undefined | typeof PENDING {
    if (this.#failure !== undefined)
      throw new Error(`loadgen: making the CDRs failed: ${this.#failure.message}`, { cause: this.#failure });
    const m = this.#ready[this.#head];
    if (m === undefined) {
      this.#askIfLow();
      return this.#done ? undefined : PENDING;
    }
    this.#head++;
    this.#askIfLow();
    return m;
  }

  get sessionsPlanned(): number {
    return this.#sessionsPlanned;
  }

  finishSessions(): void {
    // Messages the worker was asked for before this still open sessions; those after do not.
    this.#worker.postMessage({ finishSessions: true } satisfies ChunkRequest);
  }

  close(): void {
    void this.#worker.terminate();
  }

  #askIfLow(): void {
    if (this.#asked || this.#done || this.#ready.length - this.#head >= LOW_MESSAGES) return;
    this.#asked = true;
    this.#worker.postMessage({ messages: CHUNK_MESSAGES } satisfies ChunkRequest);
  }
}
