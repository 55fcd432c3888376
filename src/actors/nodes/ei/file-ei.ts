/**
 * `file-ei`: collects delimited (CSV) or fixed-width files from a directory. Each logged file is read
 * in slices of `linesPerSlice` lines (the handler returns 'more' between slices, and its snapshot
 * records the byte offset, so a checkpoint can fall inside a file). Each line's fields become
 * attributes by the node's rules (field → attribute, typed); bad lines go to the quarantine with
 * file, line number and reason. With `host.pool.threads` > 0 the slices are read ahead and split
 * into fields on piscina threads, re-joined in file order.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue } from '../../../protocols/nar/nar.js';
import { recordFactory, type RecordFactory } from '../../../protocols/nar/shape.js';
import type { HandleResult, HandlerContext, NodeHandler } from '../../runtime/actor.js';
import type { NodeType } from '../registry.js';
import { FieldError, FileEiError } from './errors.js';
import { compileField, convertField, type CompiledField } from './field-convert.js';
import { fileEiSettings, hasHeader, type FileEiSettings } from './file-ei-settings.js';
import { decodeFileEntry, FilePickup, stagedName, stagingDir } from './file-pickup.js';
import { replayLines } from './file-replay.js';
import type { LineFields } from './fixed-width-lines.js';
import { READ_BYTES, readSlice, type Slice } from './line-slices.js';
import { LineSplitter } from './line-splitter.js';

export { fileEiSettings, type FileEiSettings } from './file-ei-settings.js';

interface Cursor {
  lsn: number;
  offset: number;
  line: number;
  /** Field index of each rule in a line (from the header, or the rule's position); null before the header. */
  index: number[] | null;
}

interface Ahead {
  readonly slice: Slice;
  readonly start: number;
}

class FileEiHandler implements NodeHandler {
  #cur: Cursor | null = null;
  #fd: number | undefined;
  #buf = Buffer.allocUnsafe(READ_BYTES);
  readonly #make: RecordFactory;
  readonly #values: AttributeValue[];
  readonly #fields: readonly CompiledField[];
  readonly #splitter: LineSplitter;
  /** Delimited with a header: the first line names the fields. */
  readonly #hasHeader: boolean;
  /** Delimited without a header: a line must have exactly one field per rule. */
  readonly #countFields: boolean;
  /** Pool mode: slices read ahead and handed to the pool, their fields re-joined in order. */
  readonly #ahead: Ahead[] = [];
  readonly #maxAhead: number;
  #readAt = 0;

  constructor(
    private readonly s: FileEiSettings,
    private readonly actorDir: string,
    poolThreads: number,
  ) {
    this.#fields = s.rules.map(compileField);
    this.#hasHeader = hasHeader(s);
    this.#countFields = s.format === 'delimited' && !this.#hasHeader;
    this.#make = recordFactory(s.rules.map((r) => r.name));
    this.#values = new Array<AttributeValue>(s.rules.length).fill(null);
    this.#maxAhead = 2 * poolThreads;
    this.#splitter = new LineSplitter(s, poolThreads);
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
    throw new FileEiError('input_from_nodes', 'file-ei takes no input from other nodes');
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
        index: this.#hasHeader ? null : this.s.rules.map((_, i) => i),
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
    let parsed: LineFields[] | undefined;
    if (!this.#splitter.pooled) {
      slice = readSlice(this.#fd, this.#buf, cur.offset, entry.size, this.s.linesPerSlice);
    } else {
      while (this.#ahead.length < this.#maxAhead && this.#readAt < entry.size) {
        const next = readSlice(this.#fd, this.#buf, this.#readAt, entry.size, this.s.linesPerSlice);
        this.#ahead.push({ slice: next, start: this.#readAt });
        await this.#splitter.submit(next.texts);
        this.#readAt = next.end;
      }
      const head = this.#ahead.shift();
      if (head === undefined || head.start !== cur.offset) {
        throw new FileEiError(
          'read_ahead_mismatch',
          `file-ei: expected the read-ahead at offset ${cur.offset} of ${entry.name}, got ${head?.start ?? 'none'}`,
        );
      }
      slice = head.slice;
      parsed = await this.#splitter.next();
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
    await this.#splitter.close();
  }

  /** One line: its fields come from the pool, or are split here. */
  #line(text: string, parsed: LineFields | undefined, file: string, cur: Cursor, ctx: HandlerContext): void {
    if (text.length === 0) return;
    const fields = parsed ?? this.#splitter.split(text);
    if (!Array.isArray(fields)) {
      ctx.count('created', 1);
      ctx.quarantine(text, fields.error.code, { file, line: cur.line, error: fields.error.message });
      return;
    }
    if (cur.index === null) {
      this.#header(fields, file, cur, ctx);
      return;
    }
    ctx.count('created', 1);
    const rules = this.s.rules;
    // #header sets every index to -1 when the header lacks a configured field.
    if ((cur.index[0] as number) < 0) {
      ctx.quarantine(text, 'header_mismatch', { file, line: cur.line });
      return;
    }
    if (this.#countFields && fields.length !== rules.length) {
      ctx.quarantine(text, 'field_count', {
        file,
        line: cur.line,
        error: `expected ${rules.length} fields, got ${fields.length}`,
      });
      return;
    }
    const values = this.#values;
    try {
      for (let i = 0; i < this.#fields.length; i++) {
        const f = this.#fields[i] as CompiledField;
        const raw = fields[cur.index[i] as number];
        if (raw === undefined)
          throw new FieldError('missing_value', `field ${f.name}: the line has no such field`);
        values[i] = convertField(raw, f);
      }
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      ctx.quarantine(text, err.code, { file, line: cur.line, error: err.message });
      return;
    }
    ctx.emit(this.#make(values));
  }

  /** The header line names the fields: each rule's field index, or all -1 when some are missing. */
  #header(names: string[], file: string, cur: Cursor, ctx: HandlerContext): void {
    const rules = this.s.rules;
    const index = rules.map((r) => names.indexOf(r.field ?? r.name));
    const missing = rules.filter((_, i) => index[i] === -1).map((r) => r.field ?? r.name);
    if (missing.length > 0) {
      cur.index = rules.map(() => -1);
      ctx.log.warn(
        { file, missing },
        'header lacks configured fields; every line of the file is quarantined',
      );
      return;
    }
    cur.index = index;
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
      await this.#splitter.next();
    }
  }
}

export const fileEi: NodeType<FileEiSettings> = {
  name: 'file-ei',
  kind: 'EI',
  description: 'collects delimited or fixed-width files from a directory; bad lines go to the quarantine',
  settings: fileEiSettings,
  checkpoint: 'periodic',
  create: (s, env) => new FileEiHandler(s, env.actorDir, env.poolThreads),
  ingest: (s, env) => new FilePickup(s, env.actorDir),
  replay: (s, raws) => replayLines(s, raws),
};
