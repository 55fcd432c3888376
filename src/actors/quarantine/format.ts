/**
 * On-disk format of quarantine files (`<actorId>.quarantine`) and of the replay log (`replayed.log`).
 *
 *   file:   u8[4] magic ("NQAR" or "NQRP") | u8 version (1) | u8[3] reserved (0)
 *           then frames until the end of the file
 *   frame:  u32 payload length (big endian) | u32 crc32 of the payload | payload (msgpack)
 *
 * A defect that reaches the end of the file (a short header, a length running past the end, a CRC
 * mismatch in the last frame) is a torn tail: the write that made it never completed, so it is
 * ignored by readers and cut off by the writer. Any other defect is corruption and raises an error.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { QuarantineCorruptError } from './errors.js';

export const QUARANTINE_SUFFIX = '.quarantine';
export const REPLAYED_FILE = 'replayed.log';

export function quarantineFile(dir: string, actorId: string): string {
  return join(dir, `${actorId}${QUARANTINE_SUFFIX}`);
}

export const FILE_HEADER_BYTES = 8;
export const FRAME_HEADER_BYTES = 8;
/** Cap on one frame's payload, checked before any allocation when reading. */
export const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;
export const QUARANTINE_MAGIC = 'NQAR';
export const REPLAYED_MAGIC = 'NQRP';
const VERSION = 1;
const CHUNK = 1024 * 1024;

export function fileHeader(magic: string): Uint8Array {
  const out = new Uint8Array(FILE_HEADER_BYTES);
  out.set(Buffer.from(magic, 'latin1'), 0);
  out[4] = VERSION;
  return out;
}

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export type TailDefect =
  'truncated_file_header' | 'truncated_frame_header' | 'length_beyond_end' | 'crc_mismatch';

export interface ScanResult {
  readonly size: number;
  /** Offset after the last whole frame (where the next frame belongs). */
  readonly end: number;
  /** Why the bytes from `end` to `size` were not read as a frame; undefined when `end === size`. */
  readonly torn: TailDefect | undefined;
}

/**
 * Reads every whole frame of `file` in order. `onFrame` receives a view that is valid only during
 * the call. Throws ENOENT when the file is missing and QuarantineCorruptError on corruption.
 */
export async function scanFrames(
  file: string,
  magic: string,
  onFrame: (payload: Uint8Array, offset: number) => void,
): Promise<ScanResult> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size < FILE_HEADER_BYTES) {
      return { size, end: 0, torn: size === 0 ? undefined : 'truncated_file_header' };
    }
    let buf = Buffer.allocUnsafe(Math.min(CHUNK, size));
    let bufStart = 0;
    let bufLen = 0;
    const view = async (offset: number, length: number): Promise<Uint8Array> => {
      if (offset < bufStart || offset + length > bufStart + bufLen) {
        if (buf.length < length) buf = Buffer.allocUnsafe(length);
        const want = Math.min(buf.length, size - offset);
        let got = 0;
        while (got < want) {
          const { bytesRead } = await fh.read(buf, got, want - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        if (got < length) {
          throw new QuarantineCorruptError(
            'shrank_while_reading',
            file,
            offset,
            `expected ${length} bytes at offset ${offset} of a ${size}-byte file, read ${got}`,
          );
        }
        bufStart = offset;
        bufLen = got;
      }
      return buf.subarray(offset - bufStart, offset - bufStart + length);
    };

    const head = await view(0, FILE_HEADER_BYTES);
    const found = Buffer.from(head.subarray(0, 4)).toString('latin1');
    if (found !== magic) {
      throw new QuarantineCorruptError('bad_magic', file, 0, `expected magic "${magic}", got "${found}"`);
    }
    if (head[4] !== VERSION) {
      throw new QuarantineCorruptError(
        'unsupported_version',
        file,
        4,
        `expected version ${VERSION}, got ${head[4]}`,
      );
    }
    let offset = FILE_HEADER_BYTES;
    while (offset < size) {
      if (size - offset < FRAME_HEADER_BYTES) return { size, end: offset, torn: 'truncated_frame_header' };
      const h = Buffer.from(await view(offset, FRAME_HEADER_BYTES));
      const length = h.readUInt32BE(0);
      const crc = h.readUInt32BE(4);
      const frameEnd = offset + FRAME_HEADER_BYTES + length;
      if (frameEnd > size) return { size, end: offset, torn: 'length_beyond_end' };
      if (length > MAX_FRAME_PAYLOAD) {
        throw new QuarantineCorruptError(
          'length_limit',
          file,
          offset,
          `frame of ${length} bytes exceeds ${MAX_FRAME_PAYLOAD}`,
        );
      }
      const payload = (await view(offset, FRAME_HEADER_BYTES + length)).subarray(FRAME_HEADER_BYTES);
      if (crc32(payload) !== crc) {
        if (frameEnd === size) return { size, end: offset, torn: 'crc_mismatch' };
        throw new QuarantineCorruptError(
          'crc_mismatch',
          file,
          offset,
          `frame of ${length} bytes fails its CRC`,
        );
      }
      onFrame(payload, offset);
      offset = frameEnd;
    }
    return { size, end: offset, torn: undefined };
  } finally {
    await fh.close();
  }
}

/** Position in an actor's input log and index of the quarantined item within that entry. */
export interface QuarantineKey {
  readonly position: number;
  readonly ordinal: number;
}

export function compareKeys(a: QuarantineKey, b: QuarantineKey): number {
  return a.position !== b.position ? a.position - b.position : a.ordinal - b.ordinal;
}
