/**
 * The context an actor's handler works through: where its records go (`emit`, with the outcome
 * booked in the ledger), the quarantine, duplicate and ledger counts, checkpoint requests and
 * alarms. `position` is the input entry being handled; the runtime sets it before each entry, and
 * quarantined input is filed under it.
 */
import type { Logger } from 'pino';
import { packValue } from '../../protocols/nar/batch.js';
import { plainNar, type NarRecord } from '../../protocols/nar/packed-nar.js';
import type { HandlerContext } from './actor.js';
import type { ActorBooks } from './actor-books.js';
import type { LedgerCounter } from './ledger.js';
import type { Outputs } from './outputs.js';
import type { ActorWorkerData } from './protocol.js';

export type RuntimeHandlerContext = HandlerContext & { position: number };

export interface ContextDeps {
  readonly data: ActorWorkerData;
  readonly logger: Logger;
  readonly books: ActorBooks;
  readonly outputs: Outputs;
  readonly requestCheckpoint: () => void;
}

export function makeHandlerContext(deps: ContextDeps, position: number): RuntimeHandlerContext {
  const { data: d, books, outputs } = deps;
  const encoder = new TextEncoder();
  const quarantine = (
    raw: Uint8Array | string,
    reason: string,
    detail?: Readonly<Record<string, unknown>>,
  ): void => {
    books.ledger.quarantined++;
    const bytes = typeof raw === 'string' ? encoder.encode(raw) : raw;
    books.quarantine(ctx.position, bytes, reason, detail);
  };
  const ctx: RuntimeHandlerContext = {
    nodeId: d.nodeId,
    actorId: d.actorId,
    partition: d.partition,
    partitions: d.partitions,
    actorDir: d.actorDir,
    log: deps.logger,
    position,
    emit: (record: NarRecord, channel = 'default') => {
      const outcome = outputs.emit(record, channel);
      if (outcome === 'sent') books.ledger.out++;
      else if (outcome === 'unrouted-drop') books.ledger.filtered++;
      else {
        const kept = packValue(plainNar(record));
        quarantine(kept, outcome === 'unrouted-quarantine' ? 'no_route' : 'no_destination', { channel });
      }
    },
    quarantine,
    duplicate: (reason: string) => books.duplicate(reason),
    count: (counter: LedgerCounter, n: number) => {
      books.ledger[counter] += n;
    },
    requestCheckpoint: deps.requestCheckpoint,
    alarm: (name: string, raised: boolean, detail = '') => books.alarm(name, raised, detail),
  };
  return ctx;
}
