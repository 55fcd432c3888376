/**
 * Errors of the durability layer. Each carries a bounded `code` (usable as a metric label) and the
 * file, offset or position a human needs to find the problem.
 */

export type LogCorruptCode =
  | 'crc_mismatch'
  | 'truncated_header'
  | 'length_beyond_end'
  | 'length_limit'
  | 'segment_short'
  | 'segment_long'
  | 'segment_missing';

/** Damage in a position of the input log that is not a torn tail: never skipped, never truncated. */
export class LogCorruptError extends Error {
  override readonly name = 'LogCorruptError';
  constructor(
    readonly code: LogCorruptCode,
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`input log segment ${file} is corrupt at offset ${offset} (${code}): ${detail}`);
  }
}

/** A write or fsync failed earlier: nothing after the last commit is durable, and the log takes no more. */
export class LogFailedError extends Error {
  override readonly name = 'LogFailedError';
  readonly code = 'log_failed' as const;
  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    super(
      `input log ${dir} failed to write or fsync (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'expected a healthy log: reopen it to recover from the last durable entry',
      { cause },
    );
  }
}

export class LogClosedError extends Error {
  override readonly name = 'LogClosedError';
  readonly code = 'log_closed' as const;
  constructor(readonly dir: string) {
    super(`input log ${dir} is closed; expected an open log`);
  }
}

/** The entry was removed by retention (or never existed below the log's first position). */
export class LsnRemovedError extends Error {
  override readonly name = 'LsnRemovedError';
  readonly code = 'lsn_removed' as const;
  constructor(
    readonly dir: string,
    readonly lsn: number,
    readonly firstLsn: number,
  ) {
    super(
      `input log ${dir}: entry ${lsn} was removed by retention; the log now starts at ${firstLsn}, ` +
        `expected a position >= ${firstLsn}`,
    );
  }
}

export type LogUsageCode =
  'invalid_option' | 'unsupported_option' | 'invalid_argument' | 'lsn_not_appended' | 'payload_too_large';

/** A caller passed something the log cannot accept. */
export class LogUsageError extends Error {
  override readonly name = 'LogUsageError';
  constructor(
    readonly code: LogUsageCode,
    message: string,
  ) {
    super(message);
  }
}

export type CheckpointCorruptCode =
  'truncated' | 'bad_magic' | 'unsupported_version' | 'length_mismatch' | 'crc_mismatch';

export class CheckpointCorruptError extends Error {
  override readonly name = 'CheckpointCorruptError';
  constructor(
    readonly code: CheckpointCorruptCode,
    readonly file: string,
    readonly detail: string,
    /** When the fallback was unusable too: why (its own error, or 'missing'). */
    readonly previous?: CheckpointCorruptError | 'missing',
  ) {
    super(
      `checkpoint ${file} is corrupt (${code}): ${detail}` +
        (previous === undefined
          ? ''
          : previous === 'missing'
            ? '; no previous checkpoint to fall back to'
            : `; the previous checkpoint is corrupt too: ${previous.message}`),
    );
  }
}

export type WatermarkCode = 'invalid_sequence' | 'invalid_mark';

export class WatermarkError extends Error {
  override readonly name = 'WatermarkError';
  constructor(
    readonly code: WatermarkCode,
    readonly producer: string,
    message: string,
  ) {
    super(message);
  }
}

export type RetentionCode = 'invalid_argument' | 'position_beyond_log';

export class RetentionError extends Error {
  override readonly name = 'RetentionError';
  constructor(
    readonly code: RetentionCode,
    message: string,
  ) {
    super(message);
  }
}
