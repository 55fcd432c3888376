/**
 * The runtime hands a batch entry to `handlePackedBatch` when the handler has one and the batch is
 * flat and packed; otherwise (a nested value, no such method, an entry on the poison list) to
 * `handleBatch` as NAR objects. Either way the producer's sequence is recorded and the ledger
 * counts the records in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Watermarks } from '../../../src/actors/durability/watermarks.js';
import type { NodeType } from '../../../src/actors/nodes/registry.js';
import type { HandlerContext, NodeHandler } from '../../../src/actors/runtime/actor.js';
import type { ActorBooks } from '../../../src/actors/runtime/actor-books.js';
import { ENTRY_BATCH } from '../../../src/actors/runtime/entries.js';
import { EntryDispatch } from '../../../src/actors/runtime/entry-dispatch.js';
import type { RuntimeHandlerContext } from '../../../src/actors/runtime/handler-context.js';
import type { Outputs } from '../../../src/actors/runtime/outputs.js';
import { PoisonList } from '../../../src/actors/runtime/poison.js';
import { encodeBatch } from '../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../src/protocols/nar/nar.js';
import type { PackedBatch } from '../../../src/protocols/nar/packed-batch.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Calls {
  packed: number[];
  objects: Nar[][];
}

function dispatchWith(packedMethod: boolean): {
  dispatch: EntryDispatch;
  calls: Calls;
  in: () => number;
  processed: Watermarks;
  poison: PoisonList;
} {
  const calls: Calls = { packed: [], objects: [] };
  const handler: NodeHandler = {
    init: () => undefined,
    handleBatch: (records) => {
      calls.objects.push(records);
    },
    handleTick: () => undefined,
    snapshot: () => ({}),
    held: () => 0,
    ...(packedMethod
      ? {
          handlePackedBatch: (batch: PackedBatch, _ctx: HandlerContext) => {
            calls.packed.push(batch.header.count);
          },
        }
      : {}),
  };
  const ledger = { in: 0 };
  const books = { ledger, newEntry: () => undefined } as unknown as ActorBooks;
  const dir = mkdtempSync(join(tmpdir(), 'narflow-dispatch-'));
  dirs.push(dir);
  const processed = new Watermarks();
  const poison = new PoisonList(dir);
  const dispatch = new EntryDispatch({
    type: { name: 'sink' } as NodeType,
    handler,
    ctx: { position: -1 } as RuntimeHandlerContext,
    books,
    outputs: {} as Outputs,
    processed,
    poison,
  });
  return { dispatch, calls, in: () => ledger.in, processed, poison };
}

const flat: Nar[] = [
  { imsi: '001', up: 1n },
  { imsi: '002', up: 2n },
];

describe('entry dispatch of batches', () => {
  it('ensures a flat batch goes to handlePackedBatch, with its sequence recorded and its records counted in', async () => {
    const d = dispatchWith(true);
    await d.dispatch.handle({ lsn: 1, kind: ENTRY_BATCH, payload: encodeBatch('p.0', 7, flat) });
    expect(d.calls).toEqual({ packed: [2], objects: [] });
    expect(d.in()).toBe(2);
    expect(d.processed.accept('p.0', 7)).toBe(false); // 7 was recorded: a re-send
  });

  it('ensures a batch with a nested value, or a handler without handlePackedBatch, gets NAR objects', async () => {
    const nested = [{ a: { b: 1 } }] as unknown as Nar[];
    const d = dispatchWith(true);
    await d.dispatch.handle({ lsn: 1, kind: ENTRY_BATCH, payload: encodeBatch('p.0', 1, nested) });
    expect(d.calls).toEqual({ packed: [], objects: [nested] });
    const plain = dispatchWith(false);
    await plain.dispatch.handle({ lsn: 1, kind: ENTRY_BATCH, payload: encodeBatch('p.0', 1, flat) });
    expect(plain.calls).toEqual({ packed: [], objects: [flat] });
    expect([d.in(), plain.in()]).toEqual([1, 2]);
  });

  it('ensures an entry on the poison list is handled record by record as objects, not packed', async () => {
    const d = dispatchWith(true);
    d.poison.consider({ position: 5, crashes: 3, reason: 'boom' }, 3);
    await d.dispatch.handle({ lsn: 5, kind: ENTRY_BATCH, payload: encodeBatch('p.0', 1, flat) });
    expect(d.calls).toEqual({ packed: [], objects: [[flat[0]], [flat[1]]] });
  });
});
