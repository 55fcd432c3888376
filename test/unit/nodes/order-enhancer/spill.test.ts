import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pack } from '../../../../src/actors/nodes/oe/processed.js';
import {
  keyHashes,
  SpillSegment,
  writeSegment,
  type SpillEntry,
} from '../../../../src/actors/nodes/oe/spill-segment.js';
import { fullKeyOf } from '../../../../src/actors/nodes/oe/spill.js';
import { OrderEnhancerStateError } from '../../../../src/actors/nodes/oe/snapshot.js';
import { prng } from '../../../helpers/narflow-process.js';
import { seedFromEnv } from './workload.js';

const SEED = seedFromEnv();
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'narflow-spill-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const SECOND = 1_800_000_000;

function entries(n: number, salt = ''): SpillEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const second = SECOND + (i % 100);
    return {
      fullKey: fullKeyOf(i % 3 === 0 ? 'sgsnPDPRecord' : 'pGWRecord', `${i}${salt}\u000110.0.${i % 7}.1`),
      group: i % 64,
      packed: pack(second, i % 5 === 0),
      second,
    };
  });
}

describe('spill segments', () => {
  it('ensures every entry written is found with its value, and keys not written are not', () => {
    const written = entries(4999);
    const file = join(dir, '1.nps');
    writeSegment(file, written);
    const seg = SpillSegment.open(1, file);
    try {
      expect(seg.count).toBe(4999);
      for (const e of written) expect(seg.lookup(e.fullKey, keyHashes(e.fullKey)), e.fullKey).toBe(e.packed);
      let falsePositiveReads = 0;
      for (const e of entries(5000, 'x')) expect(seg.lookup(e.fullKey, keyHashes(e.fullKey))).toBeUndefined();
      // The filter keeps most misses off the disk (about 1% get through to a block read).
      const misses = entries(20_000, 'y').map((e) => e.fullKey);
      for (const k of misses) if (seg.mayHold(keyHashes(k))) falsePositiveReads++;
      expect(falsePositiveReads / misses.length).toBeLessThan(0.03);
      expect([...seg.groups.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, g) => g));
      expect(seg.groups.get(0)).toBe(SECOND + 96); // latest stamp of group 0 (i = 4992)
      expect([...seg.entries()].map((e) => e.fullKey)).toEqual(written.map((e) => e.fullKey).sort());
      // An empty segment is valid too.
      writeSegment(join(dir, '2.nps'), []);
      const empty = SpillSegment.open(2, join(dir, '2.nps'));
      expect(empty.lookup('a', keyHashes('a'))).toBeUndefined();
      empty.close();
    } finally {
      seg.close();
    }
  });

  it(`ensures a damaged or missing segment file is refused as invalid_snapshot, never read as other entries (seed ${SEED})`, () => {
    const written = entries(600);
    const file = join(dir, '1.nps');
    writeSegment(file, written);
    const good = readFileSync(file);
    const rnd = prng(SEED);
    const probe = (bytes: Uint8Array): void => {
      writeFileSync(file, bytes);
      let seg: SpillSegment | undefined;
      try {
        seg = SpillSegment.open(1, file);
        for (const e of written) {
          const v = seg.lookup(e.fullKey, keyHashes(e.fullKey));
          // Damage the lookup did not run into must not change what it finds.
          if (v !== undefined) expect(v).toBe(e.packed);
        }
        throw new Error('the damage was not detected');
      } catch (err) {
        expect(err, String(err)).toBeInstanceOf(OrderEnhancerStateError);
        expect((err as OrderEnhancerStateError).code).toBe('invalid_snapshot');
      } finally {
        seg?.close();
      }
    };
    for (let i = 0; i < 200; i++) {
      const bytes = new Uint8Array(good);
      const at = Math.floor(rnd() * bytes.length);
      bytes[at] = (bytes[at] as number) ^ (1 + Math.floor(rnd() * 255));
      probe(bytes);
    }
    for (let i = 0; i < 50; i++) probe(new Uint8Array(good.subarray(0, Math.floor(rnd() * good.length))));
    rmSync(file);
    expect(() => SpillSegment.open(1, file)).toThrow(/cannot be opened .*the checkpoint names it/);
  });
});
