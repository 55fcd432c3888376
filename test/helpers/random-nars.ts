/**
 * Seeded random flat NARs for the tests that compare two ways of writing the same records (the
 * record packer against msgpackr, CSV rows from packed batches against NAR objects): a few random
 * shapes per batch over a fixed set of attribute names, values of every NAR type.
 */
import type { AttributeValue, Nar } from '../../src/protocols/nar/nar.js';

/** Integers at every MessagePack size boundary (and around 0x40..0x7f, which read as record ids). */
export const BOUNDARY_INTEGERS: readonly number[] = [
  0,
  1,
  9,
  10,
  0x1f,
  0x20,
  0x3f,
  0x40,
  0x41,
  0x7f,
  0x80,
  0xff,
  0x100,
  0xffff,
  0x10000,
  0x7fffffff,
  0xffffffff,
  0x100000000,
  Number.MAX_SAFE_INTEGER,
  -1,
  -0x20,
  -0x21,
  -0x80,
  -0x81,
  -0x8000,
  -0x8001,
  -0x80000000,
  -0x80000001,
  -Number.MAX_SAFE_INTEGER,
];

export const RANDOM_NAR_NAMES: readonly string[] = [
  'imsi',
  'msisdn',
  'chargingId',
  'apn',
  'uplinkBytes',
  'ok',
  'ratio',
  'n',
  'zone',
  'x',
];

/** One value: a string of up to `maxString` characters (a tenth of them any UTF-16 unit), or a number, bigint, boolean or null. */
export function randomNarValue(random: () => number, maxString: number): AttributeValue {
  const int = (n: number): number => Math.floor(random() * n);
  switch (int(7)) {
    case 0:
      return Array.from({ length: int(maxString) }, () =>
        String.fromCharCode(random() < 0.9 ? 32 + int(95) : int(0x10000)),
      ).join('');
    case 1:
      return BOUNDARY_INTEGERS[int(BOUNDARY_INTEGERS.length)] as number;
    case 2:
      return (random() - 0.5) * 10 ** int(25);
    case 3: {
      // Below and past 2^53, up to 2^62: within int64 either sign.
      const magnitude = BigInt(int(2 ** 31)) * BigInt(int(2 ** ([1, 22, 31][int(3)] as number)));
      return random() < 0.5 ? -magnitude : magnitude;
    }
    case 4:
      return random() < 0.5;
    case 5:
      return null;
    default:
      return int(2 ** 32) - 2 ** 31;
  }
}

/** Up to 39 records in 1..5 random shapes (random subsets of the names, in random orders). */
export function randomNarBatch(random: () => number, maxString: number): Nar[] {
  const int = (n: number): number => Math.floor(random() * n);
  const shapes = Array.from({ length: 1 + int(5) }, () =>
    RANDOM_NAR_NAMES.filter(() => random() < 0.6).sort(() => random() - 0.5),
  );
  return Array.from({ length: int(40) }, () => {
    const r: Nar = {};
    for (const k of shapes[int(shapes.length)] as string[]) r[k] = randomNarValue(random, maxString);
    return r;
  });
}
