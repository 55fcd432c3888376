/**
 * Errors of the quarantine store. Each has a bounded `code` and names the file, offset or id a human
 * needs to find the problem.
 */

export type QuarantineUsageCode =
  'invalid_option' | 'invalid_actor_id' | 'invalid_entry' | 'invalid_id' | 'unknown_id';

/** A caller passed something the store cannot accept. */
export class QuarantineUsageError extends Error {
  override readonly name = 'QuarantineUsageError';
  constructor(
    readonly code: QuarantineUsageCode,
    message: string,
  ) {
    super(message);
  }
}

export type QuarantineCorruptCode =
  | 'bad_magic'
  | 'unsupported_version'
  | 'crc_mismatch'
  | 'length_limit'
  | 'bad_entry'
  | 'shrank_while_reading';

/** Damage that is not a torn tail: never skipped, never truncated. */
export class QuarantineCorruptError extends Error {
  override readonly name = 'QuarantineCorruptError';
  constructor(
    readonly code: QuarantineCorruptCode,
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`quarantine file ${file} is corrupt at offset ${offset} (${code}): ${detail}`);
  }
}

/** A write or fsync failed: nothing after the last flush is durable, and the writer takes no more. */
export class QuarantineFailedError extends Error {
  override readonly name = 'QuarantineFailedError';
  readonly code = 'write_failed' as const;
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      `quarantine file ${file} failed to write or fsync (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'expected a healthy file: reopen the writer to recover from the last durable entry',
      { cause },
    );
  }
}

export class QuarantineClosedError extends Error {
  override readonly name = 'QuarantineClosedError';
  readonly code = 'closed' as const;
  constructor(readonly file: string) {
    super(`quarantine writer of ${file} is closed; expected an open writer`);
  }
}
