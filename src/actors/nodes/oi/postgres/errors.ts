/**
 * Errors of the PostgreSQL OI. `CopyValueError` is per value (the record goes to the quarantine);
 * `PostgresOiError` stops the handler (the supervisor restarts it from its checkpoint).
 */

export type CopyValueCode =
  'wrong_kind' | 'bad_syntax' | 'out_of_range' | 'nul_character' | 'unpaired_surrogate' | 'null_not_allowed';

/** A NAR value that cannot be written to its column; `code` says why, the message what was expected. */
export class CopyValueError extends Error {
  override readonly name = 'CopyValueError';
  constructor(
    readonly code: CopyValueCode,
    /** The column, when known (empty for a bare value). */
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

export type PostgresOiErrorCode =
  /** The actor stopped while a commit waited for an unavailable database (nothing was lost). */
  | 'aborted'
  /** The server refused the statement for a reason retrying cannot fix (SQLSTATE class 42, 22, 23, 28, ...). */
  | 'database_rejected'
  /** The progress row covers part of the rows about to be written: another writer uses this instance. */
  | 'progress_conflict'
  | 'bad_instance_file'
  | 'bad_snapshot'
  | 'missing_password'
  /** A failure that is neither a server error nor a lost connection (a bug): not retried. */
  | 'unexpected_failure';

export class PostgresOiError extends Error {
  override readonly name = 'PostgresOiError';
  /** The server's SQLSTATE, for `database_rejected`. */
  readonly sqlState: string | undefined;
  constructor(
    readonly code: PostgresOiErrorCode,
    message: string,
    options?: { cause?: unknown; sqlState?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.sqlState = options?.sqlState;
  }
}
