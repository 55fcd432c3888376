/** Errors of the file EI. */

/** Why one input field could not become an attribute value; `code` is the quarantine reason. */
export type FieldErrorCode =
  | 'missing_value'
  | 'bad_integer'
  | 'bad_number'
  | 'bad_boolean'
  | 'bad_ip'
  | 'bad_timestamp'
  | 'bad_enum'
  | 'short_line';

export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(
    readonly code: FieldErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The file EI used against its contract (a bug), or asked for what its settings cannot do. */
export class FileEiError extends Error {
  override readonly name = 'FileEiError';
  constructor(
    readonly code: 'no_pool' | 'read_ahead_mismatch' | 'input_from_nodes' | 'replay_pattern',
    message: string,
  ) {
    super(message);
  }
}
