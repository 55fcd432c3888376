import { describe, expect, it } from 'vitest';
import { hashBytes, hashString, hashUint32 } from '../../../src/actors/routing/index.js';
import { mulberry32, randomInt, randomUnicode } from './prng.js';

/**
 * MurmurHash3_x86_32 verification values as published with the reference implementation's ports
 * (the set widely quoted from the SMHasher-checked C++ code, e.g. on Stack Overflow "MurmurHash3
 * test vectors"): input as UTF-8, seed, expected hash.
 */
const VECTORS: ReadonlyArray<readonly [string, number, number]> = [
  ['', 0, 0],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['\0\0\0\0', 0, 0x2362f9de],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['ab', 0x9747b28c, 0x74875592],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['abcd', 0x9747b28c, 0xf0478627],
  ['aa', 0x9747b28c, 0x5d211726],
  ['aaa', 0x9747b28c, 0x283e0130],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['abc', 0, 0xb3dd93fa],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
];

describe('MurmurHash3 x86_32', () => {
  it.each(VECTORS)('hashString(%j, seed %d) equals the published value', (input, seed, expected) => {
    expect(hashString(input, seed)).toBe(expected);
  });

  it.each(VECTORS)(
    'hashBytes of the UTF-8 of %j (seed %d) equals the published value',
    (input, seed, expected) => {
      expect(hashBytes(Buffer.from(input, 'utf8'), seed)).toBe(expected);
    },
  );

  it('hashString equals hashBytes over the UTF-8 encoding for mixed-width text and lone surrogates', () => {
    const random = mulberry32(0x5eed_0001);
    for (let i = 0; i < 2000; i++) {
      const s = randomUnicode(random, randomInt(random, 24));
      const seed = randomInt(random, 0x1_0000_0000);
      expect(hashString(s, seed), JSON.stringify(s)).toBe(hashBytes(Buffer.from(s, 'utf8'), seed));
    }
  });

  it('encodes a lone surrogate as U+FFFD, as UTF-8 encoders do', () => {
    expect(hashString('a\ud800b')).toBe(hashString('a\ufffdb'));
    expect(hashString('\udc00')).toBe(hashString('\ufffd'));
  });

  it('hashUint32 hashes the 4-byte little-endian encoding of the integer', () => {
    expect(hashUint32(0)).toBe(0x2362f9de);
    const random = mulberry32(0x5eed_0002);
    const bytes = new Uint8Array(4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < 500; i++) {
      const n = randomInt(random, 0x1_0000_0000);
      view.setUint32(0, n, true);
      expect(hashUint32(n)).toBe(hashBytes(bytes));
    }
  });

  it('returns unsigned 32-bit integers', () => {
    const random = mulberry32(0x5eed_0003);
    for (let i = 0; i < 500; i++) {
      const h = hashString(randomUnicode(random, 8));
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });
});
