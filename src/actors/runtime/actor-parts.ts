/**
 * The parts of one actor, wired together from what `openActor` found: its input queue, books,
 * outputs, time, links in, checkpointer, handler context, checkpoint taking and entry dispatch.
 * The runtime supplies the links out and what the parts call back into (`ActorHooks`); the parts
 * start from the last committed checkpoint, or from the beginning of the log without one.
 */
import type { Logger } from 'pino';
import type { NodeType } from '../nodes/registry.js';
import { InLinks } from '../transfer/in-links.js';
import type { OutLinks } from '../transfer/out-links.js';
import { ActorBooks } from './actor-books.js';
import type { OpenedActor } from './actor-open.js';
import { ActorTime } from './actor-time.js';
import { CheckpointTaking } from './checkpoint-taking.js';
import { Checkpointer } from './checkpointer.js';
import { ENTRY_BATCH } from './entries.js';
import { EntryDispatch } from './entry-dispatch.js';
import { makeHandlerContext, type RuntimeHandlerContext } from './handler-context.js';
import { InputQueue, type Entry } from './input-queue.js';
import { Outputs } from './outputs.js';
import type { ActorWorkerData } from './protocol.js';

export interface ActorHooks {
  /** An entry was appended to the log after the start (a batch from a producer, here). */
  readonly appended: (lsn: number, entry: Entry) => void;
  /** A producer's time moved this actor's input time. */
  readonly inputTimeMoved: () => void;
  /** A checkpoint was committed at `position`. */
  readonly committed: (position: number, snapshot: number) => void;
  /** A checkpoint could not be written. */
  readonly failed: (err: Error) => void;
}

export interface ActorParts {
  /** The first log position the handler has not handled. */
  readonly position: number;
  readonly input: InputQueue;
  readonly books: ActorBooks;
  readonly outputs: Outputs;
  readonly time: ActorTime;
  readonly inLinks: InLinks;
  readonly checkpointer: Checkpointer;
  readonly ctx: RuntimeHandlerContext;
  readonly checkpoints: CheckpointTaking;
  readonly dispatch: EntryDispatch;
}

export function wireActor(
  data: ActorWorkerData,
  type: NodeType,
  logger: Logger,
  opened: OpenedActor,
  links: OutLinks,
  hooks: ActorHooks,
): ActorParts {
  const { log, store, ckpt, processed, appended, handler, poison, quarantine } = opened;
  const rt = data.runtime;
  const position = ckpt?.position ?? 1;
  const input = new InputQueue(log.lastLsn, rt.inputMemoryBytes, (from, max) => log.read(from, max));
  const books = new ActorBooks(ckpt, data, quarantine, logger, rt.errorRateLimitMs);
  const outputs = new Outputs(
    data.actorId,
    rt.batchMaxRecords,
    (t) => links.get(t),
    ckpt?.outputSpecs ?? data.outputs,
    ckpt?.outputs,
  );
  const time = new ActorTime(
    data.producers,
    Math.max(ckpt?.tickMs ?? 0, opened.scan.lastTickMs),
    rt.tickIntervalMs,
  );
  const inLinks = new InLinks(
    log,
    appended,
    rt.mailboxBatches,
    (lsn, payload) => hooks.appended(lsn, { lsn, kind: ENTRY_BATCH, payload }),
    (producer, upTo) => {
      if (time.report(producer, upTo)) hooks.inputTimeMoved();
    },
  );
  const checkpointer = new Checkpointer(
    store,
    position,
    (t) => links.acked(t),
    () => quarantine.flush(),
    (c) => hooks.committed(c.position, c.snapshot),
    hooks.failed,
  );
  const ctx = makeHandlerContext(
    { data, logger, books, outputs, requestCheckpoint: () => checkpoints.request() },
    position,
  );
  const checkpoints: CheckpointTaking = new CheckpointTaking({
    mode: type.checkpoint,
    intervalMs: rt.checkpointIntervalMs,
    maxLoad: rt.checkpointMaxLoad,
    handler,
    outputs,
    books,
    processed,
    checkpointer,
    handlerPosition: () => ctx.position,
    tickMs: () => time.floorMs,
  });
  const dispatch = new EntryDispatch({ type, handler, ctx, books, outputs, processed, poison });
  return { position, input, books, outputs, time, inLinks, checkpointer, ctx, checkpoints, dispatch };
}
