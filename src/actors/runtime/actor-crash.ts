/**
 * How an actor dies when its handler fails (or a checkpoint cannot be written): it tells the host
 * where (the supervisor restarts it from the last checkpoint, and counts the entry towards poison),
 * then throws `HandlerCrash` once that message is out, which ends the worker.
 */
import type { WorkerToHost } from './protocol.js';

export class HandlerCrash extends Error {
  override readonly name = 'HandlerCrash';
  readonly code = 'handler_crash';
  constructor(
    readonly position: number,
    readonly failure: unknown,
  ) {
    super(`handler failed at input position ${position}: ${(failure as Error)?.message ?? String(failure)}`);
  }
}

export function crashActor(post: (m: WorkerToHost) => void, position: number, err: unknown): void {
  const e = err as Error;
  post({
    type: 'crashed',
    position,
    error: { name: e?.name ?? 'Error', message: e?.message ?? String(err), stack: e?.stack },
  });
  // Let the message go out, then die.
  setImmediate(() => {
    throw new HandlerCrash(position, err);
  });
}
