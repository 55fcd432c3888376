/**
 * A table a rule reads from a file (lookup CSV, IP-range table), reloadable without a restart.
 * The first load happens in `create()` and must succeed; later, `reloadIfChanged()` stats the
 * file and re-reads it when its modification time or size changed. A new version that does not
 * parse (or a file that cannot be read) leaves the current table in effect and is reported as
 * failed; the same broken version is not re-read until it changes again.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { RulesFileError } from '../../rules-errors.js';

export interface TableVersion {
  readonly mtimeMs: number;
  readonly size: number;
}

export type ReloadResult =
  | { readonly status: 'unchanged' }
  | { readonly status: 'reloaded'; readonly version: TableVersion }
  | { readonly status: 'failed'; readonly reason: string };

function reasonOf(err: unknown): string {
  if (err instanceof RulesFileError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

function sameVersion(a: TableVersion | undefined, b: TableVersion): boolean {
  return a !== undefined && a.mtimeMs === b.mtimeMs && a.size === b.size;
}

export class TableFile<T> {
  #current: T;
  #version: TableVersion;
  #failed: { version: TableVersion; reason: string } | undefined;

  /** Reads and parses the file now; throws RulesFileError when it cannot be read or parsed. */
  constructor(
    readonly file: string,
    private readonly parse: (text: string, file: string) => T,
  ) {
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
      const s = await stat(this.file);
      version = { mtimeMs: s.mtimeMs, size: s.size };
    } catch (err) {
      return { status: 'failed', reason: `${this.file}: cannot read: ${reasonOf(err)}` };
    }
    if (sameVersion(this.#version, version)) {
      this.#failed = undefined;
      return { status: 'unchanged' };
    }
    if (this.#failed !== undefined && sameVersion(this.#failed.version, version))
      return { status: 'failed', reason: this.#failed.reason };
    try {
      const table = this.parse(await readFile(this.file, 'utf8'), this.file);
      this.#current = table;
      this.#version = version;
      this.#failed = undefined;
      return { status: 'reloaded', version };
    } catch (err) {
      if (!(err instanceof RulesFileError) && !(err instanceof Error && 'code' in err)) throw err;
      const reason =
        err instanceof RulesFileError ? err.message : `${this.file}: cannot read: ${reasonOf(err)}`;
      this.#failed = { version, reason };
      return { status: 'failed', reason };
    }
  }
}
