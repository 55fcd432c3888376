/**
 * Byte mutations for the seeded fuzz tests of binary decoders: 1–4 edits per input, each one of the
 * common kinds (replace a byte, flip a bit, insert, delete a short run, truncate) or one of the
 * protocol's own `extra` edits (nudge a length field, set a header length to the size, …), which
 * is how a mutated input gets past the first length checks to the deeper code.
 */
export type Edit = (bytes: number[], at: number, rnd: () => number) => void;

const COMMON: readonly Edit[] = [
  (b, at, rnd) => {
    if (at < b.length) b[at] = Math.floor(rnd() * 256);
  },
  (b, at, rnd) => {
    if (at < b.length) b[at] = (b[at] as number) ^ (1 << Math.floor(rnd() * 8));
  },
  (b, at, rnd) => {
    b.splice(at, 0, Math.floor(rnd() * 256));
  },
  (b, at, rnd) => {
    b.splice(at, 1 + Math.floor(rnd() * 8));
  },
  (b, at) => {
    b.length = at;
  },
];

/** Nudges the octet at `at` by −2…+2 (a one-octet length, or the low octet of a longer one). */
export const nudgeOctet: Edit = (b, at, rnd) => {
  if (at < b.length) b[at] = ((b[at] as number) + Math.floor(rnd() * 5) - 2) & 0xff;
};

export function mutateBytes(rnd: () => number, input: Uint8Array, extra: readonly Edit[] = []): Uint8Array {
  const bytes = [...input];
  const edits = [...COMMON, ...extra];
  const n = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < n; e++) {
    const at = Math.floor(rnd() * (bytes.length + 1));
    (edits[Math.floor(rnd() * edits.length)] as Edit)(bytes, at, rnd);
  }
  return Uint8Array.from(bytes);
}
