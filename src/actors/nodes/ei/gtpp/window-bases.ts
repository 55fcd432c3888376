/**
 * Base files of the GTP' retransmission window. A full window is up to 65,536 entries (1.2 MB) per
 * peer; written into every checkpoint (every second) it would cost a gateway of many busy GSNs tens
 * of MB a second. Instead, once the window is large, a full copy is written now and then to
 * `<actorDir>/gtpp-window/<id>.pwb` (durably, in the background), and checkpoints hold only the base
 * they build on plus the entries set since it. A checkpoint names a base only once its file is
 * durable. Files the restored checkpoint does not name are removed at restore; a base is removed
 * once the last two committed checkpoints (the current one and the previous one, which the
 * checkpoint store falls back to) build on newer ones.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packValue, unpackValue } from '../../../../protocols/nar/batch.js';
import { fsyncDir, writeFileDurably } from '../../../durability/fs-util.js';
import type { PeerWindow, PeerWindowSnapshot } from './peer-window.js';

export const WINDOW_DIR = 'gtpp-window';
const SUFFIX = '.pwb';
const MAX_PENDING_REFS = 10_000;

/** The base a snapshot builds on: its file id and the window's change count it was taken at. */
export interface WindowBaseRef {
  readonly id: number;
  readonly ops: number;
}

interface BaseFile {
  readonly version: 1;
  readonly ops: number;
  readonly window: PeerWindowSnapshot;
}

export class WindowBases {
  readonly #dir: string;
  #current: WindowBaseRef | undefined;
  #nextId = 1;
  #writing: Promise<void> | undefined;
  /** Per handler snapshot call since restore: the base it built on. */
  #refs: Array<{ readonly n: number; readonly id: number | undefined }> = [];
  #calls = 0;
  /** Bases named by the last two committed checkpoints (undefined: none). */
  #committed: Array<number | undefined> = [];
  readonly #onDisk = new Set<number>();

  constructor(
    actorDir: string,
    /** A base is written once the window holds this many entries and that many changed since. */
    private readonly minEntries: number,
    private readonly onError: (err: unknown, what: string) => void,
  ) {
    this.#dir = join(actorDir, WINDOW_DIR);
  }

  /** Reads the base `ref` names (none: undefined) and removes every other base file. */
  restore(ref: WindowBaseRef | undefined): PeerWindowSnapshot | undefined {
    mkdirSync(this.#dir, { recursive: true });
    for (const name of readdirSync(this.#dir)) {
      if (ref !== undefined && join(this.#dir, name) === this.#file(ref.id)) continue;
      rmSync(join(this.#dir, name), { force: true });
    }
    this.#current = undefined;
    this.#nextId = (ref?.id ?? 0) + 1;
    if (ref === undefined) return undefined;
    const file = this.#file(ref.id);
    try {
      const base = unpackValue(readFileSync(file)) as BaseFile;
      if (base.version !== 1 || base.ops !== ref.ops) {
        throw new Error(
          `expected version 1 at change ${ref.ops}, got version ${base.version} at ${base.ops}`,
        );
      }
      this.#current = ref;
      this.#onDisk.add(ref.id);
      return base.window;
    } catch (err) {
      this.onError(
        err,
        `retransmission window base ${file} cannot be read: the window restarts from the checkpoint's changes only`,
      );
      return undefined;
    }
  }

  /**
   * Called at each snapshot of the handler: the base this snapshot builds on (durable; undefined:
   * none, the snapshot holds the whole window). Starts writing a new base from `window` when due.
   */
  snapshotTaken(window: PeerWindow, nowMs: number): WindowBaseRef | undefined {
    const used = this.#current;
    this.#refs.push({ n: ++this.#calls, id: used?.id });
    // Checkpoints not committed for long (outputs blocked): forgetting the oldest calls only means
    // their commit, should it come, removes nothing.
    if (this.#refs.length > MAX_PENDING_REFS) this.#refs.shift();
    const live = window.size();
    if (this.#writing === undefined && live >= this.minEntries) {
      const changed = window.ops - (used?.ops ?? 0);
      if (used === undefined || changed >= Math.max(this.minEntries, live / 4)) this.#write(window, nowMs);
    }
    return used;
  }

  /** The checkpoint of snapshot call `n` is committed: bases older than the last two it kept go. */
  committed(n: number): void {
    let ref: { n: number; id: number | undefined } | undefined;
    while (this.#refs.length > 0 && (this.#refs[0] as { n: number }).n <= n) ref = this.#refs.shift();
    if (ref === undefined || ref.n !== n) return;
    this.#committed.push(ref.id);
    if (this.#committed.length > 2) this.#committed.shift();
    if (this.#committed.length < 2) return;
    const kept = this.#committed.filter((id): id is number => id !== undefined);
    const oldest = kept.length === 0 ? (this.#current?.id ?? this.#nextId) : Math.min(...kept);
    for (const id of [...this.#onDisk]) {
      if (id >= oldest) continue;
      this.#onDisk.delete(id);
      rmSync(this.#file(id), { force: true });
    }
  }

  /** Resolves when no base is being written. */
  async settled(): Promise<void> {
    await this.#writing;
  }

  #file(id: number): string {
    return join(this.#dir, `${id}${SUFFIX}`);
  }

  #write(window: PeerWindow, nowMs: number): void {
    const id = this.#nextId++;
    const ops = window.ops;
    const bytes = packValue({ version: 1, ops, window: window.snapshot(nowMs) } satisfies BaseFile);
    const file = this.#file(id);
    this.#writing = (async () => {
      try {
        mkdirSync(this.#dir, { recursive: true });
        await writeFileDurably(`${file}.tmp`, bytes);
        renameSync(`${file}.tmp`, file);
        await fsyncDir(this.#dir);
        this.#onDisk.add(id);
        this.#current = { id, ops };
      } catch (err) {
        rmSync(`${file}.tmp`, { force: true });
        this.onError(
          err,
          `retransmission window base ${file} could not be written; checkpoints keep the previous base`,
        );
      } finally {
        this.#writing = undefined;
      }
    })();
  }
}
