/**
 * The order enhancer as the benchmarks drive it: a handler in this thread whose spill segments go
 * under a directory the run chooses, and a context that encodes what it emits into batches, as an
 * actor's out-link does.
 */
import { join } from 'node:path';
import pino from 'pino';
import { orderEnhancerOe, orderEnhancerOeSettings } from '../src/actors/nodes/oe/index.js';
import type { HandlerContext, NodeHandler } from '../src/actors/runtime/actor.js';
import { encodeBatch } from '../src/protocols/nar/batch.js';
import type { NarRecord } from '../src/protocols/nar/packed-nar.js';
import { BenchError } from './stats.js';

export const BATCH = 1000;
export const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);

/**
 * A counting context that encodes what is emitted into batches of BATCH records, as an actor's
 * out-link does (so the time includes writing the output); an alarm other than the spill's fails
 * the bench.
 */
export function context(): HandlerContext & { emitted: number; duplicates: number } {
  let out: NarRecord[] = [];
  const ctx = {
    nodeId: 'oe',
    actorId: 'oe.0',
    partition: 0,
    partitions: 1,
    actorDir: '/nonexistent',
    log: pino({ level: 'silent' }),
    position: 0,
    emitted: 0,
    duplicates: 0,
    emit: (r: NarRecord) => {
      ctx.emitted++;
      out.push(r);
      if (out.length < BATCH) return;
      encodeBatch('oe.0', ctx.emitted, out);
      out = [];
    },
    quarantine: (_raw: Uint8Array | string, reason: string) => {
      throw new BenchError(
        'output_mismatch',
        `order-enhancer: a benchmark record was quarantined (${reason})`,
      );
    },
    duplicate: () => {
      ctx.duplicates++;
    },
    count: () => undefined,
    requestCheckpoint: () => undefined,
    alarm: (name: string, raised: boolean, detail?: string) => {
      if (raised && name !== 'processed_sessions_limit')
        throw new BenchError('output_mismatch', `order-enhancer: alarm ${name}: ${detail ?? ''}`);
    },
  };
  return ctx;
}

/** Where handlers that spill write their segments (removed after the bench). */
let spillRoot = '';
let spillDirs = 0;

/** Handlers created from now on spill under `dir`. */
export function spillUnder(dir: string): void {
  spillRoot = dir;
}

export function create(
  settings: Record<string, unknown> = {},
): NodeHandler & { settled?: () => Promise<void> } {
  const handler = orderEnhancerOe.create(orderEnhancerOeSettings.parse(settings), {
    nodeId: 'oe',
    actorId: 'oe.0',
    partition: 0,
    partitions: 1,
    actorDir: join(spillRoot, String(++spillDirs)),
    dataDir: '/nonexistent',
    log: pino({ level: 'silent' }),
    poolThreads: 0,
  });
  void handler.init(undefined);
  return handler;
}
