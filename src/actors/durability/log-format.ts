/**
 * On-disk format of input-log segments.
 *
 *   entry:  u32 payload length (big endian) | u32 crc32 over kind + payload | u8 kind | payload
 *
 * A segment is a sequence of entries with no segment header; its file name is the LSN of its first
 * entry, zero-padded to 20 digits (`00000000000000000001.seg`), so LSNs of a segment are implied by
 * its position in the sequence.
 */
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { readFully } from './fs-util.js';

export const ENTRY_HEADER_BYTES = 9;
/** Cap on one entry's payload, checked before any allocation when reading. */
export const MAX_ENTRY_PAYLOAD = 256 * 1024 * 1024;
const SEGMENT_NAME = /^(\d{20})\.seg$/;
const DEFAULT_CHUNK = 1024 * 1024;

/** A segment file and the LSN of its first entry. */
export interface SegmentRef {
  readonly firstLsn: number;
  readonly file: string;
}

export function segmentFileName(firstLsn: number): string {
  return `${String(firstLsn).padStart(20, '0')}.seg`;
}

/** First LSN of a segment file name, or undefined for a file that is not a segment. */
export function parseSegmentFileName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  if (m === null || m[1] === undefined) return undefined;
  const lsn = Number(m[1]);
  return Number.isSafeInteger(lsn) && lsn >= 1 ? lsn : undefined;
}

const kindScratch = new Uint8Array(1);

export function entryCrc(kind: number, payload: Uint8Array): number {
  kindScratch[0] = kind;
  return crc32(payload, crc32(kindScratch));
}

/** One entry as bytes ready to write; the payload is copied. */
export function encodeEntry(kind: number, payload: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(entryCrc(kind, payload), 4);
  out[8] = kind;
  out.set(payload, ENTRY_HEADER_BYTES);
  return out;
}

export type EntryDefect = 'truncated_header' | 'length_limit' | 'length_beyond_end' | 'crc_mismatch';

export type ScanStep =
  | {
      readonly type: 'entry';
      readonly offset: number;
      readonly kind: number;
      readonly length: number;
      /** Present when the payload was asked for; its CRC was checked. */
      readonly payload: Uint8Array | undefined;
    }
  | { readonly type: 'end'; readonly offset: number }
  | { readonly type: 'bad'; readonly offset: number; readonly defect: EntryDefect; readonly length: number };

/**
 * Sequential reader of one segment file through a read buffer. `next(false)` skips an entry by its
 * length header without reading its payload; `next(true)` returns a checked copy of the payload that
 * owns its ArrayBuffer. On a defect the offset stays at the defective entry.
 */
export class SegmentReader {
  private buf: Uint8Array;
  private bufStart = 0;
  private bufLen = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
    readonly size: number,
    public offset = 0,
    chunkBytes = DEFAULT_CHUNK,
  ) {
    this.buf = new Uint8Array(chunkBytes);
  }

  async next(withPayload: boolean): Promise<ScanStep> {
    const offset = this.offset;
    const left = this.size - offset;
    if (left === 0) return { type: 'end', offset };
    if (left < ENTRY_HEADER_BYTES) return { type: 'bad', offset, defect: 'truncated_header', length: 0 };
    const at = await this.fill(offset, ENTRY_HEADER_BYTES);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + at, ENTRY_HEADER_BYTES);
    const length = view.getUint32(0);
    const crc = view.getUint32(4);
    const kind = view.getUint8(8);
    if (length > MAX_ENTRY_PAYLOAD) return { type: 'bad', offset, defect: 'length_limit', length };
    if (length > left - ENTRY_HEADER_BYTES)
      return { type: 'bad', offset, defect: 'length_beyond_end', length };
    let payload: Uint8Array | undefined;
    if (withPayload) {
      payload = await this.copyOut(offset + ENTRY_HEADER_BYTES, length);
      if (entryCrc(kind, payload) !== crc) return { type: 'bad', offset, defect: 'crc_mismatch', length };
    }
    this.offset = offset + ENTRY_HEADER_BYTES + length;
    return { type: 'entry', offset, kind, length, payload };
  }

  private async copyOut(position: number, length: number): Promise<Uint8Array> {
    if (length > this.buf.length) {
      const own = new Uint8Array(length);
      await readFully(this.fh, own, length, position, this.file);
      return own;
    }
    const at = await this.fill(position, length);
    return this.buf.slice(at, at + length);
  }

  /** Makes bytes [position, position + n) available in the buffer; returns their index. */
  private async fill(position: number, n: number): Promise<number> {
    if (position >= this.bufStart && position + n <= this.bufStart + this.bufLen)
      return position - this.bufStart;
    const want = Math.min(this.buf.length, this.size - position);
    await readFully(this.fh, this.buf, want, position, this.file);
    this.bufStart = position;
    this.bufLen = want;
    return 0;
  }
}
