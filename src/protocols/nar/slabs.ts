/**
 * Room for many small byte strings in shared slabs rather than a buffer each: a fresh buffer of a
 * few hundred bytes to a few kilobytes costs microseconds (its own backing store, swept by the GC).
 * A slab lives as long as anything points into it. Room handed out is never handed out again, so
 * what is written there stays as written; nothing may transfer a slab's buffer.
 */
import { Buffer } from 'node:buffer';

export class Slabs {
  #slab: Buffer;
  #used = 0;

  constructor(readonly slabBytes = 256 << 10) {
    this.#slab = Buffer.allocUnsafeSlow(slabBytes);
  }

  /** Room for `n` bytes: the buffer and where in it (a buffer of its own past a quarter slab). */
  reserve(n: number): { readonly buf: Buffer; readonly at: number } {
    if (n > this.slabBytes >> 2) return { buf: Buffer.allocUnsafeSlow(n), at: 0 };
    if (this.#used + n > this.slabBytes) {
      this.#slab = Buffer.allocUnsafeSlow(this.slabBytes);
      this.#used = 0;
    }
    const at = this.#used;
    this.#used += n;
    return { buf: this.#slab, at };
  }
}
