/**
 * Seeded property: a mutated TS 32.297 file either decodes to a header and CDRs that encode back to
 * the same bytes, or is a DecodeError; nothing else is thrown.
 */
import { describe, expect, it } from 'vitest';
import { decodeCdrFile, encodeCdrFile } from '../../src/protocols/cdr/file.js';
import { DecodeError } from '../../src/protocols/errors.js';
import { prng } from '../helpers/narflow-process.js';
import { vector } from '../helpers/vectors.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const SEEDS = [vector('cdr-file/two-cdrs-rel15.hex')];

/** Octets a mutation likes: length fields and the release identifier 7 are where the branches are. */
const INTERESTING = [0x00, 0x01, 0x02, 0x05, 0x07, 0x3a, 0xe0, 0xe2, 0xff];

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b = Array.from(src);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(b.length + 1);
    switch (pick(6)) {
      case 0:
        b[at] = pick(256);
        break;
      case 1:
        b[at] = INTERESTING[pick(INTERESTING.length)] as number;
        break;
      case 2:
        b = b.slice(0, at);
        break;
      case 3:
        b.splice(at, pick(8));
        break;
      case 4:
        b.splice(at, 0, ...Array.from({ length: 1 + pick(6) }, () => pick(256)));
        break;
      default: {
        // Keep the file length field right so the decoder gets past it more often.
        const n = b.length;
        b.splice(0, 4, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
      }
    }
  }
  return Uint8Array.from(b);
}

describe(`cdr-file fuzz (seed ${SEED})`, () => {
  it('ensures mutated files decode to values that re-encode byte for byte, or fail with DecodeError only', () => {
    const rnd = prng(SEED);
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(SEEDS[i % SEEDS.length] as Uint8Array, rnd);
      let file: ReturnType<typeof decodeCdrFile>;
      try {
        file = decodeCdrFile(input, { maxCdrs: 1000 });
      } catch (err) {
        if (!(err instanceof DecodeError)) {
          throw new Error(`seed ${SEED} input ${Buffer.from(input).toString('hex')}: ${String(err)}`, {
            cause: err,
          });
        }
        continue;
      }
      decoded++;
      expect(
        Buffer.from(encodeCdrFile(file.header, file.cdrs)).toString('hex'),
        `seed ${SEED} input ${Buffer.from(input).toString('hex')}`,
      ).toBe(Buffer.from(input).toString('hex'));
    }
    expect(decoded, `seed ${SEED}: some mutations must still decode`).toBeGreaterThan(0);
  });
});
