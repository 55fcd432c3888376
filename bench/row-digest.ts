/**
 * An order-free digest of CSV rows, read as a stream: how many rows, and the sum (mod 2^64) of each
 * row's XXH64. Two sets of files hold the same rows, in any order and with the same repeats, when
 * their digests are equal (but for a 2^-64 chance that two different ones collide): what a soak whose
 * ground truth is too large to hold in memory compares its outputs with. Each file's first line is
 * its header and is left out; so are empty lines.
 */
import { createReadStream } from 'node:fs';
import xxhash from 'xxhash-wasm';

const { h64Raw } = await xxhash();
const MASK = (1n << 64n) - 1n;
const NEWLINE = 10;

export interface RowDigest {
  readonly rows: number;
  readonly sum: bigint;
}

/** The digest of the rows of several digests together. */
export function sumDigests(digests: Iterable<RowDigest>): RowDigest {
  let rows = 0;
  let sum = 0n;
  for (const d of digests) {
    rows += d.rows;
    sum = (sum + d.sum) & MASK;
  }
  return { rows, sum };
}

export function sameRows(a: RowDigest, b: RowDigest): boolean {
  return a.rows === b.rows && a.sum === b.sum;
}

/** The digest of the data rows of `files` (each with a header line), read in chunks. */
export async function digestCsvFiles(files: readonly string[]): Promise<RowDigest> {
  let rows = 0;
  let sum = 0n;
  for (const file of files) {
    let header = true;
    let carry: Uint8Array = new Uint8Array(0);
    const take = (line: Uint8Array): void => {
      if (header) header = false;
      else if (line.length > 0) {
        rows++;
        sum = (sum + h64Raw(line)) & MASK;
      }
    };
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const buf = chunk as Buffer;
      let start = 0;
      for (let nl = buf.indexOf(NEWLINE); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
        const piece = buf.subarray(start, nl);
        if (carry.length > 0) {
          take(Buffer.concat([carry, piece]));
          carry = new Uint8Array(0);
        } else take(piece);
        start = nl + 1;
      }
      if (start < buf.length)
        carry =
          carry.length > 0 ? Buffer.concat([carry, buf.subarray(start)]) : Buffer.from(buf.subarray(start));
    }
    if (carry.length > 0) take(carry);
  }
  return { rows, sum };
}
