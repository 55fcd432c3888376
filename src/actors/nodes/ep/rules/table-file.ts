/**
 * A table read from a file (lookup CSV, IP-range table, RADIUS clients), reloadable without a
 * restart. The first load happens in the constructor and must succeed; later, `reloadIfChanged()`
 * stats the file and re-reads it when its modification time or size changed. A new version that
 * does not parse (or a file that cannot be read) leaves the current table in effect and is
 * reported as failed; the same broken version is not re-read until it changes again.
 *
 * A file rewritten in place (truncated, then written) must never be taken half-written: a changed
 * version is read only once it has been left alone for `settleMs` (by its modification time), and
 * a read during which the file changed again is discarded. A modification time in the future
 * (another clock) is taken once two checks in a row see the same version.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isSettled, sameVersion, type FileVersion } from '../../file-settle.js';
import { RulesFileError } from '../../rules-errors.js';

export type TableVersion = FileVersion;

/** How long a changed file must be left alone before it is read. */
export const TABLE_SETTLE_MS = 1000;

export interface TableFileOptions {
  readonly settleMs?: number;
  /** Wall-clock time in ms, compared with the file's modification time. */
  readonly now?: () => number;
}

export type ReloadResult =
  | { readonly status: 'unchanged' }
  /** Changed, but still being written (or too recently to tell): checked again next time. */
  | { readonly status: 'settling'; readonly version: TableVersion }
  | { readonly status: 'reloaded'; readonly version: TableVersion }
  | { readonly status: 'failed'; readonly reason: string };

function reasonOf(err: unknown): string {
  if (err instanceof RulesFileError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export class TableFile<T> {
  #current: T;
  #version: TableVersion;
  #failed: { version: TableVersion; reason: string } | undefined;
  /** The changed version the previous check saw and did not read yet. */
  #seen: TableVersion | undefined;
  readonly #settleMs: number;
  readonly #now: () => number;

  /** Reads and parses the file now; throws RulesFileError when it cannot be read or parsed. */
  constructor(
    readonly file: string,
    private readonly parse: (text: string, file: string) => T,
    options: TableFileOptions = {},
  ) {
    this.#settleMs = options.settleMs ?? TABLE_SETTLE_MS;
    this.#now = options.now ?? Date.now;
    let text: string;
    let version: TableVersion;
    try {
      const s = statSync(file);
      version = { mtimeMs: s.mtimeMs, size: s.size };
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new RulesFileError([{ file, message: `cannot read: ${reasonOf(err)}` }]);
    }
    this.#current = parse(text, file);
    this.#version = version;
  }

  get current(): T {
    return this.#current;
  }

  /** The version of the file the current table was read from. */
  get version(): TableVersion {
    return this.#version;
  }

  async reloadIfChanged(): Promise<ReloadResult> {
    let version: TableVersion;
    try {
      version = await this.#stat();
    } catch (err) {
      this.#seen = undefined;
      return { status: 'failed', reason: `${this.file}: cannot read: ${reasonOf(err)}` };
    }
    if (sameVersion(this.#version, version)) {
      this.#failed = undefined;
      this.#seen = undefined;
      return { status: 'unchanged' };
    }
    if (this.#failed !== undefined && sameVersion(this.#failed.version, version))
      return { status: 'failed', reason: this.#failed.reason };
    if (!isSettled(version, this.#seen, this.#settleMs, this.#now())) {
      this.#seen = version;
      return { status: 'settling', version };
    }
    try {
      const text = await readFile(this.file, 'utf8');
      const after = await this.#stat();
      if (!sameVersion(version, after)) {
        this.#seen = after;
        return { status: 'settling', version: after };
      }
      const table = this.parse(text, this.file);
      this.#seen = undefined;
      this.#current = table;
      this.#version = version;
      this.#failed = undefined;
      return { status: 'reloaded', version };
    } catch (err) {
      if (!(err instanceof RulesFileError) && !(err instanceof Error && 'code' in err)) throw err;
      const reason =
        err instanceof RulesFileError ? err.message : `${this.file}: cannot read: ${reasonOf(err)}`;
      this.#failed = { version, reason };
      this.#seen = undefined;
      return { status: 'failed', reason };
    }
  }

  async #stat(): Promise<TableVersion> {
    const s = await stat(this.file);
    return { mtimeMs: s.mtimeMs, size: s.size };
  }

  /** Left alone long enough to read; or, dated in the future, the same as at the previous check. */
}
