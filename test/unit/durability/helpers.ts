import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh directory under the OS temp dir per call, removed after each test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const d = await mkdtemp(join(tmpdir(), 'narflow-durability-'));
    made.push(d);
    return d;
  };
}

/** Deterministic payload for entry `n` with a length that varies by entry. */
export function payloadFor(n: number): Uint8Array {
  const out = new Uint8Array(20 + (n % 37));
  for (let i = 0; i < out.length; i += 1) out[i] = (n * 31 + i) & 0xff;
  return out;
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
