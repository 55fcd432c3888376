import { describe, expect, it } from 'vitest';
import { Run } from './harness.js';
import { bySession, seedFromEnv, workload } from './workload.js';

const SEED = seedFromEnv();

describe.each(['packed', 'objects'] as const)('order enhancer on a random workload, input %s', (input) => {
  it(`ensures every original record comes out exactly once, in sequence order per session, every duplicate counted (seed ${SEED})`, () => {
    const w = workload(SEED, { sessions: 5000, duplicateRate: 0.05, window: 200 });
    const run = new Run();
    run.input = input;
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

describe('order enhancer input read in place', () => {
  it(`ensures batches read in place give exactly the output, duplicates and state of batches decoded into objects, across restarts (seed ${SEED})`, () => {
    const w = workload(SEED, { sessions: 2000, duplicateRate: 0.05, window: 200 });
    const runs = (['packed', 'objects'] as const).map((input) => {
      const run = new Run({ auditDuplicates: true });
      run.input = input;
      return run;
    });
    w.steps.forEach((step, i) => {
      for (const run of runs) {
        if (step.kind === 'tick') run.tick(step.at);
        else run.batch(...step.records);
        if (i % 97 === 96) run.restart();
      }
    });
    const [packed, objects] = runs as [Run, Run];
    expect(packed.out.emitted.length).toBeGreaterThan(0);
    expect(packed.out.emitted).toEqual(objects.out.emitted);
    expect(packed.out.channels).toEqual(objects.out.channels);
    expect(packed.duplicates).toEqual(objects.duplicates);
    expect(packed.audited.length).toBe(w.duplicates);
    expect(packed.snapshot()).toEqual(objects.snapshot());
  });
});
