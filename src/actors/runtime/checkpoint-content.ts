/** What an actor's checkpoint holds, and its (msgpack) encoding. */
import { join } from 'node:path';
import { packValue, unpackValue } from '../../protocols/nar/batch.js';
import { CheckpointStore } from '../durability/checkpoint.js';
import type { Ledger } from './ledger.js';
import type { OutputsState } from './outputs.js';
import type { OutputSpec } from './protocol.js';

export interface CheckpointContent {
  readonly version: 1;
  /** First input-log position not yet fully handled. */
  readonly position: number;
  readonly state: unknown;
  readonly outputs: OutputsState;
  readonly outputSpecs: readonly OutputSpec[];
  /** Producer high-water marks over the entries before `position`. */
  readonly processedMarks: Record<string, number>;
  readonly ledger: Ledger;
  readonly quarantinedByReason: Record<string, number>;
  /** Dropped duplicates by reason (absent in checkpoints written before reasons were kept). */
  readonly duplicatesByReason?: Record<string, number>;
  /** Next quarantine ordinal within the entry at `position` (when the checkpoint is inside it). */
  readonly quarantineOrdinal: number;
  /**
   * The latest tick time the log held when the checkpoint was taken: ticks appended after a restart
   * never go below it (absent in checkpoints written before it was kept).
   */
  readonly tickMs?: number;
}

/** The checkpoint store of the actor whose directory is `actorDir`. */
export function actorCheckpointStore(actorDir: string): CheckpointStore {
  return new CheckpointStore(join(actorDir, 'checkpoint'));
}

/** The last committed checkpoint of the actor whose directory is `actorDir`, or undefined. */
export async function loadActorCheckpoint(actorDir: string): Promise<CheckpointContent | undefined> {
  const raw = await actorCheckpointStore(actorDir).load();
  return raw === undefined ? undefined : decodeCheckpoint(raw);
}

export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
  readonly code = 'checkpoint_format';
}

export function encodeCheckpoint(c: CheckpointContent): Uint8Array {
  return packValue(c);
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointContent {
  const v = unpackValue(bytes) as Partial<CheckpointContent> | null;
  if (v === null || typeof v !== 'object' || v.version !== 1 || typeof v.position !== 'number') {
    throw new CheckpointFormatError('checkpoint: expected a version 1 checkpoint with a position');
  }
  return v as CheckpointContent;
}
