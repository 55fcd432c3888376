/**
 * Which failures are worth retrying. Decided by the pg error class and its SQLSTATE, by Node's
 * system-error codes, and by whether the connection was seen to go away — never by message text.
 */
import { DatabaseError } from 'pg';

/**
 * `unavailable`: the database or the path to it is down; retry the same commit later.
 * `rejected`: the server refused the statement for a reason a retry cannot fix (a missing table,
 * a type mismatch, a permission, a constraint): stop. `unexpected`: neither — a bug; stop.
 */
export type FailureClass = 'unavailable' | 'rejected' | 'unexpected';

/** SQLSTATE classes and codes that mean "try again later". */
const RETRY_CLASSES = new Set([
  '08', // connection exception
  '40', // transaction rollback: serialization failure, deadlock, statement completion unknown
  '53', // insufficient resources: disk full, out of memory, too many connections
  '58', // system error (I/O error on the server)
]);
const RETRY_CODES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
]);

function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return (
    err instanceof Error &&
    typeof (err as NodeJS.ErrnoException).code === 'string' &&
    typeof (err as NodeJS.ErrnoException).syscall === 'string'
  );
}

/**
 * @param connectionLost the client reported an error or end event, the connect phase failed, or the
 *   attempt timed out and the connection was closed on purpose.
 */
export function classifyFailure(err: unknown, connectionLost: boolean): FailureClass {
  if (err instanceof DatabaseError) {
    const code = err.code ?? '';
    return RETRY_CODES.has(code) || RETRY_CLASSES.has(code.slice(0, 2)) ? 'unavailable' : 'rejected';
  }
  if (isSystemError(err) || connectionLost) return 'unavailable';
  return 'unexpected';
}

/** A short, bounded label for alarms and logs: the SQLSTATE, the system error code, or `connection_lost`. */
export function failureCode(err: unknown): string {
  if (err instanceof DatabaseError) return err.code ?? 'database_error';
  if (isSystemError(err)) return err.code ?? 'system_error';
  return 'connection_lost';
}

export function failureMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
