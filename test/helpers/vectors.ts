/** Hex vector files under test/vectors: lines starting with '#' are provenance, the rest hex. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const VECTORS = join(import.meta.dirname, '../vectors');

export function vector(path: string): Uint8Array {
  const hex = readFileSync(join(VECTORS, path), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Every `.hex` vector directly in a folder under test/vectors, in file-name order. */
export function vectorsIn(folder: string): Uint8Array[] {
  return readdirSync(join(VECTORS, folder))
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((f) => vector(join(folder, f)));
}
