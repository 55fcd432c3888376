/**
 * When an actor takes a checkpoint and what goes into it (DESIGN rule 5): `periodic` node types at
 * most every `checkpointIntervalMs` once the position moved, `on-request` ones (sinks) only when the
 * handler asks; a drain forces one. A periodic checkpoint that took t ms of the event loop puts the
 * next one at least t / `checkpointMaxLoad` ms later: an actor whose state has grown large (an order
 * enhancer holding millions of processed sessions) spends at most that share of its thread on
 * checkpoints instead of falling behind its input, and replays a longer stretch of its input log
 * after a restart (the input log holds it until the checkpoint passes it). The checkpoint is taken in memory, in the event loop (the
 * handler's snapshot, the outputs' and books' state, encoded), and offered to the Checkpointer,
 * which writes it once the outputs sealed before it are acknowledged. Its size and the event-loop
 * time taking checkpoints cost are reported with the actor's stats.
 */
import { performance } from 'node:perf_hooks';
import type { Watermarks } from '../durability/watermarks.js';
import type { NodeType } from '../nodes/registry.js';
import type { NodeHandler } from './actor.js';
import type { ActorBooks } from './actor-books.js';
import { encodeCheckpoint } from './checkpoint-content.js';
import type { Checkpointer } from './checkpointer.js';
import type { Outputs } from './outputs.js';

export interface CheckpointTakingDeps {
  readonly mode: NodeType['checkpoint'];
  readonly intervalMs: number;
  /** Share of the event loop periodic checkpoints may take (0–1]. */
  readonly maxLoad: number;
  readonly handler: NodeHandler;
  readonly outputs: Outputs;
  readonly books: ActorBooks;
  readonly processed: Watermarks;
  readonly checkpointer: Checkpointer;
  /** The handler context's position (the entry the handler is inside, when it is). */
  readonly handlerPosition: () => number;
  /** The latest tick time appended to the log. */
  readonly tickMs: () => number;
  /** Monotonic milliseconds (default: performance.now). */
  readonly now?: () => number;
}

export interface CheckpointTakingStats {
  /** Encoded size of the last checkpoint taken (0: none yet). */
  readonly checkpointBytes: number;
  readonly checkpointsTaken: number;
  readonly checkpointTakeMs: number;
  /** Wait between periodic checkpoints now: `checkpointIntervalMs`, or more after a costly one. */
  readonly checkpointIntervalMs: number;
}

export class CheckpointTaking {
  #requested = false;
  readonly #now: () => number;
  #lastTakenMs: number;
  #waitMs: number;
  /** Calls of handler.snapshot() so far. */
  #taken = 0;
  #bytes = 0;
  #ms = 0;

  constructor(private readonly d: CheckpointTakingDeps) {
    this.#now = d.now ?? (() => performance.now());
    this.#lastTakenMs = this.#now();
    this.#waitMs = d.intervalMs;
  }

  /** The handler asks for a checkpoint (sinks, once their output is durable). */
  request(): void {
    this.#requested = true;
  }

  /** Takes a checkpoint at `position` when one is due (always when `force`) and offers it. */
  maybeTake(position: number, force: boolean): void {
    const d = this.d;
    if (!force) {
      if (d.mode === 'on-request' && !this.#requested) return;
      if (d.mode === 'periodic' && this.#now() - this.#lastTakenMs < this.#waitMs) return;
      if (position === d.checkpointer.committedPosition && !this.#requested) return;
    }
    this.#requested = false;
    const t0 = this.#now();
    const bytes = encodeCheckpoint({
      version: 1,
      position,
      state: d.handler.snapshot(),
      outputs: d.outputs.state(),
      outputSpecs: d.outputs.specs,
      processedMarks: d.processed.toJSON(),
      ...d.books.checkpoint(d.handler.held(), d.handlerPosition() === position),
      tickMs: d.tickMs(),
    });
    this.#bytes = bytes.length;
    const now = this.#now();
    this.#ms += now - t0;
    this.#lastTakenMs = now;
    this.#waitMs = Math.max(d.intervalMs, (now - t0) / d.maxLoad);
    d.checkpointer.offer({
      position,
      bytes,
      required: d.outputs.sealed(),
      takenAtMs: Date.now(),
      snapshot: ++this.#taken,
    });
  }

  stats(): CheckpointTakingStats {
    return {
      checkpointBytes: this.#bytes,
      checkpointsTaken: this.#taken,
      checkpointTakeMs: this.#ms,
      checkpointIntervalMs: this.#waitMs,
    };
  }
}
