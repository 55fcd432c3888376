/**
 * One input-log entry → the handler call its kind asks for: a batch from a producer (its sequence
 * recorded as processed; read in place for a handler that takes packed batches), a tick, an
 * external entry (ingest), or a control entry (new destinations).
 * An entry the poison list names is handled apart: its records one by one, or quarantined whole.
 */
import { packValue, unpackValue } from '../../protocols/nar/batch.js';
import type { Nar } from '../../protocols/nar/nar.js';
import type { Watermarks } from '../durability/watermarks.js';
import type { NodeType } from '../nodes/registry.js';
import type { HandleResult, NodeHandler } from './actor.js';
import { handleBatchInput, readBatchFor } from './batch-input.js';
import type { ActorBooks } from './actor-books.js';
import { ENTRY_BATCH, ENTRY_CONTROL, ENTRY_EXTERNAL, ENTRY_TICK, decodeTick } from './entries.js';
import type { RuntimeHandlerContext } from './handler-context.js';
import type { Outputs } from './outputs.js';
import type { PoisonDecision, PoisonList } from './poison.js';
import type { Entry } from './input-queue.js';
import type { OutputSpec } from './protocol.js';

export interface DispatchDeps {
  readonly type: NodeType;
  readonly handler: NodeHandler;
  readonly ctx: RuntimeHandlerContext;
  readonly books: ActorBooks;
  readonly outputs: Outputs;
  readonly processed: Watermarks;
  readonly poison: PoisonList;
}

export class EntryDispatch {
  constructor(private readonly d: DispatchDeps) {}

  async handle(e: Entry): Promise<HandleResult> {
    const { ctx, books, handler } = this.d;
    if (ctx.position !== e.lsn) books.newEntry();
    ctx.position = e.lsn;
    const poison = this.d.poison.get(e.lsn);
    switch (e.kind) {
      case ENTRY_BATCH: {
        // A poisoned entry is taken apart record by record: decoded, never read in place.
        const input = readBatchFor(handler, e.payload, poison === undefined);
        this.d.processed.accept(input.header.producer, input.header.sequence);
        books.ledger.in += input.header.count;
        if (poison === undefined) await handleBatchInput(handler, input, ctx);
        else await this.#poisonBatch(e, input.records as Nar[], poison);
        return undefined;
      }
      case ENTRY_TICK:
        await handler.handleTick(decodeTick(e.payload), ctx);
        return undefined;
      case ENTRY_EXTERNAL:
        if (poison !== undefined) {
          ctx.quarantine(e.payload, 'poison_entry', { crashes: poison.crashes, crash: poison.reason });
          return undefined;
        }
        if (handler.handleExternal === undefined) {
          throw new Error(`node type ${this.d.type.name} received an external entry it cannot handle`);
        }
        return await handler.handleExternal(e.payload, ctx);
      case ENTRY_CONTROL:
        this.d.outputs.reconfigure(unpackValue(e.payload) as OutputSpec[]);
        return undefined;
      default:
        throw new Error(`unknown input-log entry kind ${e.kind} at ${e.lsn}`);
    }
  }

  async #poisonBatch(e: Entry, records: Nar[], poison: PoisonDecision): Promise<void> {
    const { ctx, books, handler } = this.d;
    if (poison.mode === 'skip') {
      books.ledger.quarantined += records.length;
      books.quarantine(ctx.position, e.payload, 'poison_batch', {
        crashes: poison.crashes,
        crash: poison.reason,
      });
      return;
    }
    for (const r of records) {
      try {
        await handler.handleBatch([r], ctx);
      } catch (err) {
        ctx.quarantine(packValue(r), 'poison_record', { crash: (err as Error).message });
      }
    }
  }
}
