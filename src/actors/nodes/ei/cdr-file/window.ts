/**
 * Reads a TS 32.297 file piecewise: a window of the file is kept in one reused buffer, larger than
 * the largest CDR, and refilled from the next CDR's offset when that CDR does not fit in what is left.
 */
import { readSync } from 'node:fs';
import { cdrSpan, decodeCdrAt, MAX_CDR_BYTES, type CdrFileEntry } from '../../../../protocols/cdr/file.js';
import { DecodeError } from '../../../../protocols/errors.js';

/** The window: 1 MiB, at least one CDR of the largest size with its header. */
export const WINDOW_BYTES = Math.max(1 << 20, MAX_CDR_BYTES + 5);

/** One CDR, or what is left of a file whose last CDR is cut off (the rest of the file). */
export type WindowRead =
  { readonly entry: CdrFileEntry } | { readonly truncated: DecodeError; readonly rest: Uint8Array };

/** Reads exactly `length` octets at `position` into `buf` (the file must have them). */
export function readFully(fd: number, buf: Uint8Array, length: number, position: number): void {
  for (let got = 0; got < length;) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new Error(`file ended at ${position + got}, expected ${position + length} octets`);
    got += n;
  }
}

export class CdrWindow {
  readonly #buf = new Uint8Array(WINDOW_BYTES);
  /** File offset of #buf[0] and the number of valid octets. */
  #start = 0;
  #length = 0;
  #fd: number | undefined;

  /** Starts over on another file (the window is empty). */
  reset(fd: number | undefined): void {
    this.#fd = fd;
    this.#start = 0;
    this.#length = 0;
  }

  /**
   * The CDR whose header starts at file `offset` of a file of `size` octets (`offset` < `size`).
   * After a refill from `offset` the window holds the largest CDR or reaches the end of the file,
   * so a CDR that still does not fit is cut off by the end of the file.
   */
  read(offset: number, size: number): WindowRead {
    if (!this.#fits(offset)) this.#fill(offset, size);
    const rel = offset - this.#start;
    const view = this.#buf.subarray(0, this.#length);
    try {
      return { entry: decodeCdrAt(view, rel, this.#start) };
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      return { truncated: err, rest: view.subarray(rel) };
    }
  }

  #fits(offset: number): boolean {
    const rel = offset - this.#start;
    if (rel < 0 || rel >= this.#length) return false;
    const view = this.#buf.subarray(0, this.#length);
    const span = cdrSpan(view, rel);
    return span !== undefined && rel + span <= this.#length;
  }

  #fill(offset: number, size: number): void {
    if (this.#fd === undefined) throw new Error('no file to read');
    const length = Math.min(WINDOW_BYTES, size - offset);
    readFully(this.#fd, this.#buf, length, offset);
    this.#start = offset;
    this.#length = length;
  }
}
