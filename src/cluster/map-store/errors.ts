/** Errors of the map store. `code` is bounded: it is fit for a metric label or a log field. */
export type MapStoreErrorCode =
  | 'invalid_map_id'
  | 'invalid_node'
  | 'invalid_version'
  | 'invalid_backups'
  | 'update_conflict'
  | 'closed'
  | 'corrupt_data'
  | 'unexpected_reply'
  | 'connection_error'
  | 'watch_connection_lost'
  | 'watch_connection_error'
  | 'watch_failed'
  | 'notifications_missed'
  | 'version_regressed'
  | 'listener_failed';

export class MapStoreError extends Error {
  override readonly name = 'MapStoreError';
  readonly code: MapStoreErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: MapStoreErrorCode,
    message: string,
    context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.code = code;
    this.context = context;
  }
}

/** Where a watcher's problems go when nobody asked for them: a process warning, never nowhere. */
export function defaultErrorSink(error: Error): void {
  process.emitWarning(error);
}
