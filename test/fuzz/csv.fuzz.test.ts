/** Seeded property: any line either parses into fields that format back to an equivalent line, or is a DecodeError. */
import { describe, expect, it } from 'vitest';
import { formatCsvLine, parseCsvLine } from '../../src/protocols/csv/csv.js';
import { DecodeError } from '../../src/protocols/errors.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const ALPHABET = ['a', 'b', ',', '"', ' ', '\t', 'é', '1', ';'];

describe(`csv fuzz (seed ${SEED})`, () => {
  it('ensures random lines never throw anything but DecodeError and parsed fields survive a format/parse round trip', () => {
    const rnd = prng(SEED);
    for (let i = 0; i < 20_000; i++) {
      const len = Math.floor(rnd() * 24);
      let line = '';
      for (let j = 0; j < len; j++) line += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
      let fields: string[];
      try {
        fields = parseCsvLine(line, { delimiter: ',' });
      } catch (err) {
        if (!(err instanceof DecodeError)) {
          throw new Error(`seed ${SEED} line ${JSON.stringify(line)}: ${String(err)}`, { cause: err });
        }
        continue;
      }
      expect(
        parseCsvLine(formatCsvLine(fields), { delimiter: ',' }),
        `seed ${SEED} line ${JSON.stringify(line)}`,
      ).toEqual(fields);
    }
  });
});
