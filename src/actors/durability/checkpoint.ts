/**
 * Atomic checkpoint store over one directory (bytes in, bytes out; the caller serialises).
 *
 *   file:  u8[4] magic "NFCP" | u16 version (1) | u16 reserved (0) | u32 payload length
 *          | u32 crc32 over the first 12 header bytes and the payload | payload      (big endian)
 *
 * save: write `checkpoint.tmp`, fsync it, rename `checkpoint` to `checkpoint.prev`, rename the temp
 * file to `checkpoint`, fsync the directory. A crash at any step leaves either the new checkpoint or
 * the previous one usable; a leftover `checkpoint.tmp` is never read (it was never committed).
 * load: `checkpoint`, or `checkpoint.prev` when the current one is missing or corrupt — which is
 * reported in `lastLoad` — or an error when neither is usable.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CheckpointCorruptError } from './errors.js';
import { fsyncDir, isErrno, writeFileDurably } from './fs-util.js';

export const CHECKPOINT_FILE = 'checkpoint';
export const CHECKPOINT_PREV_FILE = 'checkpoint.prev';
export const CHECKPOINT_TMP_FILE = 'checkpoint.tmp';

const MAGIC = [0x4e, 0x46, 0x43, 0x50] as const; // "NFCP"
const VERSION = 1;
const HEADER_BYTES = 16;

export type CheckpointSource = 'current' | 'previous' | 'none';

export interface CheckpointLoadReport {
  /** Which file the last load returned: none means no checkpoint exists (a first start). */
  readonly source: CheckpointSource;
  /** Why the current checkpoint was not used, when the previous one was. */
  readonly fallbackReason?: CheckpointCorruptError | 'missing';
}

export function encodeCheckpointFile(payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(MAGIC, 0);
  view.setUint16(4, VERSION);
  view.setUint16(6, 0);
  view.setUint32(8, payload.length);
  view.setUint32(12, crc32(payload, crc32(header.subarray(0, 12))));
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  out.set(header, 0);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** The payload of a checkpoint file, or CheckpointCorruptError. The result owns its ArrayBuffer. */
export function decodeCheckpointFile(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length < HEADER_BYTES) {
    throw new CheckpointCorruptError(
      'truncated',
      file,
      `${bytes.length} bytes; expected at least a ${HEADER_BYTES}-byte header`,
    );
  }
  if (MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new CheckpointCorruptError('bad_magic', file, 'expected magic "NFCP"');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4);
  if (version !== VERSION) {
    throw new CheckpointCorruptError(
      'unsupported_version',
      file,
      `expected version ${VERSION}, got ${version}`,
    );
  }
  const length = view.getUint32(8);
  if (length !== bytes.length - HEADER_BYTES) {
    throw new CheckpointCorruptError(
      'length_mismatch',
      file,
      `header says ${length} payload bytes; expected ${bytes.length - HEADER_BYTES}, the bytes present`,
    );
  }
  const payload = new Uint8Array(bytes.subarray(HEADER_BYTES));
  if (crc32(payload, crc32(bytes.subarray(0, 12))) !== view.getUint32(12)) {
    throw new CheckpointCorruptError('crc_mismatch', file, 'expected the stored CRC to match the contents');
  }
  return payload;
}

export class CheckpointStore {
  private report: CheckpointLoadReport | undefined;
  private ready: Promise<unknown> | undefined;

  constructor(readonly dir: string) {}

  /** What the most recent `load` returned and why; undefined before the first load. */
  get lastLoad(): CheckpointLoadReport | undefined {
    return this.report;
  }

  /** Durably replaces the checkpoint; resolves only once the new one survives a crash. */
  async save(bytes: Uint8Array): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    const tmp = join(this.dir, CHECKPOINT_TMP_FILE);
    await writeFileDurably(tmp, encodeCheckpointFile(bytes));
    try {
      await rename(join(this.dir, CHECKPOINT_FILE), join(this.dir, CHECKPOINT_PREV_FILE));
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    await rename(tmp, join(this.dir, CHECKPOINT_FILE));
    await fsyncDir(this.dir);
  }

  /** The last committed checkpoint, the previous one if the last is unusable, or undefined if none. */
  async load(): Promise<Uint8Array | undefined> {
    const current = await this.readChecked(CHECKPOINT_FILE);
    if (current instanceof Uint8Array) {
      this.report = { source: 'current' };
      return current;
    }
    const previous = await this.readChecked(CHECKPOINT_PREV_FILE);
    if (previous instanceof Uint8Array) {
      this.report = { source: 'previous', fallbackReason: current };
      return previous;
    }
    if (current === 'missing') {
      if (previous instanceof CheckpointCorruptError) throw previous;
      this.report = { source: 'none' };
      return undefined;
    }
    throw new CheckpointCorruptError(current.code, current.file, current.detail, previous);
  }

  private async readChecked(name: string): Promise<Uint8Array | CheckpointCorruptError | 'missing'> {
    const path = join(this.dir, name);
    let raw: Buffer;
    try {
      raw = await readFile(path);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return 'missing';
      throw err;
    }
    try {
      return decodeCheckpointFile(raw, path);
    } catch (err) {
      if (err instanceof CheckpointCorruptError) return err;
      throw err;
    }
  }
}
