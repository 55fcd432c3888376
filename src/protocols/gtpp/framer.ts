/**
 * Cuts a GTP' TCP byte stream into whole messages. Messages that lie inside one chunk are returned
 * as subarrays of it (no copy; the caller must not reuse the chunk's memory); a message spread over
 * chunks is gathered into one new buffer sized from its header. A header that cannot be GTP'
 * (version above 2, PT = 1) or announces a message above `maxMessageBytes` throws a DecodeError:
 * the stream cannot be resynchronised, so the connection should be closed. Whole messages that came
 * before the bad header in the same chunk are still returned; the error is thrown by the next `push`.
 */
import { DecodeError } from '../errors.js';
import { decodeHeader, headerSizeOf, LONG_HEADER_BYTES, SHORT_HEADER_BYTES } from './header.js';
import { resolveLimits } from './types.js';
import type { GtppLimits } from './types.js';

export class GtppStreamFramer {
  readonly #maxMessageBytes: number;
  /** Bytes of a header that arrived split across chunks. */
  readonly #head = new Uint8Array(LONG_HEADER_BYTES);
  #headFill = 0;
  /** The message being gathered across chunks, once its size is known. */
  #message: Uint8Array | undefined;
  #messageFill = 0;
  /** Offset in the stream of the message being framed, for error offsets. */
  #streamOffset = 0;
  /** Set once the stream is unusable; every later push throws it. */
  #failed: DecodeError | undefined;

  constructor(limits?: Partial<GtppLimits>) {
    this.#maxMessageBytes = resolveLimits(limits).maxMessageBytes;
  }

  /** Octets held while waiting for the rest of a message. */
  get buffered(): number {
    return this.#headFill + (this.#message === undefined ? 0 : this.#messageFill);
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failed !== undefined) throw this.#failed;
    const out: Uint8Array[] = [];
    let pos = 0;
    try {
      while (pos < chunk.length) {
        if (this.#message !== undefined) {
          pos = this.#fillMessage(chunk, pos, out);
        } else if (this.#headFill > 0) {
          pos = this.#fillHead(chunk, pos, out);
        } else {
          pos = this.#frameAt(chunk, pos, out);
        }
      }
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.#failed = err;
      this.#headFill = 0;
      this.#message = undefined;
      this.#messageFill = 0;
      if (out.length === 0) throw err;
    }
    return out;
  }

  /** Total size of the message whose complete header is at buf[at]; checks the limit. */
  #sizeOf(buf: Uint8Array, at: number): number {
    const h = decodeHeader(buf, at);
    const total = (h.longHeader ? LONG_HEADER_BYTES : SHORT_HEADER_BYTES) + h.length;
    if (total > this.#maxMessageBytes) {
      throw new DecodeError(
        'gtpp',
        'message_too_large',
        `header announces ${total} octets, limit ${this.#maxMessageBytes}`,
        this.#streamOffset,
        {
          bytes: total,
          limit: this.#maxMessageBytes,
        },
      );
    }
    return total;
  }

  /** A message starts at chunk[pos]: return it in place when whole, else start gathering. */
  #frameAt(chunk: Uint8Array, pos: number, out: Uint8Array[]): number {
    const avail = chunk.length - pos;
    const headerBytes = headerSizeOf(chunk[pos] as number, this.#streamOffset);
    if (avail < headerBytes) {
      this.#head.set(chunk.subarray(pos), 0);
      this.#headFill = avail;
      return chunk.length;
    }
    const total = this.#sizeOf(chunk, pos);
    if (avail >= total) {
      out.push(chunk.subarray(pos, pos + total));
      this.#streamOffset += total;
      return pos + total;
    }
    this.#message = new Uint8Array(total);
    this.#message.set(chunk.subarray(pos), 0);
    this.#messageFill = avail;
    return chunk.length;
  }

  /** Completes a header split across chunks, then gathers the message. */
  #fillHead(chunk: Uint8Array, pos: number, out: Uint8Array[]): number {
    const headerBytes = headerSizeOf(this.#head[0] as number, this.#streamOffset);
    const take = Math.min(headerBytes - this.#headFill, chunk.length - pos);
    this.#head.set(chunk.subarray(pos, pos + take), this.#headFill);
    this.#headFill += take;
    pos += take;
    if (this.#headFill < headerBytes) return pos;
    const head = this.#head.subarray(0, headerBytes);
    const total = this.#sizeOf(head, 0);
    const message = new Uint8Array(total);
    message.set(head, 0);
    this.#headFill = 0;
    this.#message = message;
    this.#messageFill = headerBytes;
    if (total === headerBytes) this.#emit(out);
    return pos;
  }

  #fillMessage(chunk: Uint8Array, pos: number, out: Uint8Array[]): number {
    const message = this.#message as Uint8Array;
    const take = Math.min(message.length - this.#messageFill, chunk.length - pos);
    message.set(chunk.subarray(pos, pos + take), this.#messageFill);
    this.#messageFill += take;
    if (this.#messageFill === message.length) this.#emit(out);
    return pos + take;
  }

  #emit(out: Uint8Array[]): void {
    const message = this.#message as Uint8Array;
    out.push(message);
    this.#streamOffset += message.length;
    this.#message = undefined;
    this.#messageFill = 0;
  }
}
