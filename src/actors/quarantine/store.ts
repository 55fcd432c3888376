/**
 * Quarantine: rejected input never disappears. Each actor appends to its own file
 * `<dir>/<actorId>.quarantine` (format.ts), so actors in different threads never share a file.
 *
 * A restarted actor replays its input log and may reject the same input again. Every entry carries
 * the deterministic key (input-log position, ordinal within that entry); the writer drops an append
 * whose key is not greater than the last key it holds, like a high-water mark, and recovers that key
 * when it opens. Appends are buffered and made durable by group commit (`groupCommitMs`) or `flush()`.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { fsyncDir, isErrno, writeAll } from '../durability/fs-util.js';
import { checkActorId, checkAppend, decodeEntry, encodeEntry, type QuarantineAppend } from './entry.js';
import { QuarantineClosedError, QuarantineFailedError, QuarantineUsageError } from './errors.js';
import {
  QUARANTINE_MAGIC,
  compareKeys,
  encodeFrame,
  fileHeader,
  quarantineFile,
  scanFrames,
  type QuarantineKey,
  type TailDefect,
} from './format.js';

export { QuarantineReader, type QuarantineEntry, type QuarantineFilter } from './reader.js';
export type { QuarantineAppend } from './entry.js';
export { QUARANTINE_SUFFIX, REPLAYED_FILE, quarantineFile } from './format.js';

export interface QuarantineWriterOptions {
  /** Appends are written and fsynced at most this many ms after the first unwritten one. */
  readonly groupCommitMs: number;
}

/** What opening found at the end of the file. */
export interface QuarantineRecovery {
  readonly entries: number;
  /** Bytes of an unfinished write cut off the end (0 when the file ended cleanly). */
  readonly truncatedBytes: number;
  readonly defect: TailDefect | undefined;
}

interface Waiter {
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export class QuarantineWriter {
  #pending: Uint8Array[] = [];
  #appended = 0;
  #durable = 0;
  #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();
  #failed: QuarantineFailedError | undefined;
  #closed = false;

  private constructor(
    readonly file: string,
    readonly actorId: string,
    private readonly fh: FileHandle,
    private offset: number,
    private last: QuarantineKey | undefined,
    private readonly groupCommitMs: number,
    readonly recovery: QuarantineRecovery,
  ) {}

  static async open(
    dir: string,
    actorId: string,
    options: QuarantineWriterOptions,
  ): Promise<QuarantineWriter> {
    checkActorId(actorId);
    const { groupCommitMs } = options;
    if (!Number.isFinite(groupCommitMs) || groupCommitMs < 0) {
      throw new QuarantineUsageError(
        'invalid_option',
        `groupCommitMs: expected a number of ms >= 0, got ${String(groupCommitMs)}`,
      );
    }
    await mkdir(dir, { recursive: true });
    const file = quarantineFile(dir, actorId);
    let last: QuarantineKey | undefined;
    let entries = 0;
    let scan;
    try {
      scan = await scanFrames(file, QUARANTINE_MAGIC, (payload, offset) => {
        const e = decodeEntry(payload, file, offset);
        last = { position: e.position, ordinal: e.ordinal };
        entries += 1;
      });
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    if (scan === undefined) {
      const fh = await open(file, 'wx+');
      try {
        await writeAll(fh, [fileHeader(QUARANTINE_MAGIC)], 0);
        await fh.sync();
        await fsyncDir(dir);
      } catch (err) {
        await fh.close();
        throw err;
      }
      const recovery = { entries: 0, truncatedBytes: 0, defect: undefined };
      return new QuarantineWriter(
        file,
        actorId,
        fh,
        fileHeader(QUARANTINE_MAGIC).length,
        undefined,
        groupCommitMs,
        recovery,
      );
    }
    const fh = await open(file, 'r+');
    let end = scan.end;
    try {
      if (scan.torn !== undefined || end === 0) {
        await fh.truncate(end);
        if (end === 0) {
          const header = fileHeader(QUARANTINE_MAGIC);
          await writeAll(fh, [header], 0);
          end = header.length;
        }
        await fh.sync();
      }
    } catch (err) {
      await fh.close();
      throw err;
    }
    const recovery = { entries, truncatedBytes: scan.size - scan.end, defect: scan.torn };
    return new QuarantineWriter(file, actorId, fh, end, last, groupCommitMs, recovery);
  }

  /** The highest key held (recovered on open, then advanced by appends). */
  get lastKey(): QuarantineKey | undefined {
    return this.last;
  }

  /**
   * Buffers one entry; it is durable once `whenDurable()` or `flush()` resolves. Returns false, and
   * stores nothing, when its key is not greater than the last key held (a replayed rejection).
   */
  append(entry: QuarantineAppend): boolean {
    this.#usable();
    checkAppend(entry);
    const key = { position: entry.position, ordinal: entry.ordinal };
    if (this.last !== undefined && compareKeys(key, this.last) <= 0) return false;
    this.#pending.push(encodeFrame(encodeEntry(entry)));
    this.#appended += 1;
    this.last = key;
    this.#schedule();
    return true;
  }

  /** Resolves when every entry appended before the call is fsynced. */
  whenDurable(): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    if (this.#durable >= this.#appended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ upTo: this.#appended, resolve, reject });
      this.#schedule();
    });
  }

  /** Writes and fsyncs everything appended so far, now. */
  async flush(): Promise<void> {
    this.#usable();
    this.#cancelTimer();
    await this.#commit();
    if (this.#failed !== undefined) throw this.#failed;
  }

  /** Flushes, then releases the file. After a failed write, releases the file and rethrows the failure. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#cancelTimer();
    await this.#commit();
    this.#closed = true;
    await this.fh.close();
    for (const w of this.#waiters.splice(0)) w.reject(this.#failed ?? new QuarantineClosedError(this.file));
    if (this.#failed !== undefined) throw this.#failed;
  }

  #usable(): void {
    if (this.#closed) throw new QuarantineClosedError(this.file);
    if (this.#failed !== undefined) throw this.#failed;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#durable >= this.#appended) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#commit();
    }, this.groupCommitMs);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Serialised write + fsync of what is pending. Never rejects: a failure is kept in #failed. */
  #commit(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#writePending());
    return this.#chain;
  }

  async #writePending(): Promise<void> {
    if (this.#failed === undefined && this.#pending.length > 0) {
      const chunks = this.#pending;
      this.#pending = [];
      const upTo = this.#appended;
      let bytes = 0;
      for (const c of chunks) bytes += c.length;
      try {
        await writeAll(this.fh, chunks, this.offset);
        await this.fh.sync();
        this.offset += bytes;
        this.#durable = upTo;
      } catch (err) {
        this.#failed = new QuarantineFailedError(this.file, err);
      }
    }
    this.#settle();
  }

  #settle(): void {
    const failed = this.#failed;
    const keep: Waiter[] = [];
    for (const w of this.#waiters) {
      if (failed !== undefined) w.reject(failed);
      else if (w.upTo <= this.#durable) w.resolve();
      else keep.push(w);
    }
    this.#waiters = keep;
  }
}
