/**
 * `csv-file-ei`: collects CSV files from a directory. Each logged file is read in slices of
 * `linesPerSlice` lines (the handler returns 'more' between slices, and its snapshot records the
 * byte offset, so a checkpoint can fall inside a file). Good lines become NARs; bad lines go to the
 * quarantine with file, line number and reason. With `host.pool.threads` > 0 the slices are read
 * ahead and split into fields on piscina threads, re-joined in file order.
 */
import { closeSync, openSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DecodeError } from '../../../protocols/errors.js';
import { formatCsvLine, parseCsvLine } from '../../../protocols/csv/csv.js';
import type { AttributeValue } from '../../../protocols/nar/nar.js';
import { recordFactory, type RecordFactory } from '../../../protocols/nar/shape.js';
import type { HandleResult, HandlerContext, NodeHandler } from '../../runtime/actor.js';
import type { NodeType } from '../registry.js';
import { columnSchema, convertField, FieldError, type Column } from './csv-fields.js';
import { decodeFileEntry, FilePickup, stagedName, stagingDir } from './file-pickup.js';
import { READ_BYTES, readSlice, type Slice } from './csv-slices.js';
import { OrderedPool, poolTask } from '../../runtime/ordered-pool.js';
import type { CsvLineResult, CsvLinesTask } from '../../runtime/pool-worker.js';

export const csvFileEiSettings = z.strictObject({
  inputDir: z.string().min(1),
  pattern: z.string().min(1).default('*.csv'),
  pollMs: z.number().int().min(10).max(60_000).default(500),
  delimiter: z.string().length(1).default(','),
  header: z.boolean().default(true),
  columns: z.array(columnSchema).min(1),
  linesPerSlice: z.number().int().min(1).max(100_000).default(1000),
  afterRead: z.enum(['move', 'delete']).default('move'),
  doneDir: z.string().min(1).optional(),
});
export type CsvFileEiSettings = z.infer<typeof csvFileEiSettings>;

interface Cursor {
  lsn: number;
  offset: number;
  line: number;
  /** Column index of each configured column in the file (from its header), or positions. */
  index: number[] | null;
}

interface Ahead {
  readonly slice: Slice;
  readonly start: number;
}

class CsvFileHandler implements NodeHandler {
  #cur: Cursor | null = null;
  #fd: number | undefined;
  #buf = Buffer.allocUnsafe(READ_BYTES);
  readonly #make: RecordFactory;
  readonly #values: AttributeValue[];
  /** Pool mode: slices read ahead and handed to the pool, parsed results re-joined in order. */
  readonly #pool: OrderedPool<CsvLinesTask, CsvLineResult[]> | undefined;
  readonly #ahead: Ahead[] = [];
  readonly #maxAhead: number;
  #readAt = 0;

  constructor(
    private readonly s: CsvFileEiSettings,
    private readonly actorDir: string,
    poolThreads: number,
  ) {
    this.#make = recordFactory(s.columns.map((c) => c.name));
    this.#values = new Array<AttributeValue>(s.columns.length).fill(null);
    this.#maxAhead = 2 * poolThreads;
    if (poolThreads > 0) {
      this.#pool = new OrderedPool({
        task: poolTask('parse-csv-lines'),
        threads: poolThreads,
        maxInFlight: 2 * poolThreads,
      });
    }
  }

  init(snapshot: unknown): void {
    this.#cur = (snapshot as { cur: Cursor | null } | undefined)?.cur ?? null;
  }

  snapshot(): unknown {
    return { cur: this.#cur };
  }

  held(): number {
    return 0;
  }

  handleBatch(): void {
    throw new Error('csv-file-ei takes no input from other nodes');
  }

  handleTick(): void {}

  async handleExternal(payload: Uint8Array, ctx: HandlerContext): Promise<HandleResult> {
    const entry = decodeFileEntry(payload);
    if (this.#cur === null || this.#cur.lsn !== ctx.position) {
      await this.#close();
      this.#cur = {
        lsn: ctx.position,
        offset: 0,
        line: 0,
        index: this.s.header ? null : this.s.columns.map((_, i) => i),
      };
    }
    const cur = this.#cur;
    if (this.#fd === undefined) {
      this.#fd = this.#open(entry.name, ctx.position);
      if (this.#fd === undefined) {
        ctx.quarantine(entry.name, 'file_vanished', { file: entry.name });
        this.#cur = null;
        return undefined;
      }
      this.#readAt = cur.offset;
    }
    let slice: Slice;
    let parsed: CsvLineResult[] | undefined;
    if (this.#pool === undefined) {
      slice = readSlice(this.#fd, this.#buf, cur.offset, entry.size, this.s.linesPerSlice);
    } else {
      while (this.#ahead.length < this.#maxAhead && this.#readAt < entry.size) {
        const next = readSlice(this.#fd, this.#buf, this.#readAt, entry.size, this.s.linesPerSlice);
        this.#ahead.push({ slice: next, start: this.#readAt });
        await this.#pool.submit({ lines: next.texts, delimiter: this.s.delimiter });
        this.#readAt = next.end;
      }
      const head = this.#ahead.shift();
      if (head === undefined || head.start !== cur.offset) {
        throw new Error(`csv-file-ei: read-ahead is not at offset ${cur.offset} of ${entry.name}`);
      }
      slice = head.slice;
      parsed = await this.#pool.next();
    }
    if (slice.tooLong !== undefined) {
      cur.line++;
      ctx.count('created', 1);
      ctx.quarantine(slice.tooLong, 'line_too_long', {
        file: entry.name,
        line: cur.line,
        error: `line longer than ${READ_BYTES} bytes (its first 256 bytes are kept)`,
      });
    }
    for (let i = 0; i < slice.texts.length; i++) {
      cur.line++;
      this.#line(slice.texts[i] as string, parsed?.[i], entry.name, cur, ctx);
    }
    cur.offset = slice.end;
    if (cur.offset >= entry.size) {
      await this.#close();
      this.#cur = null;
      return undefined;
    }
    return 'more';
  }

  async terminate(): Promise<void> {
    await this.#close();
    await this.#pool?.close();
  }

  /** One line: its fields come from the pool, or are split here. */
  #line(
    text: string,
    parsed: CsvLineResult | undefined,
    file: string,
    cur: Cursor,
    ctx: HandlerContext,
  ): void {
    if (text.length === 0) return;
    let fields: string[];
    if (parsed === undefined) {
      try {
        fields = parseCsvLine(text, { delimiter: this.s.delimiter });
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        ctx.count('created', 1);
        ctx.quarantine(text, err.code, { file, line: cur.line, error: err.message });
        return;
      }
    } else if (Array.isArray(parsed)) {
      fields = parsed;
    } else {
      ctx.count('created', 1);
      ctx.quarantine(text, parsed.error.code, { file, line: cur.line, error: parsed.error.message });
      return;
    }
    if (cur.index === null) {
      cur.index = this.s.columns.map((c) => fields.indexOf(c.field ?? c.name));
      const missing = this.s.columns
        .filter((_, i) => (cur.index as number[])[i] === -1)
        .map((c) => c.field ?? c.name);
      if (missing.length > 0) {
        cur.index = this.s.columns.map(() => -1);
        ctx.log.warn(
          { file, missing },
          'header lacks configured columns; every line of the file is quarantined',
        );
      }
      return;
    }
    ctx.count('created', 1);
    if (cur.index.some((i) => i < 0)) {
      ctx.quarantine(text, 'header_mismatch', { file, line: cur.line });
      return;
    }
    if (!this.s.header && fields.length !== this.s.columns.length) {
      ctx.quarantine(text, 'field_count', {
        file,
        line: cur.line,
        error: `expected ${this.s.columns.length} fields, got ${fields.length}`,
      });
      return;
    }
    const values = this.#values;
    try {
      for (let i = 0; i < this.s.columns.length; i++) {
        const col = this.s.columns[i] as Column;
        const raw = fields[cur.index[i] as number];
        if (raw === undefined)
          throw new FieldError('missing_value', `column ${col.name}: the line has no such field`);
        values[i] = convertField(raw, col);
      }
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      ctx.quarantine(text, err.code, { file, line: cur.line, error: err.message });
      return;
    }
    ctx.emit(this.#make(values));
  }

  /**
   * The logged file is in the input directory until the pick-up moves it (once, atomically) into
   * staging, which can happen between two attempts: staging, input, then staging again finds it.
   */
  #open(name: string, lsn: number): number | undefined {
    const staged = join(stagingDir(this.actorDir), stagedName(lsn, name));
    for (const path of [staged, join(this.s.inputDir, name), staged]) {
      try {
        return openSync(path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return undefined;
  }

  /** Closes the file; results of slices read ahead for it are taken off the pool and dropped. */
  async #close(): Promise<void> {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    while (this.#ahead.length > 0) {
      this.#ahead.shift();
      await this.#pool?.next();
    }
  }
}

export const csvFileEi: NodeType<CsvFileEiSettings> = {
  name: 'csv-file-ei',
  kind: 'EI',
  description: 'collects CSV files from a directory; bad lines go to the quarantine',
  settings: csvFileEiSettings,
  checkpoint: 'periodic',
  create: (s, env) => new CsvFileHandler(s, env.actorDir, env.poolThreads),
  ingest: (s, env) => new FilePickup(s, env.actorDir),
  replay: (s, raws) => replayLines(s, raws),
};

/** Quarantined lines go back as a new file in the input directory (written aside, then renamed in). */
async function replayLines(s: CsvFileEiSettings, raws: readonly Uint8Array[]): Promise<string> {
  const decoder = new TextDecoder();
  const lines = raws.map((r) => decoder.decode(r));
  if (s.header)
    lines.unshift(
      formatCsvLine(
        s.columns.map((c) => c.field ?? c.name),
        s.delimiter,
      ),
    );
  const name = `replay-${new Date().toISOString().replace(/[:.]/g, '')}.csv`;
  const tmp = join(s.inputDir, `.${name}.part`);
  await mkdir(s.inputDir, { recursive: true });
  await writeFile(tmp, `${lines.join('\n')}\n`);
  await rename(tmp, join(s.inputDir, name));
  return join(s.inputDir, name);
}
