/**
 * What the actor runtime gives an EI's ingest source (`IngestContext`): appends of external entries
 * that resolve once durable, the entries a restart must look at again, the backlog and the handler's
 * held records.
 */
import type { Logger } from 'pino';
import type { InputLog } from '../durability/input-log.js';
import type { IngestContext, NodeHandler } from './actor.js';
import type { ActorBooks } from './actor-books.js';
import { ENTRY_EXTERNAL } from './entries.js';
import type { Entry } from './input-queue.js';
import type { ActorWorkerData } from './protocol.js';
import { externalEntries } from './replay-scan.js';

export interface IngestWiring {
  readonly data: ActorWorkerData;
  readonly logger: Logger;
  readonly log: InputLog;
  /** The runtime keeps an appended entry in memory until it is handled. */
  readonly appended: (lsn: number, entry: Entry) => void;
  readonly committedPosition: () => number;
  /** The last entry the log held when the actor started. */
  readonly logEndAtStart: number;
  readonly backlog: () => number;
  readonly handler: NodeHandler;
  readonly books: ActorBooks;
}

export function ingestContext(w: IngestWiring): IngestContext {
  return {
    nodeId: w.data.nodeId,
    actorDir: w.data.actorDir,
    log: w.logger,
    checkpointPosition: w.committedPosition(),
    append: async (payload) => {
      const lsn = w.log.append(ENTRY_EXTERNAL, payload);
      w.appended(lsn, { lsn, kind: ENTRY_EXTERNAL, payload });
      await w.log.whenDurable(lsn);
      return lsn;
    },
    pendingEntries: () => externalEntries(w.log, w.committedPosition(), w.logEndAtStart),
    backlog: w.backlog,
    heldRecords: () => w.handler.held(),
    alarm: (name, raised, detail = '') => w.books.alarm(name, raised, detail),
  };
}
