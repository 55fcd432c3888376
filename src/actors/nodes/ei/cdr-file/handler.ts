/**
 * The CDR file EI's handler: one logged TS 32.297 file at a time, read in slices of `cdrsPerSlice`
 * CDRs (the handler returns 'more' between slices; the snapshot records the file offset of the next
 * CDR, so a checkpoint can fall inside a file). Each CDR becomes one NAR with `cdrFile` (the file
 * name) and `cdrIndex` (0-based position in the file); a CDR that does not decode, or is in a data
 * record format not taken, goes to the quarantine with its bytes; a file whose header does not
 * decode goes to the quarantine whole. A cut-off last CDR is quarantined with the rest of the file.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCdrFileHeader, MAX_HEADER_BYTES, type CdrFileEntry } from '../../../../protocols/cdr/file.js';
import { DecodeError } from '../../../../protocols/errors.js';
import type { HandleResult, HandlerContext, NodeHandler } from '../../../runtime/actor.js';
import { decodeFileEntry, stagedName, stagingDir } from '../file-pickup.js';
import { decodeFileRecord, RecordFailure } from '../gtpp/records.js';
import type { CdrFileEiSettings } from './settings.js';
import { CdrWindow, readFully } from './window.js';

const BER = 1;

interface Cursor {
  lsn: number;
  /** File offset of the next CDR; 0 until the header was read. */
  offset: number;
  /** Index of the next CDR in the file. */
  index: number;
  /** Number of CDRs the header states. */
  stated: number;
}

export class CdrFileEiHandler implements NodeHandler {
  #cur: Cursor | null = null;
  #fd: number | undefined;
  readonly #window = new CdrWindow();

  constructor(
    private readonly s: CdrFileEiSettings,
    private readonly actorDir: string,
  ) {}

  init(snapshot: unknown): void {
    this.#cur = (snapshot as { cur: Cursor | null } | undefined)?.cur ?? null;
  }

  snapshot(): unknown {
    return { cur: this.#cur === null ? null : { ...this.#cur } };
  }

  held(): number {
    return 0;
  }

  handleBatch(): void {
    throw new Error('cdr-file-ei takes no input from other nodes');
  }

  handleTick(): void {}

  handleExternal(payload: Uint8Array, ctx: HandlerContext): HandleResult {
    const entry = decodeFileEntry(payload);
    if (this.#cur === null || this.#cur.lsn !== ctx.position) {
      this.#close();
      this.#cur = { lsn: ctx.position, offset: 0, index: 0, stated: 0 };
    }
    const cur = this.#cur;
    if (this.#fd === undefined) {
      this.#fd = this.#open(entry.name, ctx.position);
      if (this.#fd === undefined) {
        ctx.quarantine(entry.name, 'file_vanished', { file: entry.name });
        this.#cur = null;
        return undefined;
      }
      this.#window.reset(this.#fd);
    }
    if (cur.offset === 0 && !this.#header(this.#fd, entry.name, entry.size, cur, ctx)) {
      this.#finish();
      return undefined;
    }
    for (let n = 0; n < this.s.cdrsPerSlice && cur.offset < entry.size; n++) {
      const read = this.#window.read(cur.offset, entry.size);
      ctx.count('created', 1);
      const index = cur.index++;
      if ('truncated' in read) {
        const err = read.truncated;
        ctx.quarantine(read.rest, err.code, {
          file: entry.name,
          index,
          offset: err.offset,
          error: err.message,
        });
        cur.offset = entry.size;
        break;
      }
      this.#cdr(read.entry, entry.name, index, cur.offset, ctx);
      cur.offset +=
        (read.entry.header.releaseIdentifierExtension === undefined ? 4 : 5) + read.entry.bytes.length;
    }
    if (cur.offset < entry.size) return 'more';
    if (cur.index !== cur.stated) {
      ctx.log.warn(
        { file: entry.name, stated: cur.stated, found: cur.index },
        'cdr_count_mismatch: the file header states another number of CDRs than the file holds',
      );
    }
    this.#finish();
    return undefined;
  }

  terminate(): void {
    this.#close();
  }

  /** Reads the file header; a header that does not decode sends the whole file to the quarantine. */
  #header(fd: number, file: string, size: number, cur: Cursor, ctx: HandlerContext): boolean {
    const head = new Uint8Array(Math.min(size, MAX_HEADER_BYTES));
    readFully(fd, head, head.length, 0);
    try {
      const h = decodeCdrFileHeader(head, size);
      cur.offset = h.headerLength;
      cur.stated = h.numberOfCdrs;
      return true;
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      const whole = new Uint8Array(size);
      readFully(fd, whole, size, 0);
      ctx.count('created', 1);
      ctx.quarantine(whole, err.code, { file, offset: err.offset, error: err.message });
      return false;
    }
  }

  #cdr(e: CdrFileEntry, file: string, index: number, offset: number, ctx: HandlerContext): void {
    const format = e.header.dataRecordFormat;
    if (format !== BER || !this.s.acceptFormats.includes(format)) {
      ctx.quarantine(e.bytes, 'unsupported_record_format', {
        file,
        index,
        offset,
        error: `data record format ${format} is not taken (accepted: ${this.s.acceptFormats.join(', ')}; decodable: 1 = BER)`,
      });
      return;
    }
    const r = decodeFileRecord(e.bytes, file, index);
    if (r instanceof RecordFailure) {
      ctx.quarantine(e.bytes, r.code, { file, index, offset, error: r.message });
      return;
    }
    ctx.emit(r);
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

  #finish(): void {
    this.#close();
    this.#cur = null;
  }

  #close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#window.reset(undefined);
  }
}
