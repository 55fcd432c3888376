import { describe, expect, it } from 'vitest';
import { Outputs } from '../../../src/actors/runtime/outputs.js';
import type { OutputSpec } from '../../../src/actors/runtime/protocol.js';
import { OutLink } from '../../../src/actors/transfer/out-link.js';

const spec = (targets: string[]): OutputSpec => ({ channel: 'default', routing: { type: 'all' }, targets });

function outputs(specs: OutputSpec[], state?: ReturnType<Outputs['state']>) {
  const links = new Map<string, OutLink>();
  const linkFor = (t: string): OutLink => {
    let l = links.get(t);
    if (l === undefined) links.set(t, (l = new OutLink(t, () => undefined)));
    return l;
  };
  return { out: new Outputs('up.0', 10, linkFor, specs, state), links };
}

describe('Outputs', () => {
  it('ensures a checkpoint after a restart does not wait for targets that left the destinations', () => {
    const first = outputs([spec(['oe.0', 'oe.1', 'oe.2'])]);
    for (let i = 0; i < 5; i++) first.out.emit({ n: i }, 'default');
    first.out.flush();
    expect(first.out.sealed()).toEqual({ 'oe.0': 1, 'oe.1': 1, 'oe.2': 1 });
    first.out.reconfigure([spec(['oe.0', 'oe.1'])]);
    first.out.emit({ n: 9 }, 'default');
    first.out.flush();
    // Within the run, oe.2's link still exists and its batch must be acknowledged.
    expect(first.out.sealed()).toEqual({ 'oe.0': 2, 'oe.1': 2, 'oe.2': 1 });

    // Restarted from a checkpoint whose specs no longer name oe.2: nothing is required of it …
    const second = outputs([spec(['oe.0', 'oe.1'])], first.out.state());
    expect(second.out.sealed()).toEqual({ 'oe.0': 2, 'oe.1': 2 });
    expect(second.links.has('oe.2')).toBe(false);
    // … but its sequence is kept: when it comes back it resumes above what it saw.
    second.out.reconfigure([spec(['oe.0', 'oe.1', 'oe.2'])]);
    second.out.emit({ n: 10 }, 'default');
    second.out.flush();
    expect(second.out.sealed()).toEqual({ 'oe.0': 3, 'oe.1': 3, 'oe.2': 2 });
    expect(second.links.get('oe.2')?.lastSealed).toBe(2);
  });
});
