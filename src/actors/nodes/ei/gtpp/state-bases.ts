/**
 * Base files of the GTP' EI's state: its retransmission window and its possibly duplicated packets.
 * A full window is up to 65,536 entries (1.2 MB) per peer, and a GSN failing over can leave many
 * packets held (their CDR bytes, ~2.3 KB per 10 CDRs); written into every checkpoint (every second)
 * they would cost a gateway tens of MB a second. Instead, once either is large, a full copy of both
 * is written now and then to `<actorDir>/gtpp-window/<id>.pwb` (durably, in the background), and
 * checkpoints hold only the base they build on plus what changed since it: the window's entries set
 * since, the packets held since and the sequence numbers of the base's packets still held. A
 * checkpoint names a base only once its file is durable. Files the restored checkpoint does not name
 * are removed at restore; a base is removed once the last two committed checkpoints (the current one
 * and the previous one, which the checkpoint store falls back to) build on newer ones.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packValue, unpackValue } from '../../../../protocols/nar/batch.js';
import { fsyncDir, writeFileDurably } from '../../../durability/fs-util.js';
import type { HeldPackets, HeldSnapshot } from './held.js';
import type { PeerWindow, PeerWindowSnapshot } from './peer-window.js';

export const WINDOW_DIR = 'gtpp-window';
const SUFFIX = '.pwb';
const MAX_PENDING_REFS = 10_000;

/**
 * The base a snapshot builds on: its file id and the change counts of the window and of the held
 * packets it was taken at (`heldOps` absent: a base of the window only, as first written).
 */
export interface StateBaseRef {
  readonly id: number;
  readonly ops: number;
  readonly heldOps?: number;
}

/** What a base holds. */
export interface StateBase {
  readonly window: PeerWindowSnapshot;
  /** Undefined in a base of the window only. */
  readonly held: HeldSnapshot | undefined;
}

type BaseFile =
  | { readonly version: 1; readonly ops: number; readonly window: PeerWindowSnapshot }
  | {
      readonly version: 2;
      readonly ops: number;
      readonly heldOps: number;
      readonly window: PeerWindowSnapshot;
      readonly held: HeldSnapshot;
    };

/** When a base is due: the window holds this many entries, or the packets held this many CDR bytes. */
export interface StateBaseLimits {
  readonly windowEntries: number;
  readonly heldBytes: number;
}

export class StateBases {
  readonly #dir: string;
  #current: StateBaseRef | undefined;
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
    /**
     * A base is written once the window holds `windowEntries` entries and that many (and a quarter
     * of them) changed since the last base, or the same in CDR bytes of the packets held.
     */
    private readonly limits: StateBaseLimits,
    private readonly onError: (err: unknown, what: string) => void,
  ) {
    this.#dir = join(actorDir, WINDOW_DIR);
  }

  /** Reads the base `ref` names (none: undefined) and removes every other base file. */
  restore(ref: StateBaseRef | undefined): StateBase | undefined {
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
      const heldOps = base.version === 2 ? base.heldOps : undefined;
      if ((base.version !== 1 && base.version !== 2) || base.ops !== ref.ops || heldOps !== ref.heldOps) {
        throw new Error(
          `expected changes ${ref.ops}/${ref.heldOps ?? '-'}, got version ${base.version} at ${base.ops}/${heldOps ?? '-'}`,
        );
      }
      this.#current = ref;
      this.#onDisk.add(ref.id);
      return { window: base.window, held: base.version === 2 ? base.held : undefined };
    } catch (err) {
      this.onError(
        err,
        `GTP' state base ${file} cannot be read: the retransmission window and the possibly duplicated packets restart from the checkpoint's changes only`,
      );
      return undefined;
    }
  }

  /**
   * Called at each snapshot of the handler: the base this snapshot builds on (durable; undefined:
   * none, the snapshot holds the whole state). Starts writing a new base when due.
   */
  snapshotTaken(window: PeerWindow, held: HeldPackets, nowMs: number): StateBaseRef | undefined {
    const used = this.#current;
    this.#refs.push({ n: ++this.#calls, id: used?.id });
    // Checkpoints not committed for long (outputs blocked): forgetting the oldest calls only means
    // their commit, should it come, removes nothing.
    if (this.#refs.length > MAX_PENDING_REFS) this.#refs.shift();
    if (this.#writing === undefined && this.#due(window, held, used)) this.#write(window, held, nowMs);
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

  #due(window: PeerWindow, held: HeldPackets, used: StateBaseRef | undefined): boolean {
    const { windowEntries, heldBytes } = this.limits;
    const live = window.size();
    if (live >= windowEntries) {
      const changed = window.ops - (used?.ops ?? 0);
      if (used === undefined || changed >= Math.max(windowEntries, live / 4)) return true;
    }
    if (held.bytes >= heldBytes) {
      const since = held.bytesSince(used?.heldOps ?? -1);
      if (since >= Math.max(heldBytes, held.bytes / 4)) return true;
    }
    return false;
  }

  #write(window: PeerWindow, held: HeldPackets, nowMs: number): void {
    const id = this.#nextId++;
    const ops = window.ops;
    const heldOps = held.ops;
    const bytes = packValue({
      version: 2,
      ops,
      heldOps,
      window: window.snapshot(nowMs),
      held: held.snapshot(),
    } satisfies BaseFile);
    const file = this.#file(id);
    this.#writing = (async () => {
      try {
        mkdirSync(this.#dir, { recursive: true });
        await writeFileDurably(`${file}.tmp`, bytes);
        renameSync(`${file}.tmp`, file);
        await fsyncDir(this.#dir);
        this.#onDisk.add(id);
        this.#current = { id, ops, heldOps };
      } catch (err) {
        rmSync(`${file}.tmp`, { force: true });
        this.onError(err, `GTP' state base ${file} could not be written; checkpoints keep the previous base`);
      } finally {
        this.#writing = undefined;
      }
    })();
  }
}
