/** Options of an input log, checked before anything is opened. */
import { LogUsageError } from './errors.js';

export interface InputLogOptions {
  /** A segment is closed once it reaches this many bytes; the next entry starts a new one. */
  readonly segmentBytes: number;
  /** Commit interval; 0 commits right after each burst of appends (on the next immediate). */
  readonly groupCommitMs: number;
  /** Not supported (see the module comment); `true` is rejected rather than ignored. */
  readonly preallocate?: boolean;
  /** 'tail' (default) checks the last segment at open; 'all' checks every entry of every segment. */
  readonly verify?: 'tail' | 'all';
}

export function checkOptions(o: InputLogOptions): Required<InputLogOptions> {
  if (!Number.isSafeInteger(o.segmentBytes) || o.segmentBytes < 1) {
    throw new LogUsageError('invalid_option', `segmentBytes must be an integer >= 1, got ${o.segmentBytes}`);
  }
  if (!Number.isFinite(o.groupCommitMs) || o.groupCommitMs < 0) {
    throw new LogUsageError('invalid_option', `groupCommitMs must be a number >= 0, got ${o.groupCommitMs}`);
  }
  if (o.preallocate === true) {
    throw new LogUsageError(
      'unsupported_option',
      'preallocate: true is not supported (no fallocate in Node); expected false or absent',
    );
  }
  const verify = o.verify ?? 'tail';
  if (verify !== 'tail' && verify !== 'all') {
    throw new LogUsageError('invalid_option', `verify must be 'tail' or 'all', got ${String(verify)}`);
  }
  return { segmentBytes: o.segmentBytes, groupCommitMs: o.groupCommitMs, preallocate: false, verify };
}
