/**
 * Per peer, the requests seen lately: for each 16-bit sequence number, when it last arrived and the
 * fingerprint of its content. A request whose sequence number and fingerprint were seen within the
 * window is a retransmission and is not emitted again.
 *
 * Storage: per peer, the sequence space in 256 pages of 256 entries (24 bytes each: time,
 * fingerprint, change count), a page allocated when one of its sequence numbers is first seen and
 * dropped once everything in it is older than the window (a peer left without pages is forgotten).
 * A GSN's sequence numbers advance, so a peer costs about its requests within the window: a GSN at
 * 10 requests/s and the default 10-minute window holds 24 pages (150 KB), a very busy one all 256
 * (1.6 MB); one that went quiet, nothing.
 *
 * Sequence numbers wrap: a GSN at 500 requests/s uses each of them again after about 2 minutes,
 * well inside the default window, and a Release or Cancel naming the same packet number can then
 * repeat one from before byte for byte. So an entry also ends when the peer's sequence numbers have
 * moved half their space past it: recording sequence number s forgets s + 32768 (and, when the peer
 * skipped numbers, every one it passed over on that side). A retransmission comes within a few
 * requests of the original, never half the space later.
 *
 * Deterministic: times are the receipt times written in the input log, never the clock. Pages are
 * dropped only when a snapshot is taken (or `prune` is called, by a window that is never
 * snapshotted: the ingest's), and only pages whose every entry has expired, which `seen` would
 * treat as new anyway.
 *
 * Each entry also carries the count of changes (`ops`) when it was last set, so a snapshot can hold
 * only what changed after a given point (a base the handler keeps in a file, see state-bases.ts);
 * each page keeps its latest change count and latest time, so such a snapshot reads only the pages
 * changed since, and expired pages are found without reading their entries.
 */
const PAGE_BITS = 8;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
const PAGES = 65_536 / PAGE_SIZE;

class Page {
  readonly at = new Float64Array(PAGE_SIZE);
  readonly fp = new BigUint64Array(PAGE_SIZE);
  /** `ops` of the window when the entry was last set (0: restored from a base). */
  readonly ver = new Float64Array(PAGE_SIZE);
  /** Entries set. */
  live = 0;
  /** Latest `ver` and latest time of its entries. */
  maxVer = 0;
  newest = 0;
}

const HALF = 0x8000;
const SEQ_MASK = 0xffff;

class Peer {
  readonly pages: Array<Page | undefined> = new Array<Page | undefined>(PAGES).fill(undefined);
  live = 0;
  pageCount = 0;
  /** The sequence number furthest ahead recorded (-1: none yet). */
  latest = -1;

  page(seq: number): Page {
    const g = seq >> PAGE_BITS;
    let page = this.pages[g];
    if (page === undefined) {
      page = new Page();
      this.pages[g] = page;
      this.pageCount++;
    }
    return page;
  }

  set(seq: number, at: number, fp: bigint, ver: number): void {
    const page = this.page(seq);
    const i = seq & PAGE_MASK;
    if ((page.at[i] as number) === 0) {
      page.live++;
      this.live++;
    }
    page.at[i] = at;
    page.fp[i] = fp;
    page.ver[i] = ver;
    if (ver > page.maxVer) page.maxVer = ver;
    if (at > page.newest) page.newest = at;
  }

  /**
   * `seq` is recorded: forgets the entry half the space ahead of it and, when `seq` is ahead of
   * `latest` (by less than half the space), those half the space ahead of the numbers it moved over.
   * A cleared entry keeps `ver`, so a snapshot since a base carries the removal.
   */
  advance(seq: number, ver: number): void {
    const from = this.latest;
    const d = from < 0 ? 1 : (seq - from) & SEQ_MASK;
    const ahead = d > 0 && d < HALF;
    if (ahead) this.latest = seq;
    const passed = ahead ? d : 1;
    for (let k = 0; k < passed; k++) this.clear((seq - k + HALF) & SEQ_MASK, ver);
  }

  clear(seq: number, ver: number): void {
    const page = this.pages[seq >> PAGE_BITS];
    const i = seq & PAGE_MASK;
    if (page === undefined || (page.at[i] as number) === 0) return;
    page.at[i] = 0;
    page.ver[i] = ver;
    if (ver > page.maxVer) page.maxVer = ver;
    page.live--;
    this.live--;
  }

  /** Drops the pages whose every entry is older than `oldest`. */
  prune(oldest: number): void {
    for (let g = 0; g < PAGES; g++) {
      const page = this.pages[g];
      if (page === undefined || page.newest >= oldest) continue;
      this.pages[g] = undefined;
      this.pageCount--;
      this.live -= page.live;
    }
  }
}

/**
 * One peer's remembered requests: parallel arrays (u16 sequence, f64 time, u64 fingerprint). In a
 * snapshot of the changes since a base, time 0 is an entry forgotten since.
 */
export interface PeerEntry {
  readonly address: string;
  readonly seq: Uint8Array;
  readonly at: Uint8Array;
  readonly fp: Uint8Array;
  /** The sequence number furthest ahead recorded (absent in snapshots written before it was kept). */
  readonly latest?: number;
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
    if (this.has(address, seq, fingerprint, atMs)) return true;
    this.set(address, seq, fingerprint, atMs);
    return false;
  }

  /** Whether the same request (sequence and fingerprint) was recorded within the window before `atMs`. */
  has(address: string, seq: number, fingerprint: bigint, atMs: number): boolean {
    const page = this.#peers.get(address)?.pages[seq >> PAGE_BITS];
    if (page === undefined) return false;
    const i = seq & PAGE_MASK;
    const prev = page.at[i] as number;
    return prev > 0 && atMs - prev <= this.windowMs && page.fp[i] === fingerprint;
  }

  /** Records a request (whatever was recorded for its sequence number before). */
  set(address: string, seq: number, fingerprint: bigint, atMs: number): void {
    let p = this.#peers.get(address);
    if (p === undefined) {
      p = new Peer();
      this.#peers.set(address, p);
    }
    const ver = ++this.#ops;
    p.advance(seq, ver);
    p.set(seq, atMs > 0 ? atMs : Number.MIN_VALUE, fingerprint, ver);
  }

  /**
   * Forgets a recorded request: its sequence number is new again. For a window that is never
   * snapshotted (the ingest's): a snapshot since a base would not carry the removal.
   */
  unset(address: string, seq: number): void {
    const p = this.#peers.get(address);
    const page = p?.pages[seq >> PAGE_BITS];
    if (p === undefined || page === undefined) return;
    const i = seq & PAGE_MASK;
    if ((page.at[i] as number) === 0) return;
    page.at[i] = 0;
    page.live--;
    p.live--;
  }

  /** Forgets a peer's requests (it restarted: its sequence numbers start again). */
  forget(address: string): void {
    this.#peers.delete(address);
  }

  /** Drops the pages wholly older than the window at `nowMs`, and the peers left without pages. */
  prune(nowMs: number): void {
    for (const [address, p] of this.#peers) this.#prunePeer(address, p, nowMs - this.windowMs);
  }

  /** Drops the peer's pages wholly older than `oldest`; false when none is left (the peer is forgotten). */
  #prunePeer(address: string, p: Peer, oldest: number): boolean {
    p.prune(oldest);
    if (p.pageCount > 0) return true;
    this.#peers.delete(address);
    return false;
  }

  /** Peers with requests recorded. */
  get peers(): number {
    return this.#peers.size;
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

  /** Pages allocated, all peers together (each 6 KB). */
  pages(): number {
    let n = 0;
    for (const p of this.#peers.values()) n += p.pageCount;
    return n;
  }

  /**
   * Remembered requests still inside the window as of `nowMs` (older ones are left out), only those
   * set after change `since` (default: all). Pages that expired entirely are dropped on the way.
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
   * `snapshot` of one peer (undefined: it has nothing to list). Two passes over the pages changed
   * since `since` (count, then copy) so a snapshot allocates only its own typed arrays: it runs in
   * the actor's event loop at every checkpoint and must not feed the garbage collector.
   */
  peerSnapshot(address: string, nowMs: number, since = -1): PeerEntry | undefined {
    const p = this.#peers.get(address);
    if (p === undefined) return undefined;
    const oldest = nowMs - this.windowMs;
    if (!this.#prunePeer(address, p, oldest)) return undefined;
    const wanted = (page: Page | undefined): page is Page => page !== undefined && page.maxVer > since;
    // Since a base: entries forgotten after it too (time 0), so a restore removes them from the base.
    const listed = (t: number, ver: number): boolean => ver > since && (t > 0 ? t >= oldest : since >= 0);
    let n = 0;
    for (const page of p.pages) {
      if (!wanted(page)) continue;
      for (let i = 0; i < PAGE_SIZE; i++) if (listed(page.at[i] as number, page.ver[i] as number)) n++;
    }
    if (n === 0) return undefined;
    const seq = new Uint16Array(n);
    const times = new Float64Array(n);
    const fp = new BigUint64Array(n);
    // Fingerprints are copied as 32-bit halves: reading a BigUint64Array element allocates a BigInt.
    const to = new Uint32Array(fp.buffer);
    let k = 0;
    for (let g = 0; g < PAGES; g++) {
      const page = p.pages[g];
      if (!wanted(page)) continue;
      const from = new Uint32Array(page.fp.buffer);
      for (let i = 0; i < PAGE_SIZE; i++) {
        const t = page.at[i] as number;
        if (!listed(t, page.ver[i] as number)) continue;
        seq[k] = (g << PAGE_BITS) | i;
        times[k] = t;
        to[2 * k] = from[2 * i] as number;
        to[2 * k + 1] = from[2 * i + 1] as number;
        k++;
      }
    }
    return { address, seq: bytes(seq), at: bytes(times), fp: bytes(fp), latest: p.latest };
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
        const t = at[i] as number;
        if (t === 0) p.clear(seq[i] as number, ver);
        else p.set(seq[i] as number, t, fp[i] as bigint, ver);
      }
      if (e.latest !== undefined && Number.isInteger(e.latest)) p.latest = e.latest;
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
