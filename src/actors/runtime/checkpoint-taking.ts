/**
 * When an actor takes a checkpoint and what goes into it (DESIGN rule 5): `periodic` node types at
 * most every `checkpointIntervalMs` once the position moved, `on-request` ones (sinks) only when the
 * handler asks; a drain forces one. The checkpoint is taken in memory, in the event loop (the
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
  readonly handler: NodeHandler;
  readonly outputs: Outputs;
  readonly books: ActorBooks;
  readonly processed: Watermarks;
  readonly checkpointer: Checkpointer;
  /** The handler context's position (the entry the handler is inside, when it is). */
  readonly handlerPosition: () => number;
}

export interface CheckpointTakingStats {
  /** Encoded size of the last checkpoint taken (0: none yet). */
  readonly checkpointBytes: number;
  readonly checkpointsTaken: number;
  readonly checkpointTakeMs: number;
}

export class CheckpointTaking {
  #requested = false;
  #lastTakenMs = Date.now();
  /** Calls of handler.snapshot() so far. */
  #taken = 0;
  #bytes = 0;
  #ms = 0;

  constructor(private readonly d: CheckpointTakingDeps) {}

  /** The handler asks for a checkpoint (sinks, once their output is durable). */
  request(): void {
    this.#requested = true;
  }

  /** Takes a checkpoint at `position` when one is due (always when `force`) and offers it. */
  maybeTake(position: number, force: boolean): void {
    const d = this.d;
    if (!force) {
      if (d.mode === 'on-request' && !this.#requested) return;
      if (d.mode === 'periodic' && Date.now() - this.#lastTakenMs < d.intervalMs) return;
      if (position === d.checkpointer.committedPosition && !this.#requested) return;
    }
    this.#requested = false;
    this.#lastTakenMs = Date.now();
    const t0 = performance.now();
    const bytes = encodeCheckpoint({
      version: 1,
      position,
      state: d.handler.snapshot(),
      outputs: d.outputs.state(),
      outputSpecs: d.outputs.specs,
      processedMarks: d.processed.toJSON(),
      ...d.books.checkpoint(d.handler.held(), d.handlerPosition() === position),
    });
    this.#bytes = bytes.length;
    this.#ms += performance.now() - t0;
    d.checkpointer.offer({
      position,
      bytes,
      required: d.outputs.sealed(),
      takenAtMs: Date.now(),
      snapshot: ++this.#taken,
    });
  }

  stats(): CheckpointTakingStats {
    return { checkpointBytes: this.#bytes, checkpointsTaken: this.#taken, checkpointTakeMs: this.#ms };
  }
}
