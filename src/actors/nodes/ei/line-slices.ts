/**
 * Reading a logged input file in slices of whole lines (CSV or fixed width). The file is immutable
 * once logged, so a slice is a pure function of (file, offset): the same on a replay, and safe to
 * read ahead.
 */
import { readSync } from 'node:fs';

/** Largest line read; a longer one is quarantined by its first bytes. */
export const READ_BYTES = 1 << 20;

export interface Slice {
  /** File offset of the first byte after the slice. */
  readonly end: number;
  /** Lines, without line terminators (a trailing CR is removed). */
  readonly texts: string[];
  /** Set when a line did not end within READ_BYTES: its first bytes; `end` is after its end. */
  readonly tooLong?: Uint8Array;
}

/** Offset just after the next line end at or after `from` (or `size`). */
function endOfLine(fd: number, buf: Buffer, from: number, size: number): number {
  let at = from;
  while (at < size) {
    const n = readSync(fd, buf, 0, Math.min(READ_BYTES, size - at), at);
    if (n === 0) return size;
    const nl = buf.indexOf(10);
    if (nl >= 0 && nl < n) return at + nl + 1;
    at += n;
  }
  return size;
}

/** Up to `maxLines` complete lines from `offset`; the last line of the file needs no terminator. */
export function readSlice(fd: number, buf: Buffer, offset: number, size: number, maxLines: number): Slice {
  const want = Math.min(READ_BYTES, size - offset);
  const n = want > 0 ? readSync(fd, buf, 0, want, offset) : 0;
  if (n === 0) return { end: size, texts: [] };
  const fileEnd = offset + n >= size || n < want;
  const texts: string[] = [];
  let pos = 0;
  while (texts.length < maxLines && pos < n) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0 || nl >= n) {
      if (!fileEnd) break;
      nl = n;
    }
    let end = nl;
    if (end > pos && buf[end - 1] === 13) end--;
    texts.push(buf.toString('utf8', pos, end));
    pos = Math.min(nl + 1, n);
  }
  if (pos === 0) {
    const tooLong = Uint8Array.from(buf.subarray(0, 256));
    return { end: endOfLine(fd, buf, offset + n, size), texts: [], tooLong };
  }
  return { end: offset + pos, texts };
}
