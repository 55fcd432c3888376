/** Deterministic test inputs: mulberry32 (Tommy Ettinger's 32-bit generator) and helpers over it. */

export type Random = () => number;

/** A generator of floats in [0, 1) fully determined by `seed`. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: Random, below: number): number {
  return Math.floor(random() * below);
}

export function randomDigits(random: Random, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String(randomInt(random, 10));
  return s;
}

/** An IMSI-shaped string: MCC 262, MNC 01, 10 random digits. */
export function randomImsi(random: Random): string {
  return `26201${randomDigits(random, 10)}`;
}

/** A string mixing ASCII, 2-, 3- and 4-byte UTF-8 characters and lone surrogates. */
export function randomUnicode(random: Random, length: number): string {
  const pool = [
    0x41, 0x7a, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x3c0, 0x20ac, 0xfffd, 0xffff, 0xd800, 0xdbff, 0xdc00,
  ];
  let s = '';
  for (let i = 0; i < length; i++) {
    const pick = randomInt(random, pool.length + 2);
    if (pick === pool.length) s += String.fromCodePoint(0x10000 + randomInt(random, 0x100000));
    else if (pick === pool.length + 1) s += String.fromCharCode(randomInt(random, 0x10000));
    else s += String.fromCharCode(pool[pick] as number);
  }
  return s;
}

/** Counts per bucket. */
export function histogram(values: Iterable<number>, buckets: number): number[] {
  const counts = new Array<number>(buckets).fill(0);
  for (const v of values) counts[v] = (counts[v] as number) + 1;
  return counts;
}

export function maxOverMin(counts: readonly number[]): number {
  return Math.max(...counts) / Math.min(...counts);
}
