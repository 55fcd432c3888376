/**
 * An actor's input log: segmented, append-only, one writer (the actor's thread), group commit.
 * Positions (LSNs) number entries from 1 without gaps. `append` is synchronous and only buffers; a
 * commit every `groupCommitMs` writes the buffered bytes, one commit at a time. The active segment is
 * open with O_DSYNC, so a commit is one write that returns when its bytes are durable (as write plus
 * fdatasync would, but with one hand-over to the I/O thread pool instead of two: each hand-over waits
 * for a free pool thread and then for the actor's event loop, and on a busy host those waits were most
 * of a commit's time). A failed write fails the log for good: waiters are rejected and appends throw,
 * because after a failed sync the page cache can no longer be trusted to reach the disk.
 *
 * Segments are not preallocated: Node exposes no fallocate, and zero-filling would double the writes.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LogClosedError, LogFailedError, LogUsageError } from './errors.js';
import { LatencyBuckets } from '../telemetry/latency-buckets.js';
import { fsyncDir, writeAll } from './fs-util.js';
import { encodeEntry, MAX_ENTRY_PAYLOAD, segmentFileName } from './log-format.js';
import { LogReader, type LogEntry, type SegmentRef } from './log-reader.js';
import { checkOptions, type InputLogOptions } from './log-options.js';
import { describeSegments, removeOldSegments, type SegmentInfo } from './log-segments.js';
import { recoverLog, SYNC_WRITE_FLAGS, type RecoveryReport } from './log-recovery.js';

export type { LogEntry } from './log-reader.js';
export type { RecoveryReport } from './log-recovery.js';
export type { InputLogOptions } from './log-options.js';
export type { SegmentInfo } from './log-segments.js';

interface PendingPart {
  /** Set when this part starts a new segment with this first LSN. */
  readonly newSegmentLsn: number | undefined;
  readonly chunks: Uint8Array[];
  bytes: number;
}

interface Active {
  /** Open with O_DSYNC: a write returns once its bytes are durable. */
  fh: FileHandle;
  size: number;
}

interface Waiter {
  readonly lsn: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/** Buffers one writev takes (Linux IOV_MAX); libuv splits a longer vector into synced writes. */
export const WRITE_VECTOR_MAX = 1024;

/**
 * `chunks` as at most WRITE_VECTOR_MAX buffers, so a commit is one synced write. Runs of neighbours
 * are joined only when there are more: joining every commit into one buffer cost 2–4× the bandwidth
 * for large entries (each commit a large external allocation, and the GC work it brings).
 */
export function writeVector(chunks: Uint8Array[]): Uint8Array[] {
  if (chunks.length <= WRITE_VECTOR_MAX) return chunks;
  const run = Math.ceil(chunks.length / WRITE_VECTOR_MAX);
  const out: Uint8Array[] = [];
  for (let i = 0; i < chunks.length; i += run) out.push(Buffer.concat(chunks.slice(i, i + run)));
  return out;
}

export class InputLog {
  private readonly segs: SegmentRef[];
  private readonly reader: LogReader;
  private pending: PendingPart[] = [];
  private tailBytes: number;
  private nextLsn: number;
  private durable: number;
  private waiters: Waiter[] = [];
  private readonly durableListeners = new Set<(lsn: number) => void>();
  private readonly failureListeners = new Set<(err: LogFailedError) => void>();
  private cancelTimer: (() => void) | undefined;
  private firstPendingAt = 0;
  private commitRunning: Promise<void> | undefined;
  private failure: LogFailedError | undefined;
  private closing: Promise<void> | undefined;
  private maintenance: Promise<unknown> = Promise.resolve();
  /** Duration of each group commit (write and fdatasync), until taken with the actor's stats. */
  readonly commits = new LatencyBuckets();

  private constructor(
    readonly dir: string,
    private readonly options: Required<InputLogOptions>,
    segs: SegmentRef[],
    private active: Active,
    lastLsn: number,
    readonly recovered: RecoveryReport,
  ) {
    this.segs = segs;
    this.reader = new LogReader(dir);
    this.tailBytes = active.size;
    this.nextLsn = lastLsn + 1;
    this.durable = lastLsn;
  }

  static async open(dir: string, options: InputLogOptions): Promise<InputLog> {
    const opts = checkOptions(options);
    const r = await recoverLog(dir, opts.verify);
    const active = { fh: r.fh, size: r.validBytes };
    return new InputLog(dir, opts, r.segments, active, r.lastLsn, r.report);
  }

  /** LSN of the last appended entry (durable or not); 0 for an empty log. */
  get lastLsn(): number {
    return this.nextLsn - 1;
  }

  /** Lowest LSN still stored (retention removes whole segments below it). */
  get firstLsn(): number {
    return (this.segs[0] as SegmentRef).firstLsn;
  }

  get durableLsn(): number {
    return this.durable;
  }

  /** The failure that stopped the log, if any. */
  get failed(): LogFailedError | undefined {
    return this.failure;
  }

  append(kind: number, payload: Uint8Array): number {
    if (this.failure !== undefined) throw this.failure;
    if (this.closing !== undefined) throw new LogClosedError(this.dir);
    if (!Number.isInteger(kind) || kind < 0 || kind > 255) {
      throw new LogUsageError('invalid_argument', `entry kind must be an integer 0..255, got ${kind}`);
    }
    if (payload.length > MAX_ENTRY_PAYLOAD) {
      throw new LogUsageError(
        'payload_too_large',
        `entry payload must be at most ${MAX_ENTRY_PAYLOAD} bytes, got ${payload.length}`,
      );
    }
    const bytes = encodeEntry(kind, payload);
    const lsn = this.nextLsn;
    if (this.pending.length === 0) this.firstPendingAt = performance.now();
    let part = this.pending[this.pending.length - 1];
    if (this.tailBytes >= this.options.segmentBytes) {
      part = { newSegmentLsn: lsn, chunks: [], bytes: 0 };
      this.pending.push(part);
      this.tailBytes = 0;
    } else if (part === undefined) {
      part = { newSegmentLsn: undefined, chunks: [], bytes: 0 };
      this.pending.push(part);
    }
    part.chunks.push(bytes);
    part.bytes += bytes.length;
    this.tailBytes += bytes.length;
    this.nextLsn = lsn + 1;
    this.schedule();
    return lsn;
  }

  /** Resolves once `lsn` is durable; rejects when the log fails first. */
  whenDurable(lsn: number): Promise<void> {
    if (!Number.isSafeInteger(lsn) || lsn < 0) {
      return Promise.reject(new LogUsageError('invalid_argument', `LSN must be an integer >= 0, got ${lsn}`));
    }
    if (lsn <= this.durable) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (lsn > this.lastLsn) {
      return Promise.reject(
        new LogUsageError('lsn_not_appended', `LSN ${lsn} was not appended; expected <= ${this.lastLsn}`),
      );
    }
    return new Promise((resolve, reject) => this.waiters.push({ lsn, resolve, reject }));
  }

  /** Called with the new durable LSN after each commit. Returns an unsubscribe function. */
  onDurable(cb: (lsn: number) => void): () => void {
    this.durableListeners.add(cb);
    return () => this.durableListeners.delete(cb);
  }

  /** Called once if a write or fsync fails. Returns an unsubscribe function. */
  onFailure(cb: (err: LogFailedError) => void): () => void {
    this.failureListeners.add(cb);
    return () => this.failureListeners.delete(cb);
  }

  /** Commits now everything appended so far, without waiting for the timer. */
  async flush(): Promise<void> {
    const target = this.lastLsn;
    while (this.durable < target) {
      if (this.failure !== undefined) throw this.failure;
      if (this.commitRunning === undefined) this.startCommit();
      if (this.commitRunning === undefined && this.failure === undefined) {
        throw new Error(`input log ${this.dir}: nothing to commit below ${target}; expected pending entries`);
      }
      await this.commitRunning;
    }
  }

  /** Up to `maxEntries` durable entries from `fromLsn` on; empty past the durable end. */
  read(fromLsn: number, maxEntries: number): Promise<LogEntry[]> {
    return this.reader.read(this.segs, this.durable, fromLsn, maxEntries);
  }

  /** Iterates durable entries from `fromLsn` to the durable end as of each slice read. */
  async *entries(fromLsn: number, sliceEntries = 256): AsyncGenerator<LogEntry, void, undefined> {
    let next = fromLsn;
    for (;;) {
      const slice = await this.read(next, sliceEntries);
      const last = slice[slice.length - 1];
      if (last === undefined) return;
      yield* slice;
      next = last.lsn + 1;
    }
  }

  async segments(): Promise<SegmentInfo[]> {
    return describeSegments(this.dir, [...this.segs], this.durable);
  }

  /**
   * Removes the oldest segments whose entries are all below `lsn` and whose last write (mtime) is
   * more than `retainMs` before `nowMs`; stops at the first that does not qualify, so the log stays
   * contiguous. The active segment is never removed. Returns how many were removed.
   */
  removeSegmentsBefore(lsn: number, retainMs: number, nowMs: number): Promise<number> {
    const run = this.maintenance.then(() => removeOldSegments(this.dir, this.segs, lsn, retainMs, nowMs));
    // The chain only orders removals; the caller gets `run` and its error.
    this.maintenance = run.catch(() => undefined);
    return run;
  }

  /** Commits what is pending and closes the files; rejects when the log has failed. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.flush();
      } finally {
        this.cancelTimer?.();
        this.cancelTimer = undefined;
        await this.maintenance;
        await this.active.fh.close();
      }
    })();
    return this.closing;
  }

  private schedule(): void {
    if (this.cancelTimer !== undefined || this.commitRunning !== undefined) return;
    const delay = this.options.groupCommitMs - (performance.now() - this.firstPendingAt);
    if (delay <= 0) {
      const t = setImmediate(() => this.startCommit());
      this.cancelTimer = () => clearImmediate(t);
    } else {
      const t = setTimeout(() => this.startCommit(), delay);
      this.cancelTimer = () => clearTimeout(t);
    }
  }

  private startCommit(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.commitRunning !== undefined || this.pending.length === 0 || this.failure !== undefined) return;
    this.commitRunning = this.commit().finally(() => {
      this.commitRunning = undefined;
      if (this.failure === undefined && this.pending.length > 0) this.schedule();
    });
  }

  private async commit(): Promise<void> {
    const parts = this.pending;
    this.pending = [];
    const upTo = this.lastLsn;
    const started = performance.now();
    try {
      for (const part of parts) {
        if (part.newSegmentLsn !== undefined) await this.roll(part.newSegmentLsn);
        await writeAll(this.active.fh, writeVector(part.chunks), this.active.size);
        this.active.size += part.bytes;
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    this.commits.record(performance.now() - started);
    this.durable = upTo;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.lsn <= upTo) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
    this.notify(this.durableListeners, upTo);
  }

  /** Closes the active segment (its writes were synced) and starts a new one, durably named. */
  private async roll(firstLsn: number): Promise<void> {
    await this.active.fh.close();
    const file = segmentFileName(firstLsn);
    const fh = await open(join(this.dir, file), constants.O_CREAT | constants.O_EXCL | SYNC_WRITE_FLAGS);
    this.active = { fh, size: 0 };
    await fsyncDir(this.dir);
    this.segs.push({ firstLsn, file });
  }

  private fail(cause: unknown): void {
    const err = new LogFailedError(this.dir, cause);
    this.failure = err;
    this.pending = [];
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
    this.notify(this.failureListeners, err);
  }

  /** Calls every listener; a listener that throws is rethrown as an uncaught error, after the others ran. */
  private notify<T>(listeners: Set<(v: T) => void>, value: T): void {
    for (const cb of listeners) {
      try {
        cb(value);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
