/**
 * Errors raised while building or restoring a router. `code` is bounded (it may become a metric
 * label); `context` carries the offending values.
 */
export type RoutingErrorCode =
  | 'invalid_spec'
  | 'no_targets'
  | 'duplicate_target'
  | 'empty_ring'
  | 'duplicate_member'
  | 'invalid_argument'
  | 'state_mismatch';

export class RoutingError extends Error {
  override readonly name = 'RoutingError';
  readonly code: RoutingErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: RoutingErrorCode, message: string, context: Readonly<Record<string, unknown>> = {}) {
    super(`routing: ${code}: ${message}`);
    this.code = code;
    this.context = context;
  }
}
