/**
 * Settings of `postgres-oi`. Plain data only (they cross to the worker by structured clone): names
 * are validated here and parsed again in the worker.
 */
import { z } from 'zod';
import { COLUMN_TYPES } from './copy-text.js';
import { IDENTIFIER_EXPECTATION, parseQualifiedName } from './identifiers.js';

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const connectionUrl = z.string().refine((text) => {
  try {
    const url = new URL(text);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'a connection URL postgres://user@host:port/database');

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

const column = z.strictObject({
  column: z.string().refine((t) => parseQualifiedName(t, 1) !== undefined, IDENTIFIER_EXPECTATION),
  attribute: z
    .string()
    .regex(ATTRIBUTE_NAME, 'an attribute name (letters, digits, _)')
    .refine((a) => !(a in Object.prototype), 'an attribute name that is not an Object.prototype member'),
  type: z.enum(COLUMN_TYPES),
  /** false: a record without this attribute (or with null) is quarantined instead of written. */
  nullable: z.boolean().default(true),
});

const rules = z.strictObject({
  columns: z
    .array(column)
    .min(1)
    .superRefine((cols, ctx) => {
      const seen = new Map<string, number>();
      cols.forEach((c, i) => {
        const name = parseQualifiedName(c.column, 1)?.[0];
        if (name === undefined) return;
        const first = seen.get(name);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'column'],
            message: `a column name not used before, got "${name}" again (first at columns[${first}])`,
          });
        } else {
          seen.set(name, i);
        }
      });
    }),
});

const retry = z
  .strictObject({
    initialMs: z.number().int().min(1).max(60_000).default(200),
    maxMs: z.number().int().min(1).max(600_000).default(10_000),
  })
  .refine((r) => r.maxMs >= r.initialMs, { message: 'maxMs at least initialMs', path: ['maxMs'] });

export const postgresOiSettings = z.strictObject({
  /** postgres://user@host:port/database (a password may be given here or, better, by passwordEnv). */
  connection: connectionUrl,
  /** Name of the environment variable holding the password (read in the worker at start). */
  passwordEnv: envName.optional(),
  /** `table` or `schema.table`; the progress table is created in the same schema. */
  table: z
    .string()
    .refine((t) => parseQualifiedName(t, 2) !== undefined, `${IDENTIFIER_EXPECTATION}, or schema.table`),
  /** true: CREATE TABLE IF NOT EXISTS with the rules' column types before the first commit. */
  createTable: z.boolean().default(false),
  /** Rows buffered before a commit (a batch is never split: a commit may hold more). */
  batchRows: z.number().int().min(1).max(1_000_000).default(10_000),
  /** Buffered rows are committed on the first tick at least this long (tick time) after the first of them. */
  commitIntervalMs: z.number().int().min(1).max(3_600_000).default(1_000),
  /** Back-off between attempts while the database is unavailable. */
  retry: retry.default({ initialMs: 200, maxMs: 10_000 }),
  /** A connect or commit taking longer is abandoned (connection closed) and retried. */
  commitTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
  rules,
});
export type PostgresOiSettings = z.infer<typeof postgresOiSettings>;
