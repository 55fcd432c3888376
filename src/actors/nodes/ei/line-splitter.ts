/**
 * Lines → fields for the file EI, the same way inline and on pool threads: CSV splitting with the
 * configured delimiter, or cutting by the fixed-width layout. With threads, slices are submitted in
 * file order and their results come back in that order.
 */
import { OrderedPool, poolTask } from '../../runtime/ordered-pool.js';
import { splitCsvLine, type CsvLinesTask, type FixedWidthLinesTask } from '../../runtime/pool-worker.js';
import { FileEiError } from './errors.js';
import { delimiterOf, type FileEiSettings } from './file-ei-settings.js';
import {
  cutFixedWidthLine,
  fixedWidthLayout,
  type FixedWidthLayout,
  type LineFields,
} from './fixed-width-lines.js';

export class LineSplitter {
  readonly #delimiter: string;
  readonly #layout: FixedWidthLayout | undefined;
  readonly #csvPool: OrderedPool<CsvLinesTask, LineFields[]> | undefined;
  readonly #fixedPool: OrderedPool<FixedWidthLinesTask, LineFields[]> | undefined;

  constructor(s: FileEiSettings, threads: number) {
    this.#delimiter = delimiterOf(s);
    this.#layout = s.format === 'fixed-width' ? fixedWidthLayout(s.rules) : undefined;
    if (threads === 0) return;
    const opts = { threads, maxInFlight: 2 * threads };
    if (this.#layout === undefined) {
      this.#csvPool = new OrderedPool({ ...opts, task: poolTask('parse-csv-lines') });
    } else {
      this.#fixedPool = new OrderedPool({ ...opts, task: poolTask('cut-fixed-width-lines') });
    }
  }

  get pooled(): boolean {
    return this.#csvPool !== undefined || this.#fixedPool !== undefined;
  }

  /** One line, in this thread. */
  split(line: string): LineFields {
    return this.#layout === undefined
      ? splitCsvLine(line, this.#delimiter)
      : cutFixedWidthLine(line, this.#layout);
  }

  /** Pool mode: hands a slice's lines to a thread; resolves when the pool has room for it. */
  submit(lines: string[]): Promise<void> {
    if (this.#fixedPool !== undefined) {
      return this.#fixedPool.submit({ lines, layout: this.#layout as FixedWidthLayout });
    }
    if (this.#csvPool !== undefined) return this.#csvPool.submit({ lines, delimiter: this.#delimiter });
    throw new FileEiError('no_pool', 'line splitter: submit() expects pool threads (threads > 0)');
  }

  /** Pool mode: the fields of the oldest submitted slice not yet taken. */
  next(): Promise<LineFields[]> {
    const pool = this.#fixedPool ?? this.#csvPool;
    if (pool === undefined)
      throw new FileEiError('no_pool', 'line splitter: next() expects pool threads (threads > 0)');
    return pool.next();
  }

  async close(): Promise<void> {
    await this.#csvPool?.close();
    await this.#fixedPool?.close();
  }
}
