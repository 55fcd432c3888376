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
 *
 * Writing a base never holds the event loop for long: it is written piece by piece (one peer's
 * window, or about `PIECE_BYTES` of held CDRs, per piece), each piece packed and written in a turn
 * of its own. The held packets are the ones held when the base was due (the list is taken at once;
 * packets never change). A peer's window is taken when its piece is written, so it may hold entries
 * set after the base's change count: restoring applies the checkpoint's changes since that count
 * on top, which set those entries again to the same or a later value, so the result is the same.
 *
 * File format: version 3 (written) is a sequence of MessagePack values: a header
 * `{ version, ops, heldOps, peers, packets }`, then one value per peer with entries, then arrays of
 * held packets, `packets` of them in all. Versions 1 (window only) and 2 (one value holding window
 * and packets) are still read.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { packValue, unpackValues } from '../../../../protocols/nar/batch.js';
import { fsyncDir, writeAll } from '../../../durability/fs-util.js';
import type { HeldPacket, HeldPackets, HeldSnapshot } from './held.js';
import type { PeerEntry, PeerWindow, PeerWindowSnapshot } from './peer-window.js';

export const WINDOW_DIR = 'gtpp-window';
const SUFFIX = '.pwb';
const MAX_PENDING_REFS = 10_000;
/** CDR bytes of held packets packed and written in one turn of the event loop. */
const PIECE_BYTES = 1 << 20;

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

/** The first (in versions 1 and 2 the only) value of a base file. */
type BaseHeader =
  | { readonly version: 1; readonly ops: number; readonly window: PeerWindowSnapshot }
  | {
      readonly version: 2;
      readonly ops: number;
      readonly heldOps: number;
      readonly window: PeerWindowSnapshot;
      readonly held: HeldSnapshot;
    }
  | {
      readonly version: 3;
      readonly ops: number;
      readonly heldOps: number;
      /** Values of one peer's entries that follow. */
      readonly peers: number;
      /** Held packets in the arrays after them. */
      readonly packets: number;
    };

/** When a base is due: the window holds this many entries, or the packets held this many CDR bytes. */
export interface StateBaseLimits {
  readonly windowEntries: number;
  readonly heldBytes: number;
  /** CDR bytes of held packets written per event-loop turn (default PIECE_BYTES). */
  readonly pieceBytes?: number;
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
      const base = readBase(readFileSync(file));
      if (base.ops !== ref.ops || base.heldOps !== ref.heldOps) {
        throw new Error(
          `expected changes ${ref.ops}/${ref.heldOps ?? '-'}, got ${base.ops}/${base.heldOps ?? '-'}`,
        );
      }
      this.#current = ref;
      this.#onDisk.add(ref.id);
      return { window: base.window, held: base.held };
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
    const packets = held.snapshot().packets;
    const peers = window.addresses();
    const file = this.#file(id);
    const tmp = `${file}.tmp`;
    this.#writing = (async () => {
      try {
        mkdirSync(this.#dir, { recursive: true });
        const fh = await open(tmp, 'w');
        try {
          let pos = 0;
          const put = async (value: unknown): Promise<void> => {
            const bytes = packValue(value);
            await writeAll(fh, [bytes], pos);
            pos += bytes.length;
          };
          const entries: PeerEntry[] = [];
          for (const address of peers) {
            const e = window.peerSnapshot(address, nowMs);
            if (e !== undefined) entries.push(e);
            await nextTurn();
          }
          const header: BaseHeader = {
            version: 3,
            ops,
            heldOps,
            peers: entries.length,
            packets: packets.length,
          };
          await put(header);
          for (const e of entries) await put(e);
          for (const piece of pieces(packets, this.limits.pieceBytes ?? PIECE_BYTES)) await put(piece);
          await fh.datasync();
        } finally {
          await fh.close();
        }
        renameSync(tmp, file);
        await fsyncDir(this.#dir);
        this.#onDisk.add(id);
        this.#current = { id, ops, heldOps };
      } catch (err) {
        rmSync(tmp, { force: true });
        this.onError(err, `GTP' state base ${file} could not be written; checkpoints keep the previous base`);
      } finally {
        this.#writing = undefined;
      }
    })();
  }
}

/** Held packets in runs of about `size` CDR bytes (a packet is never split). */
function* pieces(packets: readonly HeldPacket[], size: number): Generator<HeldPacket[]> {
  let piece: HeldPacket[] = [];
  let bytes = 0;
  for (const p of packets) {
    piece.push(p);
    for (const r of p.records) bytes += r.byteLength;
    if (bytes < size) continue;
    yield piece;
    piece = [];
    bytes = 0;
  }
  if (piece.length > 0) yield piece;
}

/** A base file of any version → its change counts and content (throws when it is not whole). */
function readBase(bytes: Uint8Array): {
  readonly ops: number;
  readonly heldOps: number | undefined;
  readonly window: PeerWindowSnapshot;
  readonly held: HeldSnapshot | undefined;
} {
  const values = unpackValues(bytes);
  const header = values[0] as BaseHeader | undefined;
  const version = header?.version;
  if (header === undefined || (version !== 3 && values.length !== 1)) {
    throw new Error(
      `expected one value of version 1 or 2, or a version 3 sequence; got ${values.length} values`,
    );
  }
  switch (header.version) {
    case 1:
      return { ops: header.ops, heldOps: undefined, window: header.window, held: undefined };
    case 2:
      return { ops: header.ops, heldOps: header.heldOps, window: header.window, held: header.held };
    case 3: {
      const peers = values.slice(1, 1 + header.peers) as PeerEntry[];
      const packets = (values.slice(1 + header.peers) as HeldPacket[][]).flat();
      if (peers.length !== header.peers || packets.length !== header.packets) {
        throw new Error(
          `version 3 base cut: expected ${header.peers} peers and ${header.packets} packets, got ${peers.length} and ${packets.length}`,
        );
      }
      return { ops: header.ops, heldOps: header.heldOps, window: { peers }, held: { packets } };
    }
    default:
      throw new Error(`unknown base version ${String(version)}`);
  }
}
