/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, public domain reference `MurmurHash3_x86_32`).
 * `hashString` hashes the UTF-8 encoding of a string without building it: it encodes code units on
 * the fly (lone surrogates become U+FFFD, as `TextEncoder` and `Buffer.from` do), so it allocates
 * nothing and equals `hashBytes(Buffer.from(s, 'utf8'))`.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function scramble(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixBlock(h: number, k: number): number {
  h ^= scramble(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of `bytes`; returns an unsigned 32-bit integer. */
export function hashBytes(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const length = bytes.length;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    h = mixBlock(h, k);
  }
  let k = 0;
  for (let i = length - 1; i >= blocks; i--) k = (k << 8) | (bytes[i] as number);
  if (length !== blocks) h ^= scramble(k);
  return finish(h, length);
}

/** MurmurHash3 x86_32 of the UTF-8 bytes of `s`; returns an unsigned 32-bit integer. */
export function hashString(s: string, seed = 0): number {
  let h = seed | 0;
  let k = 0; // block being filled
  let shift = 0; // bits of `k` already filled
  let length = 0; // UTF-8 bytes hashed
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      k |= c << shift;
      length++;
      shift += 8;
      if (shift === 32) {
        h = mixBlock(h, k);
        k = 0;
        shift = 0;
      }
      continue;
    }
    let bytes: number;
    let count: number;
    if (c < 0x800) {
      bytes = 0xc0 | (c >>> 6) | ((0x80 | (c & 0x3f)) << 8);
      count = 2;
    } else {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        bytes =
          0xf0 |
          (cp >>> 18) |
          ((0x80 | ((cp >>> 12) & 0x3f)) << 8) |
          ((0x80 | ((cp >>> 6) & 0x3f)) << 16) |
          ((0x80 | (cp & 0x3f)) << 24);
        count = 4;
      } else {
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        bytes = 0xe0 | (c >>> 12) | ((0x80 | ((c >>> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
        count = 3;
      }
    }
    length += count;
    for (let j = 0; j < count; j++) {
      k |= (bytes & 0xff) << shift;
      bytes >>>= 8;
      shift += 8;
      if (shift === 32) {
        h = mixBlock(h, k);
        k = 0;
        shift = 0;
      }
    }
  }
  if (shift !== 0) h ^= scramble(k);
  return finish(h, length);
}

/** MurmurHash3 x86_32 of the 4-byte little-endian encoding of an unsigned 32-bit integer. */
export function hashUint32(value: number, seed = 0): number {
  return finish(mixBlock(seed | 0, value | 0), 4);
}
