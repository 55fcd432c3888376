/** Errors of the condition-expression language: a bounded code, the 0-based offset, and what was expected. */

export type ExpressionErrorCode =
  | 'unexpected_char'
  | 'unexpected_token'
  | 'unterminated_string'
  | 'bad_escape'
  | 'bad_number'
  | 'unknown_function'
  | 'bad_cidr'
  | 'empty_list'
  | 'too_deep'
  | 'too_long';

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  /**
   * @param code      bounded reason, fit for a metric label
   * @param position  0-based character offset in the condition text where the problem is
   * @param problem   what is wrong and what was expected, without the position
   */
  constructor(
    readonly code: ExpressionErrorCode,
    readonly position: number,
    readonly problem: string,
  ) {
    super(`${problem} at column ${position + 1}`);
  }

  /** 1-based column, as the message shows it. */
  get column(): number {
    return this.position + 1;
  }
}
