/**
 * `postgres-oi`: writes NARs into a PostgreSQL table with COPY, exactly once (DESIGN rule 6).
 *
 * Each batch's records become COPY text rows in a buffer (a value that does not fit its column
 * sends its record to the quarantine as `bad_column_value`). The buffer is committed when it
 * holds `batchRows` rows, on the first tick `commitIntervalMs` after it started, and on drain — one
 * transaction: COPY of the rows + the progress row set to the input position of the buffer's last
 * batch. Then the rows count `out` and a checkpoint is requested. Uncommitted rows are `held`.
 *
 * After a crash the actor replays its input from the last checkpoint; before the first batch the
 * handler reads the committed position, and batches at or below it are already in the table: they
 * count `out` again (their bad values are quarantined again under the same position and ordinal,
 * which the quarantine store drops as repeats) and are not written.
 *
 * While the database is unavailable a commit is retried with back-off inside the handler call, so
 * input waits in the durable input log; the `database_unavailable` alarm is up meanwhile. When the
 * server rejects the rows (missing table, type mismatch: SQLSTATE class 42, 22, 23, ...) the
 * handler throws PostgresOiError and the supervisor restarts it from its checkpoint (and gives up
 * by its intensity if the cause stays).
 */
import { packValue } from '../../../../protocols/nar/batch.js';
import type { Nar } from '../../../../protocols/nar/nar.js';
import type { HandlerContext, NodeEnv, NodeHandler } from '../../../runtime/actor.js';
import type { NodeType } from '../../registry.js';
import { formatCopyRow, type CopyColumn } from './copy-text.js';
import { CopyValueError, PostgresOiError } from './errors.js';
import { parseQualifiedName } from './identifiers.js';
import { isInstanceId, resolveInstance } from './instance.js';
import { postgresOiSettings, type PostgresOiSettings } from './settings.js';
import { PostgresWriter, type AlarmSink } from './writer.js';

export const DATABASE_UNAVAILABLE = 'database_unavailable';

interface Snapshot {
  readonly instance: string;
  readonly lastTickMs: number;
}

function checkSnapshot(value: unknown): Snapshot | undefined {
  if (value === undefined || value === null) return undefined;
  const s = value as Partial<Snapshot>;
  if (typeof value !== 'object' || !isInstanceId(s.instance) || typeof s.lastTickMs !== 'number') {
    throw new PostgresOiError(
      'bad_snapshot',
      `postgres-oi snapshot: expected { instance: <uuid>, lastTickMs: <number> }, got ${JSON.stringify(value)}`,
    );
  }
  return { instance: s.instance, lastTickMs: s.lastTickMs };
}

function mustParse(text: string, maxParts: number): string[] {
  const parts = parseQualifiedName(text, maxParts);
  if (parts === undefined) {
    throw new PostgresOiError(
      'unexpected_failure',
      `settings passed validation but ${text} is not an SQL name`,
    );
  }
  return parts;
}

class PostgresOiHandler implements NodeHandler {
  readonly #s: PostgresOiSettings;
  readonly #env: NodeEnv;
  readonly #columns: CopyColumn[];
  readonly #table: string[];
  readonly #password: string | undefined;
  #writer: PostgresWriter | undefined;
  #instance = '';
  #lastTickMs = 0;
  /** Highest input position whose rows are in the table; read from the database before the first batch. */
  #committed: number | undefined;
  #chunks: string[] = [];
  #rows = 0;
  #firstPosition = 0;
  #lastPosition = 0;
  #bufferSinceMs = 0;

  constructor(settings: PostgresOiSettings, env: NodeEnv) {
    this.#s = settings;
    this.#env = env;
    this.#table = mustParse(settings.table, 2);
    this.#columns = settings.rules.columns.map((c) => ({
      column: mustParse(c.column, 1)[0] as string,
      attribute: c.attribute,
      type: c.type,
      nullable: c.nullable,
    }));
    if (settings.passwordEnv !== undefined) {
      this.#password = process.env[settings.passwordEnv];
      if (this.#password === undefined) {
        throw new PostgresOiError(
          'missing_password',
          `node ${env.nodeId}: expected the environment variable ${settings.passwordEnv} (passwordEnv) to hold the password, but it is not set`,
        );
      }
    }
  }

  init(snapshot: unknown): void {
    const restored = checkSnapshot(snapshot);
    this.#instance = resolveInstance(this.#env.actorDir, restored?.instance);
    this.#lastTickMs = restored?.lastTickMs ?? 0;
    this.#writer = new PostgresWriter({
      connection: this.#s.connection,
      password: this.#password,
      applicationName: `narflow ${this.#env.actorId}`.slice(0, 63),
      table: this.#table,
      columns: this.#columns,
      createTable: this.#s.createTable,
      node: this.#env.nodeId,
      partition: this.#env.partition,
      instance: this.#instance,
      retry: this.#s.retry,
      timeoutMs: this.#s.commitTimeoutMs,
      log: this.#env.log,
    });
  }

  snapshot(): unknown {
    return { instance: this.#instance, lastTickMs: this.#lastTickMs } satisfies Snapshot;
  }

  held(): number {
    return this.#rows;
  }

  async handleBatch(records: Nar[], ctx: HandlerContext): Promise<void> {
    if (records.length === 0) return;
    const committed = this.#committed ?? (await this.#loadCommitted(ctx));
    const columns = this.#columns;
    let chunk = '';
    let rows = 0;
    for (const r of records) {
      try {
        chunk += formatCopyRow(columns, r);
        rows++;
      } catch (err) {
        if (!(err instanceof CopyValueError)) throw err;
        ctx.quarantine(packValue(r), 'bad_column_value', { column: err.column, error: err.message });
      }
    }
    if (ctx.position <= committed) {
      // Replay of a batch whose rows the table already holds.
      if (rows > 0) ctx.count('out', rows);
      return;
    }
    if (rows === 0) return;
    if (this.#rows === 0) {
      this.#firstPosition = ctx.position;
      this.#bufferSinceMs = this.#lastTickMs;
    }
    this.#chunks.push(chunk);
    this.#rows += rows;
    this.#lastPosition = ctx.position;
    if (this.#rows >= this.#s.batchRows) await this.#commit(ctx);
  }

  async handleTick(nowMs: number, ctx: HandlerContext): Promise<void> {
    this.#lastTickMs = nowMs;
    if (this.#rows > 0 && nowMs - this.#bufferSinceMs >= this.#s.commitIntervalMs) await this.#commit(ctx);
  }

  async drain(ctx: HandlerContext): Promise<void> {
    if (this.#rows > 0) await this.#commit(ctx);
  }

  async terminate(): Promise<void> {
    await this.#writer?.close();
  }

  abort(): boolean {
    return this.#writer?.abort() ?? false;
  }

  #alarm(ctx: HandlerContext): AlarmSink {
    return (raised, detail) => ctx.alarm(DATABASE_UNAVAILABLE, raised, detail);
  }

  #writerOrThrow(): PostgresWriter {
    if (this.#writer === undefined) {
      throw new PostgresOiError('unexpected_failure', 'postgres-oi handler used before init()');
    }
    return this.#writer;
  }

  async #loadCommitted(ctx: HandlerContext): Promise<number> {
    const committed = await this.#writerOrThrow().committedPosition(this.#alarm(ctx));
    this.#committed = committed;
    ctx.log.info({ instance: this.#instance, committed }, 'postgres-oi: committed position read');
    return committed;
  }

  async #commit(ctx: HandlerContext): Promise<void> {
    const rows = this.#rows;
    const outcome = await this.#writerOrThrow().commit(
      this.#chunks,
      rows,
      this.#firstPosition,
      this.#lastPosition,
      this.#alarm(ctx),
    );
    if (outcome === 'already_committed') {
      ctx.log.warn(
        { rows, last: this.#lastPosition },
        'postgres-oi: the previous attempt had committed before the connection was lost; not written again',
      );
    }
    this.#committed = this.#lastPosition;
    this.#chunks = [];
    this.#rows = 0;
    ctx.count('out', rows);
    ctx.requestCheckpoint();
  }
}

export const postgresOi: NodeType<PostgresOiSettings> = {
  name: 'postgres-oi',
  kind: 'OI',
  description: 'writes NARs to a PostgreSQL table with COPY; rows and input position commit together',
  settings: postgresOiSettings,
  checkpoint: 'on-request',
  create: (s, env) => new PostgresOiHandler(s, env),
};
