/** Growing the typed arrays a load run indexes by message number. */

/** `a`, or a copy at least twice as long when index `i` is past its end. */
export function grownToHold<T extends Uint8Array | Uint16Array>(a: T, i: number, make: (n: number) => T): T {
  if (i < a.length) return a;
  const b = make(Math.max(i + 1, a.length * 2));
  b.set(a);
  return b;
}
