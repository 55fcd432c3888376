/**
 * Per peer, the requests seen lately: for each 16-bit sequence number, when it last arrived and the
 * fingerprint of its content. A request whose sequence number and fingerprint were seen within the
 * window is a retransmission and is not emitted again. Dense arrays indexed by sequence number: at
 * most 65,536 entries per peer whatever the rate, 16 bytes each.
 *
 * Deterministic: times are the receipt times written in the input log, never the clock.
 */
const SEQ_SPACE = 65_536;

class Peer {
  readonly at = new Float64Array(SEQ_SPACE);
  readonly fp = new BigUint64Array(SEQ_SPACE);
  live = 0;
}

export interface PeerWindowSnapshot {
  readonly peers: ReadonlyArray<{
    readonly address: string;
    readonly seq: Uint8Array;
    readonly at: Uint8Array;
    readonly fp: Uint8Array;
  }>;
}

export class PeerWindow {
  readonly #peers = new Map<string, Peer>();

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
    return false;
  }

  /** Number of remembered requests (for memory estimates and tests). */
  size(): number {
    let n = 0;
    for (const p of this.#peers.values()) n += p.live;
    return n;
  }

  /**
   * Remembered requests still inside the window as of `nowMs` (older ones are left out). Two passes
   * over the typed arrays (count, then copy) so a snapshot allocates only its own typed arrays: it
   * runs in the actor's event loop every checkpoint and must not feed the garbage collector.
   */
  snapshot(nowMs: number): PeerWindowSnapshot {
    const peers = [];
    for (const [address, p] of this.#peers) {
      let n = 0;
      for (let s = 0; s < SEQ_SPACE; s++) if (this.#inside(p.at[s] as number, nowMs)) n++;
      if (n === 0) continue;
      const seq = new Uint16Array(n);
      const at = new Float64Array(n);
      const fp = new BigUint64Array(n);
      // Fingerprints are copied as 32-bit halves: reading a BigUint64Array element allocates a BigInt.
      const from = new Uint32Array(p.fp.buffer);
      const to = new Uint32Array(fp.buffer);
      for (let s = 0, i = 0; s < SEQ_SPACE; s++) {
        const t = p.at[s] as number;
        if (!this.#inside(t, nowMs)) continue;
        seq[i] = s;
        at[i] = t;
        to[2 * i] = from[2 * s] as number;
        to[2 * i + 1] = from[2 * s + 1] as number;
        i++;
      }
      peers.push({ address, seq: bytes(seq), at: bytes(at), fp: bytes(fp) });
    }
    return { peers };
  }

  #inside(at: number, nowMs: number): boolean {
    return at > 0 && nowMs - at <= this.windowMs;
  }

  static restore(windowMs: number, snap: PeerWindowSnapshot | undefined): PeerWindow {
    const w = new PeerWindow(windowMs);
    for (const e of snap?.peers ?? []) {
      const seq = new Uint16Array(copy(e.seq).buffer);
      const at = new Float64Array(copy(e.at).buffer);
      const fp = new BigUint64Array(copy(e.fp).buffer);
      if (at.length !== seq.length || fp.length !== seq.length) {
        throw new Error(`GTP' peer window of ${e.address}: arrays of different lengths in the snapshot`);
      }
      const p = new Peer();
      seq.forEach((s, i) => {
        p.at[s] = at[i] as number;
        p.fp[s] = fp[i] as bigint;
      });
      p.live = seq.length;
      w.#peers.set(e.address, p);
    }
    return w;
  }
}

function bytes(a: Uint16Array | Float64Array | BigUint64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** An aligned private copy (snapshot buffers may sit at any offset of a larger buffer). */
function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}
