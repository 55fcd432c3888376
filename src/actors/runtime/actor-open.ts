/**
 * What an actor opens when its worker starts, before its loop runs: its input log, its last
 * committed checkpoint and what the log holds after it, its handler restored from that checkpoint,
 * its quarantine writer and its poison list.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CheckpointStore } from '../durability/checkpoint.js';
import { InputLog } from '../durability/input-log.js';
import { Watermarks } from '../durability/watermarks.js';
import type { NodeType } from '../nodes/registry.js';
import { QuarantineWriter } from '../quarantine/store.js';
import type { NodeEnv, NodeHandler } from './actor.js';
import { actorCheckpointStore, decodeCheckpoint, type CheckpointContent } from './checkpoint-content.js';
import { PoisonList } from './poison.js';
import type { ActorWorkerData } from './protocol.js';
import { scanAfterCheckpoint, type ReplayScan } from './replay-scan.js';

/** What a node type's factories are given. */
export function nodeEnv(data: ActorWorkerData, log: Logger): NodeEnv {
  return {
    nodeId: data.nodeId,
    actorId: data.actorId,
    partition: data.partition,
    partitions: data.partitions,
    actorDir: data.actorDir,
    dataDir: data.dataDir,
    log,
    poolThreads: data.runtime.poolThreads,
  };
}

export interface OpenedActor {
  readonly log: InputLog;
  readonly store: CheckpointStore;
  /** The last committed checkpoint (undefined: none yet, the actor starts from the log's beginning). */
  readonly ckpt: CheckpointContent | undefined;
  /** Per producer, the last batch handled up to the checkpoint. */
  readonly processed: Watermarks;
  /** Per producer, the last batch in the log (the checkpoint's, then those the log holds after it). */
  readonly appended: Watermarks;
  readonly scan: ReplayScan;
  readonly handler: NodeHandler;
  readonly quarantine: QuarantineWriter;
  readonly poison: PoisonList;
}

export async function openActor(data: ActorWorkerData, type: NodeType, logger: Logger): Promise<OpenedActor> {
  const log = await InputLog.open(join(data.actorDir, 'log'), {
    segmentBytes: data.runtime.segmentBytes,
    groupCommitMs: data.runtime.groupCommitMs,
  });
  const store = actorCheckpointStore(data.actorDir);
  const raw = await store.load();
  const ckpt = raw === undefined ? undefined : decodeCheckpoint(raw);
  const processed = Watermarks.from(ckpt?.processedMarks ?? {});
  const appended = Watermarks.from(ckpt?.processedMarks ?? {});
  // Entries after the checkpoint are already in the log: their batches must not be appended twice.
  const scan = await scanAfterCheckpoint(
    log,
    ckpt?.position ?? 1,
    appended,
    ckpt?.outputSpecs ?? data.outputs,
  );
  const handler = type.create(data.settings, nodeEnv(data, logger));
  await handler.init(ckpt?.state);
  const quarantine = await QuarantineWriter.open(data.quarantineDir, data.actorId, {
    groupCommitMs: data.runtime.groupCommitMs,
  });
  const poison = new PoisonList(data.actorDir);
  const decision = poison.consider(data.poison, data.poisonAfter);
  if (decision !== undefined) {
    logger.warn({ position: data.poison?.position, decision }, 'poison entry: handling it apart');
  }
  return { log, store, ckpt, processed, appended, scan, handler, quarantine, poison };
}
