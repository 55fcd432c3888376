/**
 * Retention policy (DESIGN "exactly once", rule 7): a segment goes only when the consumer's committed
 * checkpoint has passed all of it, and only after it has been closed for the retention period, so
 * recent input stays available for re-processing after a downstream failure.
 */
import { RetentionError } from './errors.js';
import type { InputLog } from './input-log.js';

export interface RetentionRequest {
  /**
   * First LSN the committed checkpoint would replay from: every entry below it is covered. With
   * several consumers, the lowest of their positions.
   */
  readonly replayFromLsn: number;
  /** How long a closed segment is kept after its last write, in ms. */
  readonly retainMs: number;
  readonly nowMs: number;
}

export interface RetentionResult {
  readonly removedSegments: number;
  readonly firstLsnBefore: number;
  readonly firstLsnAfter: number;
}

type RetainableLog = Pick<InputLog, 'removeSegmentsBefore' | 'firstLsn' | 'lastLsn' | 'dir'>;

export async function applyRetention(log: RetainableLog, req: RetentionRequest): Promise<RetentionResult> {
  if (!Number.isSafeInteger(req.replayFromLsn) || req.replayFromLsn < 1) {
    throw new RetentionError(
      'invalid_argument',
      `replayFromLsn must be an integer >= 1, got ${req.replayFromLsn}`,
    );
  }
  if (!Number.isFinite(req.retainMs) || req.retainMs < 0) {
    throw new RetentionError('invalid_argument', `retainMs must be a number >= 0, got ${req.retainMs}`);
  }
  if (req.replayFromLsn > log.lastLsn + 1) {
    throw new RetentionError(
      'position_beyond_log',
      `input log ${log.dir}: checkpoint position ${req.replayFromLsn} is past the log's end; ` +
        `expected <= ${log.lastLsn + 1}, nothing removed`,
    );
  }
  const firstLsnBefore = log.firstLsn;
  const removedSegments = await log.removeSegmentsBefore(req.replayFromLsn, req.retainMs, req.nowMs);
  return { removedSegments, firstLsnBefore, firstLsnAfter: log.firstLsn };
}
