/**
 * The SQL the PostgreSQL OI sends. Rows and the input-log position they came from are committed in
 * one transaction; the position lives in the progress table, one row per (node, partition,
 * instance), in the same schema as the data table:
 *
 *   CREATE TABLE IF NOT EXISTS narflow_oi_progress (
 *     node text NOT NULL, partition integer NOT NULL, instance text NOT NULL,
 *     position bigint NOT NULL, updated_at timestamp with time zone NOT NULL DEFAULT now(),
 *     PRIMARY KEY (node, partition, instance))
 *
 * `instance` tells apart actors whose input logs restarted at position 1 (a wiped data directory).
 * Tables are created under a transaction-scoped advisory lock keyed by their name, because two
 * concurrent `CREATE TABLE IF NOT EXISTS` of one table can still fail with a unique violation.
 */
import { SQL_TYPES, type CopyColumn } from './copy-text.js';
import { quoteIdentifier, quoteQualifiedName } from './identifiers.js';

export const PROGRESS_TABLE = 'narflow_oi_progress';

export interface OiSql {
  /** Quoted data table, e.g. `"public"."usage_records"`. */
  readonly table: string;
  /** Quoted progress table in the data table's schema. */
  readonly progressTable: string;
  /** `COPY table (cols) FROM STDIN` in text format. */
  readonly copy: string;
  /** DDL of the progress table. */
  readonly createProgress: string;
  /** DDL of the data table from the column types (used when `createTable` is on). */
  readonly createTable: string;
  /** $1 node, $2 partition, $3 instance → position. */
  readonly selectPosition: string;
  /** Same, locking the row for the rest of the transaction. */
  readonly selectPositionForUpdate: string;
  /** $1 node, $2 partition, $3 instance, $4 position. */
  readonly upsertPosition: string;
  /** $1 lock name: serialises DDL on one table across connections. */
  readonly lockDdl: string;
}

export function oiSql(tableParts: readonly string[], columns: readonly CopyColumn[]): OiSql {
  const table = quoteQualifiedName(tableParts);
  const progressTable = quoteQualifiedName([...tableParts.slice(0, -1), PROGRESS_TABLE]);
  const names = columns.map((c) => quoteIdentifier(c.column)).join(', ');
  const where = `"node" = $1 AND "partition" = $2 AND "instance" = $3`;
  const selectPosition = `SELECT "position" FROM ${progressTable} WHERE ${where}`;
  return {
    table,
    progressTable,
    copy: `COPY ${table} (${names}) FROM STDIN WITH (FORMAT text)`,
    createProgress:
      `CREATE TABLE IF NOT EXISTS ${progressTable} (` +
      '"node" text NOT NULL, "partition" integer NOT NULL, "instance" text NOT NULL, ' +
      '"position" bigint NOT NULL, "updated_at" timestamp with time zone NOT NULL DEFAULT now(), ' +
      'PRIMARY KEY ("node", "partition", "instance"))',
    createTable:
      `CREATE TABLE IF NOT EXISTS ${table} (` +
      columns
        .map((c) => `${quoteIdentifier(c.column)} ${SQL_TYPES[c.type]}${c.nullable ? '' : ' NOT NULL'}`)
        .join(', ') +
      ')',
    selectPosition,
    selectPositionForUpdate: `${selectPosition} FOR UPDATE`,
    upsertPosition:
      `INSERT INTO ${progressTable} ("node", "partition", "instance", "position", "updated_at") ` +
      'VALUES ($1, $2, $3, $4, now()) ON CONFLICT ("node", "partition", "instance") ' +
      'DO UPDATE SET "position" = EXCLUDED."position", "updated_at" = EXCLUDED."updated_at"',
    lockDdl: 'SELECT pg_advisory_xact_lock(hashtext($1))',
  };
}
