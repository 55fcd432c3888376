/**
 * Per peer, the requests seen lately: for each 16-bit sequence number, when it last arrived and the
 * fingerprint of its content. A request whose sequence number and fingerprint were seen within the
 * window is a retransmission and is not emitted again. Dense arrays indexed by sequence number: at
 * most 65,536 entries per peer whatever the rate, 16 bytes each.
 *
 * Deterministic: times are the receipt times written in the input log, never the clock.
 *
 * Each entry also carries the count of changes (`ops`) when it was last set, so a snapshot can hold
 * only what changed after a given point (a base the handler keeps in a file, see state-bases.ts):
 * a full window is up to 1.2 MB per peer, too much to write into every checkpoint.
 */
const SEQ_SPACE = 65_536;

class Peer {
  readonly at = new Float64Array(SEQ_SPACE);
  readonly fp = new BigUint64Array(SEQ_SPACE);
  /** `ops` of the window when the entry was last set (0: restored from a base). */
  readonly ver = new Float64Array(SEQ_SPACE);
  live = 0;
}

/** One peer's remembered requests: parallel arrays (u16 sequence, f64 time, u64 fingerprint). */
export interface PeerEntry {
  readonly address: string;
  readonly seq: Uint8Array;
  readonly at: Uint8Array;
  readonly fp: Uint8Array;
}

export interface PeerWindowSnapshot {
  readonly peers: readonly PeerEntry[];
}

export class PeerWindow {
  readonly #peers = new Map<string, Peer>();
  #ops = 0;

  constructor(private readonly windowMs: number) {}

  /**
   * Records a request; true when the same request (sequence and fingerprint) was recorded within the
   * window before `atMs` (a retransmission).
   */
  seen(address: string, seq: number, fingerprint: bigint, atMs: number): boolean {
    let p = this.#peers.get(address);
    if (p === undefined) {
      p = new Peer();
      this.#peers.set(address, p);
    }
    const prev = p.at[seq] as number;
    if (prev > 0 && atMs - prev <= this.windowMs && p.fp[seq] === fingerprint) return true;
    if (prev === 0) p.live++;
    p.at[seq] = atMs > 0 ? atMs : Number.MIN_VALUE;
    p.fp[seq] = fingerprint;
    p.ver[seq] = ++this.#ops;
    return false;
  }

  /** Changes so far: a snapshot `since` this many holds only the entries set after. */
  get ops(): number {
    return this.#ops;
  }

  /** Number of remembered requests (for memory estimates and tests). */
  size(): number {
    let n = 0;
    for (const p of this.#peers.values()) n += p.live;
    return n;
  }

  /**
   * Remembered requests still inside the window as of `nowMs` (older ones are left out), only those
   * set after change `since` (default: all).
   */
  snapshot(nowMs: number, since = -1): PeerWindowSnapshot {
    const peers: PeerEntry[] = [];
    for (const address of this.#peers.keys()) {
      const e = this.peerSnapshot(address, nowMs, since);
      if (e !== undefined) peers.push(e);
    }
    return { peers };
  }

  /** The peers with a window, in the order `snapshot` lists them. */
  addresses(): string[] {
    return [...this.#peers.keys()];
  }

  /**
   * `snapshot` of one peer (undefined: it has nothing to list). Two passes over the typed arrays
   * (count, then copy) so a snapshot allocates only its own typed arrays: it runs in the actor's
   * event loop at every checkpoint and must not feed the garbage collector.
   */
  peerSnapshot(address: string, nowMs: number, since = -1): PeerEntry | undefined {
    const p = this.#peers.get(address);
    if (p === undefined) return undefined;
    const oldest = nowMs - this.windowMs;
    const { at, ver } = p;
    let n = 0;
    for (let s = 0; s < SEQ_SPACE; s++) {
      const t = at[s] as number;
      if (t > 0 && t >= oldest && (ver[s] as number) > since) n++;
    }
    if (n === 0) return undefined;
    const seq = new Uint16Array(n);
    const times = new Float64Array(n);
    const fp = new BigUint64Array(n);
    // Fingerprints are copied as 32-bit halves: reading a BigUint64Array element allocates a BigInt.
    const from = new Uint32Array(p.fp.buffer);
    const to = new Uint32Array(fp.buffer);
    for (let s = 0, i = 0; s < SEQ_SPACE; s++) {
      const t = at[s] as number;
      if (!(t > 0 && t >= oldest && (ver[s] as number) > since)) continue;
      seq[i] = s;
      times[i] = t;
      to[2 * i] = from[2 * s] as number;
      to[2 * i + 1] = from[2 * s + 1] as number;
      i++;
    }
    return { address, seq: bytes(seq), at: bytes(times), fp: bytes(fp) };
  }

  /**
   * The window of `base` (a full snapshot) updated with `changes` (a snapshot of what was set after
   * it), counting on from `ops`: entries of `changes` count as set at `ops`, those of `base` at 0.
   */
  static restore(
    windowMs: number,
    changes: PeerWindowSnapshot | undefined,
    base?: PeerWindowSnapshot,
    ops = 0,
  ): PeerWindow {
    const w = new PeerWindow(windowMs);
    if (base !== undefined) w.#apply(base, 0);
    if (changes !== undefined) w.#apply(changes, ops);
    w.#ops = ops;
    return w;
  }

  #apply(snap: PeerWindowSnapshot, ver: number): void {
    for (const e of snap.peers) {
      const seq = new Uint16Array(copy(e.seq).buffer);
      const at = new Float64Array(copy(e.at).buffer);
      const fp = new BigUint64Array(copy(e.fp).buffer);
      if (at.length !== seq.length || fp.length !== seq.length) {
        throw new Error(`GTP' peer window of ${e.address}: arrays of different lengths in the snapshot`);
      }
      let p = this.#peers.get(e.address);
      if (p === undefined) {
        p = new Peer();
        this.#peers.set(e.address, p);
      }
      for (let i = 0; i < seq.length; i++) {
        const s = seq[i] as number;
        if ((p.at[s] as number) === 0) p.live++;
        p.at[s] = at[i] as number;
        p.fp[s] = fp[i] as bigint;
        p.ver[s] = ver;
      }
    }
  }
}

function bytes(a: Uint16Array | Float64Array | BigUint64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** An aligned private copy (snapshot buffers may sit at any offset of a larger buffer). */
function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}
