import { describe, expect, it } from 'vitest';
import { StormSwitch } from '../../../src/cluster/loadgen/send-loop.js';

describe('StormSwitch', () => {
  it('ensures the storm takes its peer down at its time and brings it back once its outage is over, once', () => {
    const events: string[] = [];
    const storm = new StormSwitch(
      { kind: 'storm', gsn: 1, atMs: 100, downMs: 50 },
      () => events.push('down'),
      (n) => events.push(`up@${n}`),
    );
    expect(storm.pending).toBe(true);
    for (const t of [0, 99, 100, 120, 149, 150, 151, 400]) {
      storm.step(t);
      if (t === 120) expect(storm.isDown).toBe(true);
    }
    expect(events).toEqual(['down', 'up@150']);
    expect(storm.isDown).toBe(false);
    expect(storm.pending).toBe(false);
  });

  it('ensures a shape other than storm never switches anything', () => {
    const events: string[] = [];
    const storm = new StormSwitch(
      { kind: 'constant' },
      () => events.push('down'),
      () => events.push('up'),
    );
    for (const t of [0, 1000, 100_000]) storm.step(t);
    expect(events).toEqual([]);
    expect(storm.pending).toBe(false);
  });
});
