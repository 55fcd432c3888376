/**
 * One actor inside its worker thread: the input log, replay from the last checkpoint, the
 * processing loop, outputs with credit-based back-pressure, checkpoints and poison entries.
 * The handler sees only deterministic input: entries of its log, in log order. Ticks carry the
 * actor's time (actor-time.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { decodeBatchHeader, packValue } from '../../protocols/nar/batch.js';
import type { InputLog } from '../durability/input-log.js';
import type { NodeType } from '../nodes/registry.js';
import type { QuarantineWriter } from '../quarantine/store.js';
import type { InLinks } from '../transfer/in-links.js';
import { OutLinks } from '../transfer/out-links.js';
import type { HandleResult, IngestSource, NodeHandler } from './actor.js';
import type { ActorBooks } from './actor-books.js';
import { crashActor } from './actor-crash.js';
import { wireActor } from './actor-parts.js';
import type { ActorTime } from './actor-time.js';
import { nodeEnv, openActor, type OpenedActor } from './actor-open.js';
import type { RuntimeHandlerContext } from './handler-context.js';
import type { CheckpointTaking } from './checkpoint-taking.js';
import type { Checkpointer } from './checkpointer.js';
import { decodeTick, ENTRY_BATCH, ENTRY_CONTROL, ENTRY_TICK, encodeTick } from './entries.js';
import type { EntryDispatch } from './entry-dispatch.js';
import { EventLoopLoad } from './event-loop-load.js';
import { ingestContext } from './ingest-context.js';
import type { InputQueue, Entry } from './input-queue.js';
import type { Outputs } from './outputs.js';
import { sameConfig } from './same-config.js';
import type {
  ActorStatsMessage,
  ActorWorkerData,
  DrainOutcome,
  OutputSpec,
  WorkerToHost,
} from './protocol.js';

/** A drain whose outputs are refused (back-pressure) without progress for this long stops. */
const DRAIN_STALL_MS = 5000;

export class ActorRuntime {
  readonly #links = new OutLinks(() => {
    this.#checkpointer.poke();
    this.#kick();
  });
  #position: number;
  #durable = 0;
  readonly #input: InputQueue;
  /** The last entry the log held when the actor started. */
  readonly #logEndAtStart: number;
  #running = false;
  #stopping = false;
  #ticksStopped = false;
  readonly #time: ActorTime;
  #unprocessedWork = 0;
  #lastActivityMs = 0;
  #timers: NodeJS.Timeout[] = [];
  readonly #load = new EventLoopLoad();
  readonly #books: ActorBooks;
  readonly #outputs: Outputs;
  readonly #inLinks: InLinks;
  readonly #checkpointer: Checkpointer;
  readonly #checkpoints: CheckpointTaking;
  readonly #ctx: RuntimeHandlerContext;
  readonly #dispatch: EntryDispatch;
  #ingest: IngestSource | undefined;
  readonly #handler: NodeHandler;
  readonly #log: InputLog;
  readonly #quarantine: QuarantineWriter;

  private constructor(
    private readonly data: ActorWorkerData,
    private readonly type: NodeType,
    private readonly logger: Logger,
    private readonly post: (m: WorkerToHost) => void,
    opened: OpenedActor,
  ) {
    this.#handler = opened.handler;
    this.#log = opened.log;
    this.#quarantine = opened.quarantine;
    this.#logEndAtStart = opened.log.lastLsn;
    this.#durable = opened.log.durableLsn;
    const parts = wireActor(data, type, logger, opened, this.#links, {
      appended: (lsn, entry) => this.#appended(lsn, entry),
      inputTimeMoved: () => this.#inputTimeMoved(),
      committed: (position, snapshot) => this.#committed(position, snapshot),
      failed: (err) => this.#fail(err),
    });
    this.#position = parts.position;
    this.#input = parts.input;
    this.#books = parts.books;
    this.#outputs = parts.outputs;
    this.#time = parts.time;
    this.#inLinks = parts.inLinks;
    this.#checkpointer = parts.checkpointer;
    this.#ctx = parts.ctx;
    this.#checkpoints = parts.checkpoints;
    this.#dispatch = parts.dispatch;
  }

  static async start(
    data: ActorWorkerData,
    type: NodeType,
    logger: Logger,
    post: (m: WorkerToHost) => void,
  ): Promise<ActorRuntime> {
    const opened = await openActor(data, type, logger);
    const rt = new ActorRuntime(data, type, logger, post, opened);
    rt.#unprocessedWork = opened.scan.pendingWork;
    if (!sameConfig(opened.scan.lastSpecs, data.outputs)) rt.reconfigure(data.outputs);
    return rt;
  }

  get position(): number {
    return this.#position;
  }

  get committedPosition(): number {
    return this.#checkpointer.committedPosition;
  }

  /** Begin: timers, ingest, and processing of whatever the log already holds. */
  async run(): Promise<void> {
    this.#log.onDurable((lsn) => {
      this.#durable = lsn;
      this.#inLinks.durable(lsn);
      this.#kick();
    });
    const rt = this.data.runtime;
    this.#timers.push(
      setInterval(() => {
        this.#appendTick();
        this.#reportTime();
      }, rt.tickIntervalMs),
    );
    this.#timers.push(setInterval(() => this.#sendStats(), rt.statsIntervalMs));
    this.#timers.push(
      setInterval(() => this.#checkpoints.maybeTake(this.#position, false), rt.checkpointIntervalMs),
    );
    for (const t of this.#timers) t.unref();
    if (this.type.ingest !== undefined) {
      this.#ingest = this.type.ingest(this.data.settings, nodeEnv(this.data, this.logger));
      await this.#ingest.start(
        ingestContext({
          data: this.data,
          logger: this.logger,
          log: this.#log,
          appended: (lsn, entry) => this.#appended(lsn, entry),
          committedPosition: () => this.#checkpointer.committedPosition,
          logEndAtStart: this.#logEndAtStart,
          backlog: () => this.#unprocessedWork,
          handler: this.#handler,
          books: this.#books,
        }),
      );
    }
    this.#kick();
  }

  connectOut(target: string, port: import('node:worker_threads').MessagePort): void {
    this.#links.get(target).connect(port);
  }

  connectIn(producer: string, port: import('node:worker_threads').MessagePort): void {
    this.#inLinks.connect(producer, port);
  }

  /** The plan's links into this actor changed: its time waits for these producers from now on. */
  setProducers(producers: readonly string[]): void {
    this.#time.setProducers(producers);
    this.#inputTimeMoved();
  }

  /** New destinations: written to the log first, applied when the loop reaches that entry. */
  reconfigure(outputs: readonly OutputSpec[]): void {
    const payload = packValue(outputs);
    const lsn = this.#log.append(ENTRY_CONTROL, payload);
    this.#appended(lsn, { lsn, kind: ENTRY_CONTROL, payload });
  }

  async stopIngest(): Promise<void> {
    await this.#ingest?.stop();
  }

  /**
   * Orderly end of input: stop ticks and ingest, handle every entry of the log, let the handler
   * commit, checkpoint. Resolves with the outcome: `complete` when the committed checkpoint covers
   * the whole log (nothing is left to replay: the actor is quiescent and its state may be moved),
   * false when the drain was cut short (the rest stays in the log for the next start).
   */
  async drain(): Promise<DrainOutcome> {
    // A drain is the actor's end: no tick may fall after its last checkpoint.
    this.#ticksStopped = true;
    await this.stopIngest();
    let position = this.#position;
    let progressAt = Date.now();
    while (this.#running || this.#position <= this.#log.lastLsn) {
      if (this.#position !== position) {
        position = this.#position;
        progressAt = Date.now();
      }
      // Waiting on an unavailable resource, or refused by a consumer that is: stop here; the
      // entry and the rest stay in the durable log for the next start.
      const aborted = this.#running && this.#handler.abort?.() === true;
      const stalled = this.#links.backpressured() && Date.now() - progressAt >= DRAIN_STALL_MS;
      if (aborted || stalled) {
        this.#stopping = true;
        while (this.#running) await sleep(2);
        const cause = aborted ? 'the handler waits on an unavailable resource' : 'outputs refused';
        this.logger.warn(
          { position: this.#position, cause },
          'drain cut short: input left in the log for the next start',
        );
        return this.#drainOutcome(cause);
      }
      await sleep(2);
    }
    await this.#handler.drain?.(this.#ctx);
    this.#outputs.flush();
    this.#checkpoints.maybeTake(this.#position, true);
    await this.#checkpointer.settled();
    return this.#drainOutcome(undefined);
  }

  #drainOutcome(cut: string | undefined): DrainOutcome {
    const committed = this.#checkpointer.committedPosition;
    const lastLsn = this.#log.lastLsn;
    return { complete: cut === undefined && committed > lastLsn, committedPosition: committed, lastLsn, cut };
  }

  /** Supervisor shutdown: stop timers and input, finish the current entry, close files. */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers) clearInterval(t);
    await this.stopIngest();
    while (this.#running) {
      this.#handler.abort?.();
      await sleep(1);
    }
    await this.#handler.terminate?.('shutdown');
    this.#books.flushLog();
    this.#inLinks.closeAll();
    this.#links.disconnectAll();
    await this.#log.close();
    await this.#quarantine.close();
    this.#load.stop();
  }

  stats(): ActorStatsMessage {
    const links = this.#links.stats();
    return {
      type: 'stats',
      position: this.#position,
      lastLsn: this.#log.lastLsn,
      durableLsn: this.#durable,
      committedPosition: this.#checkpointer.committedPosition,
      checkpointAgeMs: Date.now() - this.#checkpointer.committedAtMs,
      ...this.#checkpoints.stats(),
      timeLagMs: this.#time.lagMs(),
      logCommits: this.#log.commits.take(),
      ...this.#books.stats(this.#handler.held()),
      queueDepth: this.#unprocessedWork,
      inputMemoryBytes: this.#input.keptBytes,
      inputReadBack: this.#input.letGo,
      ...this.#load.take(),
      redeliveredDropped: this.#inLinks.redeliveredDropped,
      backpressured: links.backpressured,
      outstanding: links.outstanding,
      lastActivityMs: this.#lastActivityMs,
      targets: this.#outputs.targets(),
      idle:
        this.#unprocessedWork === 0 &&
        !this.#running &&
        links.totalOutstanding === 0 &&
        (this.#ingest?.idle() ?? true),
      ...(this.#ingest?.stats === undefined ? {} : { ingest: this.#ingest.stats() }),
      ...(this.#handler.peerStats === undefined ? {} : { peerStats: this.#handler.peerStats() }),
    };
  }

  // ---- internals ----

  /** An entry was appended after start: keep it in memory until it is handled. */
  #appended(lsn: number, entry: Entry): void {
    if (entry.kind !== ENTRY_TICK) {
      this.#unprocessedWork++;
      this.#lastActivityMs = Date.now();
    }
    this.#input.appended(entry);
  }

  #appendTick(): void {
    if (this.#stopping || this.#ticksStopped) return;
    const now = this.#time.takeTick();
    if (now === undefined) return;
    const payload = encodeTick(now);
    const lsn = this.#log.append(ENTRY_TICK, payload);
    this.#appended(lsn, { lsn, kind: ENTRY_TICK, payload });
  }

  /** The producers' time moved: a tick as soon as it is a tick interval on, not at the next timer. */
  #inputTimeMoved(): void {
    if (this.#time.tickDue()) this.#appendTick();
    this.#reportTime();
  }

  /** Tells consumers this actor's data time (ActorTime.upTo: idle, with nothing to handle or send). */
  #reportTime(): void {
    const idle =
      !this.#running &&
      this.#position > this.#log.lastLsn &&
      !this.#links.backpressured() &&
      (this.#ingest?.idle() ?? true);
    const upTo = this.#time.upTo(idle);
    if (upTo > 0) this.#links.time(upTo);
  }

  #hasProcessable(): boolean {
    return this.#position <= this.#durable;
  }

  #kick(): void {
    if (this.#running || this.#stopping) return;
    this.#running = true;
    void this.#loop().finally(() => {
      this.#running = false;
    });
  }

  async #loop(): Promise<void> {
    while (!this.#stopping && this.#hasProcessable() && !this.#links.backpressured()) {
      const entry = await this.#input.at(this.#position);
      if (entry === undefined) return;
      let result: HandleResult;
      try {
        result = await this.#dispatch.handle(entry);
      } catch (err) {
        // Stopping: the handler gave up the entry on request (abort); it is handled after a restart.
        if (this.#stopping) return;
        this.#crash(entry.lsn, err);
        return;
      }
      this.#outputs.flush();
      if (result === 'more') {
        this.#checkpoints.maybeTake(this.#position, false);
        continue;
      }
      this.#position = entry.lsn + 1;
      this.#input.handled(entry.lsn);
      if (entry.kind !== ENTRY_TICK) {
        this.#unprocessedWork = Math.max(0, this.#unprocessedWork - 1);
        this.#lastActivityMs = Date.now();
      }
      if (entry.kind === ENTRY_BATCH) this.#inLinks.grantCredit(decodeBatchHeader(entry.payload).producer);
      else if (entry.kind === ENTRY_TICK) this.#links.time(this.#time.handled(decodeTick(entry.payload)));
      this.#checkpoints.maybeTake(this.#position, false);
    }
  }

  #committed(position: number, snapshot: number): void {
    this.logger.debug({ position }, 'checkpoint committed');
    try {
      this.#handler.checkpointCommitted?.(snapshot);
    } catch (err) {
      this.logger.error({ err }, 'handler could not release state after a checkpoint');
    }
    void this.#log
      .removeSegmentsBefore(position, this.data.runtime.retentionMs, Date.now())
      .catch((err: Error) => this.logger.error({ err }, 'input-log retention failed'));
    void Promise.resolve(this.#ingest?.checkpointCommitted?.(position)).catch((err: Error) =>
      this.logger.error({ err }, 'ingest could not release input after a checkpoint'),
    );
  }

  #sendStats(): void {
    this.#checkTimeLag();
    this.post(this.stats());
  }

  /** `time_lag`: this actor's producers have held its time back for longer than `timeLagAlarmMs`. */
  #checkTimeLag(): void {
    const limit = this.data.runtime.timeLagAlarmMs;
    if (limit === 0 || !this.#time.fedByOthers || this.#ticksStopped) return;
    const detail = this.#time.heldBack(limit);
    this.#books.alarm('time_lag', detail !== '', detail);
  }

  #crash(position: number, err: unknown): void {
    this.#stopping = true;
    // The supervisor restarts us from the last checkpoint.
    crashActor(this.post, position, err);
  }

  #fail(err: Error): void {
    this.logger.error({ err }, 'checkpoint could not be written');
    this.#crash(this.#position, err);
  }
}
