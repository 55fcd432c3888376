/**
 * A spill segment: processed-session entries an order-enhancer actor moved out of memory, in one
 * immutable file. Entries are sorted by their full key (record type, U+0000, session key) and cut
 * into blocks; memory keeps only the footer: a Bloom filter over the full keys (10 bits an entry,
 * about 1% false positives), the first key and offset of each block, and the latest stamp per key
 * group (a segment is dead once every group's entries fell out of the window). A lookup that
 * passes the filter reads one block.
 *
 *   file:  block* | footer | trailer
 *   block: msgpack [keys: string[], packed: number[]]          (`packed`: see processed.ts)
 *   footer: msgpack { version: 1, count, firstKeys, offsets (count+1 block bounds), crcs,
 *                     groups: [keyGroup, latest second][], bloom: Uint8Array, hashes }
 *   trailer: u32 footer offset | u32 footer length | u32 crc32 of the footer | "NFSP"   (big endian)
 * Written to a temporary file, fsynced and renamed into place before any snapshot names it.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { packValue, unpackValue } from '../../../protocols/nar/batch.js';
import { hashString } from '../../routing/key-groups.js';
import { OrderEnhancerStateError } from './snapshot.js';

const MAGIC = 0x4e465350; // "NFSP"
const TRAILER_BYTES = 16;
const BLOCK_ENTRIES = 128;
const BITS_PER_ENTRY = 10;
const HASHES = 7;

/** Separates the record type from the session key in a full key. */
export const TYPE_SEPARATOR = '\u0000';

export interface SpillEntry {
  /** Record type, U+0000, session key. */
  readonly fullKey: string;
  readonly group: number;
  /** The processed-list value (stamp and forced bit). */
  readonly packed: number;
  /** The stamp, in seconds. */
  readonly second: number;
}

interface Footer {
  version: 1;
  count: number;
  firstKeys: string[];
  offsets: number[];
  crcs: number[];
  groups: Array<[number, number]>;
  bloom: Uint8Array;
  hashes: number;
}

/** The two base hashes of a full key, for the filter's double hashing. */
export function keyHashes(key: string): [number, number] {
  return [hashString(key, 0x9747b28c), hashString(key, 0x5bd1e995) | 1];
}

function bloomBit(h: readonly [number, number], i: number, bits: number): number {
  return ((h[0] + Math.imul(i, h[1])) >>> 0) % bits;
}

function corrupt(file: string, what: string): never {
  throw new OrderEnhancerStateError('invalid_snapshot', `order-enhancer spill segment ${file}: ${what}`);
}

/** Writes `entries` (any order) as the segment `file`, durably. */
export function writeSegment(file: string, entries: readonly SpillEntry[]): void {
  const sorted = [...entries].sort((x, y) => (x.fullKey < y.fullKey ? -1 : x.fullKey > y.fullKey ? 1 : 0));
  // Whole bytes: the reader takes the filter's size in bits from its length.
  const bloom = new Uint8Array(Math.ceil(Math.max(64, sorted.length * BITS_PER_ENTRY) / 8));
  const bits = bloom.length * 8;
  const groups = new Map<number, number>();
  const chunks: Uint8Array[] = [];
  const footer: Footer = {
    version: 1,
    count: sorted.length,
    firstKeys: [],
    offsets: [0],
    crcs: [],
    groups: [],
    bloom,
    hashes: HASHES,
  };
  let offset = 0;
  for (let i = 0; i < sorted.length; i += BLOCK_ENTRIES) {
    const block = sorted.slice(i, i + BLOCK_ENTRIES);
    const bytes = packValue([block.map((e) => e.fullKey), block.map((e) => e.packed)]);
    footer.firstKeys.push((block[0] as SpillEntry).fullKey);
    footer.crcs.push(crc32(bytes));
    offset += bytes.length;
    footer.offsets.push(offset);
    chunks.push(bytes);
  }
  for (const e of sorted) {
    const h = keyHashes(e.fullKey);
    for (let i = 0; i < HASHES; i++) {
      const bit = bloomBit(h, i, bits);
      bloom[bit >>> 3] = (bloom[bit >>> 3] as number) | (1 << (bit & 7));
    }
    const latest = groups.get(e.group);
    if (latest === undefined || e.second > latest) groups.set(e.group, e.second);
  }
  footer.groups = [...groups.entries()].sort((x, y) => x[0] - y[0]);
  const footerBytes = packValue(footer);
  const trailer = new Uint8Array(TRAILER_BYTES);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, offset);
  view.setUint32(4, footerBytes.length);
  view.setUint32(8, crc32(footerBytes));
  view.setUint32(12, MAGIC);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (const c of [...chunks, footerBytes, trailer]) {
      let done = 0;
      while (done < c.length) done += writeSync(fd, c, done, c.length - done);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function readAt(fd: number, file: string, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, length - got, offset + got);
    if (n === 0) corrupt(file, `ends at ${offset + got}, expected ${length - got} more bytes`);
    got += n;
  }
  return out;
}

/** An open segment: its footer in memory, its blocks read on demand. */
export class SpillSegment {
  readonly #fd: number;
  readonly #footer: Footer;
  readonly #bits: number;
  /** Key group → latest stamp (second) of its entries here. */
  readonly groups: ReadonlyMap<number, number>;

  private constructor(
    readonly id: number,
    readonly file: string,
    fd: number,
    footer: Footer,
  ) {
    this.#fd = fd;
    this.#footer = footer;
    this.#bits = footer.bloom.length * 8;
    this.groups = new Map(footer.groups);
  }

  get count(): number {
    return this.#footer.count;
  }

  static open(id: number, file: string): SpillSegment {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (err) {
      corrupt(file, `cannot be opened (${(err as Error).message}); the checkpoint names it`);
    }
    try {
      const size = fstatSync(fd).size;
      if (size < TRAILER_BYTES)
        corrupt(file, `${size} bytes, expected at least a ${TRAILER_BYTES}-byte trailer`);
      const view = new DataView(readAt(fd, file, size - TRAILER_BYTES, TRAILER_BYTES).buffer);
      if (view.getUint32(12) !== MAGIC) corrupt(file, 'expected the trailer magic "NFSP"');
      const at = view.getUint32(0);
      const length = view.getUint32(4);
      if (at + length + TRAILER_BYTES !== size) corrupt(file, 'expected the footer right before the trailer');
      const bytes = readAt(fd, file, at, length);
      if (crc32(bytes) !== view.getUint32(8)) corrupt(file, 'expected the footer CRC to match');
      const footer = unpackValue(bytes) as Footer;
      if (
        footer?.version !== 1 ||
        !Array.isArray(footer.firstKeys) ||
        footer.offsets?.length !== footer.firstKeys.length + 1 ||
        !(footer.bloom instanceof Uint8Array) ||
        !Array.isArray(footer.groups)
      ) {
        corrupt(file, 'expected a version 1 footer');
      }
      return new SpillSegment(id, file, fd, footer);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  close(): void {
    closeSync(this.#fd);
  }

  /** Whether the filter lets a full key whose `keyHashes` are `h` through to a block read. */
  mayHold(h: readonly [number, number]): boolean {
    const f = this.#footer;
    const bloom = f.bloom;
    for (let i = 0; i < f.hashes; i++) {
      const bit = bloomBit(h, i, this.#bits);
      if (((bloom[bit >>> 3] as number) & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  }

  /** The packed entry of `fullKey` (whose `keyHashes` are `h`), or undefined. */
  lookup(fullKey: string, h: readonly [number, number]): number | undefined {
    if (!this.mayHold(h)) return undefined;
    const f = this.#footer;
    // Last block whose first key is not after fullKey.
    let lo = 0;
    let hi = f.firstKeys.length - 1;
    if (hi < 0 || fullKey < (f.firstKeys[0] as string)) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((f.firstKeys[mid] as string) <= fullKey) lo = mid;
      else hi = mid - 1;
    }
    const [keys, packed] = this.#block(lo);
    let a = 0;
    let b = keys.length - 1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const k = keys[mid] as string;
      if (k === fullKey) return packed[mid];
      if (k < fullKey) a = mid + 1;
      else b = mid - 1;
    }
    return undefined;
  }

  /** Every entry, in key order (for moving key groups). */
  *entries(): Generator<{ fullKey: string; packed: number }> {
    for (let i = 0; i < this.#footer.firstKeys.length; i++) {
      const [keys, packed] = this.#block(i);
      for (let j = 0; j < keys.length; j++) yield { fullKey: keys[j] as string, packed: packed[j] as number };
    }
  }

  #block(i: number): [string[], number[]] {
    const f = this.#footer;
    const start = f.offsets[i] as number;
    const bytes = readAt(this.#fd, this.file, start, (f.offsets[i + 1] as number) - start);
    if (crc32(bytes) !== f.crcs[i]) corrupt(this.file, `expected block ${i}'s CRC to match`);
    const block = unpackValue(bytes) as [string[], number[]];
    if (!Array.isArray(block) || !Array.isArray(block[0]) || !Array.isArray(block[1])) {
      corrupt(this.file, `expected block ${i} to hold keys and entries`);
    }
    return block;
  }
}
