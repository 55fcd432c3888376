/**
 * Immutable files of a handler's state kept beside its checkpoints, by numeric id in one directory
 * (the order enhancer's journal chunks and spill segments). A file is written in the background,
 * durably (temporary name, fdatasync, rename, directory fsync), and a snapshot may name it only
 * once `write` resolved true. Files the restored snapshot does not name are removed at restore.
 * A file given up (`retire`) at the handler's snapshot call d is still named by the snapshots up to
 * d; it is removed once two committed checkpoints (the current one and the previous one, which the
 * checkpoint store falls back to) are of later calls.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, writeFileDurably } from './fs-util.js';

export class ChunkFiles {
  readonly #dir: string;
  readonly #suffix: string;
  #next = 1;
  /** Calls of `snapshotTaken` since restore. */
  #snapshots = 0;
  #lastCommitted = 0;
  #retired: Array<{ id: number; at: number }> = [];
  #writing = new Set<Promise<boolean>>();

  constructor(dir: string, suffix: string) {
    this.#dir = dir;
    this.#suffix = suffix;
  }

  /** The id the next file gets. */
  get next(): number {
    return this.#next;
  }

  /** A new file id (for a file its owner writes itself, durably, before any snapshot names it). */
  newId(): number {
    return this.#next++;
  }

  get dir(): string {
    return this.#dir;
  }

  file(id: number): string {
    return join(this.#dir, `${id}${this.#suffix}`);
  }

  /** Keeps the files `ids` names, removes every other file of the directory; ids go on from `next`. */
  restore(ids: readonly number[], next: number): void {
    const keep = new Set(ids.map((id) => `${id}${this.#suffix}`));
    let names: string[] = [];
    try {
      names = readdirSync(this.#dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const name of names) if (!keep.has(name)) rmSync(join(this.#dir, name), { force: true });
    this.#next = next;
    this.#snapshots = 0;
    this.#lastCommitted = 0;
    this.#retired = [];
  }

  read(id: number): Buffer {
    return readFileSync(this.file(id));
  }

  /**
   * Writes `bytes` as a new file in the background; returns its id and whether it became durable
   * (false: it could not be written, `onError` was told, and nothing is left of it).
   */
  write(
    bytes: Uint8Array,
    onError: (err: unknown, file: string) => void,
  ): { id: number; done: Promise<boolean> } {
    const id = this.newId();
    const file = this.file(id);
    const tmp = `${file}.tmp`;
    const done = (async () => {
      try {
        mkdirSync(this.#dir, { recursive: true });
        await writeFileDurably(tmp, bytes);
        renameSync(tmp, file);
        await fsyncDir(this.#dir);
        return true;
      } catch (err) {
        for (const f of [tmp, file]) {
          try {
            rmSync(f, { force: true });
          } catch {
            // Nothing of it can be there (e.g. the directory is not one).
          }
        }
        onError(err, file);
        return false;
      }
    })();
    this.#writing.add(done);
    void done.then(() => this.#writing.delete(done));
    return { id, done };
  }

  /** The handler took a snapshot (call them in step with the handler's snapshot calls). */
  snapshotTaken(): void {
    this.#snapshots++;
  }

  /** File `id` is named by no snapshot from the next one on. */
  retire(id: number): void {
    this.#retired.push({ id, at: this.#snapshots });
  }

  /** The checkpoint of snapshot call `n` is durable: retired files no kept checkpoint names go. */
  committed(n: number): void {
    const previous = this.#lastCommitted;
    this.#lastCommitted = n;
    this.#retired = this.#retired.filter(({ id, at }) => {
      if (at >= previous) return true;
      rmSync(this.file(id), { force: true });
      return false;
    });
  }

  /** Resolves when no file is being written. */
  async settled(): Promise<void> {
    while (this.#writing.size > 0) await Promise.all([...this.#writing]);
  }
}
