/**
 * `csv-file-oi`: writes NARs as CSV rows. Each batch's rows are appended to the current temp file;
 * the file is committed when it reaches `rollRecords` rows or is `rollIntervalMs` old in tick
 * time, and on drain: fsynced, renamed into place, the directory fsynced, then a checkpoint is
 * requested (DESIGN rule 6). Uncommitted rows are `held` and are rewritten by replay after a crash. File names carry a sequence kept in the
 * checkpoint, so a replay after a crash rewrites the same file instead of adding one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatCsvField, formatCsvLine } from '../../../protocols/csv/csv.js';
import type { AttributeValue, Nar } from '../../../protocols/nar/nar.js';
import type { HandlerContext, NodeHandler } from '../../runtime/actor.js';
import type { NodeType } from '../registry.js';

export const csvFileOiSettings = z.strictObject({
  dir: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
  header: z.boolean().default(true),
  delimiter: z.string().length(1).default(','),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'a file-name prefix (letters, digits, . _ -)')
    .optional(),
  rollRecords: z.number().int().min(1).max(10_000_000).default(100_000),
  rollIntervalMs: z.number().int().min(100).max(86_400_000).default(60_000),
});
export type CsvFileOiSettings = z.infer<typeof csvFileOiSettings>;

/** One CSV field: only strings can hold a delimiter, quote or line break, so only they are checked. */
function field(v: AttributeValue | undefined, delimiter: string): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? formatCsvField(v, delimiter) : String(v);
}

interface State {
  fileSeq: number;
  lastTick: number;
}

class CsvFileOiHandler implements NodeHandler {
  #state: State = { fileSeq: 1, lastTick: 0 };
  /** Rows written to the open temp file and not yet committed. */
  #rows = 0;
  #fd: number | undefined;
  #openedAt = 0;
  readonly #prefix: string;

  constructor(
    private readonly s: CsvFileOiSettings,
    nodeId: string,
    partition: number,
  ) {
    this.#prefix = `${s.prefix ?? nodeId}-p${partition}`;
    mkdirSync(s.dir, { recursive: true });
  }

  init(snapshot: unknown): void {
    if (snapshot !== undefined) this.#state = { ...(snapshot as State) };
  }

  snapshot(): unknown {
    return { ...this.#state };
  }

  held(): number {
    return this.#rows;
  }

  handleBatch(records: Nar[], ctx: HandlerContext): void {
    if (records.length === 0) return;
    const cols = this.s.columns;
    const d = this.s.delimiter;
    let chunk = '';
    for (const r of records) {
      let line = field(r[cols[0] as string], d);
      for (let i = 1; i < cols.length; i++) line += d + field(r[cols[i] as string], d);
      chunk += line + '\n';
    }
    writeSync(this.#open(), chunk);
    this.#rows += records.length;
    if (this.#rows >= this.s.rollRecords) this.#commit(ctx);
  }

  handleTick(nowMs: number, ctx: HandlerContext): void {
    this.#state.lastTick = nowMs;
    if (this.#rows > 0 && nowMs - this.#openedAt >= this.s.rollIntervalMs) this.#commit(ctx);
  }

  drain(ctx: HandlerContext): void {
    if (this.#rows > 0) this.#commit(ctx);
  }

  terminate(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #name(): string {
    return `${this.#prefix}-${String(this.#state.fileSeq).padStart(8, '0')}.csv`;
  }

  /** The temp file of the current sequence; a leftover from before a crash is started over. */
  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    this.#fd = openSync(join(this.s.dir, `.${this.#name()}.tmp`), 'w');
    this.#openedAt = this.#state.lastTick;
    if (this.s.header) writeSync(this.#fd, formatCsvLine(this.s.columns, this.s.delimiter) + '\n');
    return this.#fd;
  }

  #commit(ctx: HandlerContext): void {
    const fd = this.#open();
    const name = this.#name();
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
      this.#fd = undefined;
    }
    renameSync(join(this.s.dir, `.${name}.tmp`), join(this.s.dir, name));
    const dfd = openSync(this.s.dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
    ctx.count('out', this.#rows);
    this.#rows = 0;
    this.#state.fileSeq++;
    ctx.requestCheckpoint();
  }
}

export const csvFileOi: NodeType<CsvFileOiSettings> = {
  name: 'csv-file-oi',
  kind: 'OI',
  description: 'writes CSV files atomically (temp, fsync, rename, then checkpoint)',
  settings: csvFileOiSettings,
  checkpoint: 'on-request',
  create: (s, env) => new CsvFileOiHandler(s, env.nodeId, env.partition),
};
