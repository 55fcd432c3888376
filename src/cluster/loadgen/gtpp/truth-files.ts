/**
 * The ground truth of a streamed run, written while it goes: `truth/cdr.csv`, `truth/sessions.csv`
 * and `truth/unconfirmed.csv` under the report directory, each with its header row. Lines are
 * buffered and written in chunks of about 256 KiB (synchronously: the page cache takes them in
 * microseconds, and the send loop must not hold an unbounded queue of pending writes).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TruthSink } from './stream.js';
import { TRUTH_CDR_HEADER, TRUTH_SESSION_HEADER } from './truth.js';

const CHUNK_CHARS = 256 << 10;

class LineFile {
  readonly #fd: number;
  #lines: string[] = [];
  #chars = 0;

  constructor(path: string, header: string) {
    this.#fd = openSync(path, 'w');
    this.add(header);
  }

  add(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length + 1;
    if (this.#chars >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.#lines.length === 0) return;
    writeSync(this.#fd, `${this.#lines.join('\n')}\n`);
    this.#lines = [];
    this.#chars = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

export class TruthFiles implements TruthSink {
  readonly #cdr: LineFile;
  readonly #sessions: LineFile;
  readonly #unconfirmed: LineFile;

  constructor(dir: string) {
    const t = join(dir, 'truth');
    mkdirSync(t, { recursive: true });
    this.#cdr = new LineFile(join(t, 'cdr.csv'), TRUTH_CDR_HEADER);
    this.#sessions = new LineFile(join(t, 'sessions.csv'), TRUTH_SESSION_HEADER);
    this.#unconfirmed = new LineFile(join(t, 'unconfirmed.csv'), TRUTH_CDR_HEADER);
  }

  cdr(line: string): void {
    this.#cdr.add(line);
  }
  session(line: string): void {
    this.#sessions.add(line);
  }
  unconfirmed(line: string): void {
    this.#unconfirmed.add(line);
  }

  close(): void {
    this.#cdr.close();
    this.#sessions.close();
    this.#unconfirmed.close();
  }
}

/** A sink for a run without a report directory: the truth is only counted. */
export const NO_TRUTH_FILES: TruthSink = {
  cdr: () => undefined,
  session: () => undefined,
  unconfirmed: () => undefined,
};
