import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { QuarantineAppend } from '../../../src/actors/quarantine/entry.js';

/** A fresh quarantine directory per call, removed after each test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const d = await mkdtemp(join(tmpdir(), 'narflow-quarantine-'));
    made.push(d);
    return join(d, 'quarantine');
  };
}

/** An entry whose raw bytes and time derive from its key. */
export function entry(position: number, ordinal = 0, over: Partial<QuarantineAppend> = {}): QuarantineAppend {
  const raw = new Uint8Array(8 + ((position + ordinal) % 13));
  for (let i = 0; i < raw.length; i++) raw[i] = (position * 17 + ordinal * 5 + i) & 0xff;
  return {
    position,
    ordinal,
    node: 'ei-gtpp-1',
    source: '10.1.1.7:3386',
    reason: 'ber_truncated',
    raw,
    timeMs: 1_700_000_000_000 + position * 1000 + ordinal,
    ...over,
  };
}
