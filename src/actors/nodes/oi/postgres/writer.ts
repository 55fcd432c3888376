/**
 * The PostgreSQL side of the OI: one connection, commits of COPY rows together with the progress
 * position, and retries while the database is unavailable.
 *
 * Retry: a failure the classifier calls `unavailable` (connect refused or reset, connection lost,
 * SQLSTATE 08/40/53/58/57P0x, no answer within `timeoutMs`) closes the connection (rolling back)
 * and the same operation is tried again after `initialMs`, doubling up to `maxMs`, each wait
 * drawn from [d/2, d]. The first failure raises the alarm; the next success clears it. Any other
 * failure throws PostgresOiError and is not retried here.
 *
 * A commit first reads its progress row FOR UPDATE: when the row already covers the buffer's last
 * position, the previous attempt's COMMIT reached the server before the connection died, and the
 * rows are not written again.
 */
import type { Logger } from 'pino';
import type { CopyColumn } from './copy-text.js';
import { PostgresOiError } from './errors.js';
import { classifyFailure, failureCode, failureMessage } from './failures.js';
import { oiSql, type OiSql } from './progress.js';
import { Session } from './session.js';

export interface WriterOptions {
  readonly connection: string;
  readonly password: string | undefined;
  /** Shown in pg_stat_activity. */
  readonly applicationName: string;
  readonly table: readonly string[];
  readonly columns: readonly CopyColumn[];
  readonly createTable: boolean;
  readonly node: string;
  readonly partition: number;
  readonly instance: string;
  readonly retry: { readonly initialMs: number; readonly maxMs: number };
  /** One attempt (connect, prepare, operation) may take this long before it is abandoned. */
  readonly timeoutMs: number;
  readonly log: Logger;
}

/** Raises (with a detail) or clears the node's `database_unavailable` alarm. */
export type AlarmSink = (raised: boolean, detail?: string) => void;

export type CommitOutcome = 'written' | 'already_committed';

export class PostgresWriter {
  readonly #o: WriterOptions;
  readonly #sql: OiSql;
  #session: Session | undefined;
  #prepared = false;
  /** Detail of the raised alarm, while the database is unavailable. */
  #alarmDetail: string | undefined;
  #closed = false;
  #aborted = false;
  /** Ends the current retry wait early (set while waiting). */
  #wakeRetry: (() => void) | undefined;

  constructor(options: WriterOptions) {
    this.#o = options;
    this.#sql = oiSql(options.table, options.columns);
  }

  get sql(): OiSql {
    return this.#sql;
  }

  /** The position committed for this (node, partition, instance); 0 when none. */
  committedPosition(alarm: AlarmSink): Promise<number> {
    return this.#withRetry('reading the committed position', alarm, (s) => this.#readPosition(s, false));
  }

  /**
   * Writes `chunks` (COPY text holding `rows` rows from input positions first..last) and sets the
   * progress position to `last`, in one transaction.
   */
  commit(
    chunks: readonly string[],
    rows: number,
    first: number,
    last: number,
    alarm: AlarmSink,
  ): Promise<CommitOutcome> {
    return this.#withRetry(`committing ${rows} rows to ${this.#sql.table}`, alarm, async (s) => {
      await s.query('BEGIN');
      const committed = await this.#readPosition(s, true);
      if (committed >= last) {
        await s.query('ROLLBACK');
        return 'already_committed';
      }
      if (committed >= first) {
        await s.query('ROLLBACK');
        throw new PostgresOiError(
          'progress_conflict',
          `progress of ${this.#o.node}/${this.#o.partition}/${this.#o.instance} in ${this.#sql.progressTable} ` +
            `is ${committed}, inside the positions ${first}..${last} about to be written; expected it below ${first}: ` +
            'another writer uses this instance id',
        );
      }
      const copied = await s.copyIn(this.#sql.copy, chunks);
      if (copied !== rows) {
        await s.query('ROLLBACK');
        throw new PostgresOiError(
          'unexpected_failure',
          `COPY into ${this.#sql.table} stored ${copied} rows; expected ${rows} (rolled back)`,
        );
      }
      await s.query(this.#sql.upsertPosition, [this.#o.node, this.#o.partition, this.#o.instance, last]);
      await s.query('COMMIT');
      return 'written';
    });
  }

  /**
   * Ends a retry wait in progress (the database is unavailable): the pending operation throws
   * `aborted` at once. Returns whether one was waiting.
   */
  abort(): boolean {
    if (this.#alarmDetail === undefined || this.#wakeRetry === undefined) return false;
    this.#aborted = true;
    this.#wakeRetry();
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const s = this.#session;
    this.#session = undefined;
    await s?.end(1_000);
  }

  async #readPosition(s: Session, forUpdate: boolean): Promise<number> {
    const rows = await s.query(forUpdate ? this.#sql.selectPositionForUpdate : this.#sql.selectPosition, [
      this.#o.node,
      this.#o.partition,
      this.#o.instance,
    ]);
    const value = rows[0]?.['position'];
    return value === undefined ? 0 : Number(value);
  }

  async #open(): Promise<Session> {
    const s = new Session({
      connectionString: this.#o.connection,
      ...(this.#o.password === undefined ? {} : { password: this.#o.password }),
      application_name: this.#o.applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.#session = s;
    await s.connect();
    await s.query("SET client_encoding TO 'UTF8'");
    if (!this.#prepared) {
      await this.#createUnderLock(s, this.#sql.progressTable, this.#sql.createProgress);
      if (this.#o.createTable) await this.#createUnderLock(s, this.#sql.table, this.#sql.createTable);
      this.#prepared = true;
    }
    return s;
  }

  async #createUnderLock(s: Session, name: string, ddl: string): Promise<void> {
    await s.query('BEGIN');
    await s.query(this.#sql.lockDdl, [`narflow:create:${name}`]);
    await s.query(ddl);
    await s.query('COMMIT');
  }

  async #withRetry<T>(what: string, alarm: AlarmSink, op: (s: Session) => Promise<T>): Promise<T> {
    let delay = this.#o.retry.initialMs;
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new PostgresOiError('unexpected_failure', `${what}: the writer is closed`);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        this.#session?.destroy();
      }, this.#o.timeoutMs);
      try {
        const result = await op(this.#session ?? (await this.#open()));
        clearTimeout(timer);
        if (this.#alarmDetail !== undefined) {
          this.#alarmDetail = undefined;
          alarm(false);
          this.#o.log.info({ attempt }, `PostgreSQL available again after ${attempt - 1} failed attempts`);
        }
        return result;
      } catch (err) {
        clearTimeout(timer);
        const s = this.#session;
        this.#session = undefined;
        const verdict = timedOut ? 'unavailable' : classifyFailure(err, s?.lost ?? true);
        s?.destroy();
        if (err instanceof PostgresOiError) throw err;
        if (verdict === 'rejected') throw this.#rejected(what, err);
        if (verdict === 'unexpected') {
          throw new PostgresOiError(
            'unexpected_failure',
            `${what} failed without a server error or a lost connection: ${failureMessage(err)}`,
            { cause: err },
          );
        }
        const detail = timedOut
          ? `timeout: no answer within ${this.#o.timeoutMs} ms`
          : `${failureCode(err)}: ${failureMessage(err)}`;
        if (detail !== this.#alarmDetail) {
          this.#alarmDetail = detail;
          alarm(true, detail);
        }
        const waitMs = Math.round(delay / 2 + (Math.random() * delay) / 2);
        this.#o.log.warn({ attempt, waitMs, detail }, `PostgreSQL unavailable while ${what}; retrying`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, waitMs);
          this.#wakeRetry = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.#wakeRetry = undefined;
        if (this.#aborted) {
          throw new PostgresOiError(
            'aborted',
            `${what}: stopped while PostgreSQL was unavailable (${detail})`,
          );
        }
        delay = Math.min(this.#o.retry.maxMs, delay * 2);
      }
    }
  }

  #rejected(what: string, err: unknown): PostgresOiError {
    const code = failureCode(err);
    return new PostgresOiError(
      'database_rejected',
      `PostgreSQL rejected ${what} (SQLSTATE ${code}: ${failureMessage(err)}); expected table ` +
        `${this.#sql.table} with columns matching the node's rules, a reachable database and a role ` +
        'allowed to write: fix the table, the rules or the grants; the node restarts from its checkpoint',
      { cause: err, sqlState: code },
    );
  }
}
