/**
 * How a batch reaches a handler: read in place (`readPackedBatch`, `handlePackedBatch`) when the
 * handler takes it so and the batch is flat, else decoded into NAR objects (`handleBatch`). The
 * actor's input dispatch, and the tests and benchmarks that feed handlers as it does, share this.
 */
import { decodeBatch, type BatchHeader } from '../../protocols/nar/batch.js';
import type { Nar } from '../../protocols/nar/nar.js';
import { readPackedBatch, type PackedBatch } from '../../protocols/nar/packed-batch.js';
import type { HandlerContext, NodeHandler } from './actor.js';

export type BatchInput =
  | { readonly header: BatchHeader; readonly packed: PackedBatch; readonly records?: undefined }
  | { readonly header: BatchHeader; readonly packed?: undefined; readonly records: Nar[] };

/** The batch as `handler` takes it; `inPlace` false: always decoded into NAR objects. */
export function readBatchFor(
  handler: Pick<NodeHandler, 'handlePackedBatch'>,
  bytes: Uint8Array,
  inPlace = true,
): BatchInput {
  if (inPlace && handler.handlePackedBatch !== undefined) {
    const packed = readPackedBatch(bytes);
    if (packed !== undefined) return { header: packed.header, packed };
  }
  return decodeBatch(bytes);
}

/** Hands a batch read by `readBatchFor` to the handler. */
export function handleBatchInput(
  handler: NodeHandler,
  input: BatchInput,
  ctx: HandlerContext,
): void | Promise<void> {
  if (input.packed !== undefined && handler.handlePackedBatch !== undefined)
    return handler.handlePackedBatch(input.packed, ctx);
  return handler.handleBatch(input.records as Nar[], ctx);
}
