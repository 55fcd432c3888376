import { describe, expect, it } from 'vitest';
import { Run } from './harness.js';
import { bySession, seedFromEnv, workload } from './workload.js';

const SEED = seedFromEnv();

describe('order enhancer on a random workload', () => {
  it(`ensures every original record comes out exactly once, in sequence order per session, every duplicate counted (seed ${SEED})`, () => {
    const w = workload(SEED, { sessions: 5000, duplicateRate: 0.05, window: 200 });
    const run = new Run();
    for (const step of w.steps) {
      if (step.kind === 'tick') run.tick(step.at);
      else run.batch(...step.records);
    }
    expect(run.handler.held()).toBe(0);
    const uids = run.emitted.map((r) => String(r['uid']));
    expect(uids.length).toBe(w.originals.length);
    expect(new Set(uids).size).toBe(uids.length);
    expect([...uids].sort()).toEqual([...w.originals].sort());
    for (const [session, list] of bySession(run.emitted)) {
      const seqs = list.map((uid) => Number(uid.split('/')[1]));
      expect(seqs, session).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(run.out.counts.duplicates).toBe(w.duplicates);
    expect(Object.values(run.duplicates).reduce((a, b) => a + b, 0)).toBe(w.duplicates);
    expect(run.duplicates['in_session_duplicate']).toBeGreaterThan(0);
    expect(run.duplicates['late_duplicate']).toBeGreaterThan(0);
    expect(run.duplicates['late_after_forced_close']).toBeUndefined();
    expect(run.emitted.some((r) => 'missingSequenceNumbers' in r)).toBe(false);
    expect(run.out.quarantined).toEqual([]);
    expect(run.out.alarms.size).toBe(0);
  });
});
