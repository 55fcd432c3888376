import { describe, expect, it } from 'vitest';
import { Outputs } from '../../../src/actors/runtime/outputs.js';
import type { OutputSpec } from '../../../src/actors/runtime/protocol.js';
import { OutLink } from '../../../src/actors/transfer/out-link.js';
import type { RoutingSpec } from '../../../src/actors/routing/types.js';
import { decodeBatch } from '../../../src/protocols/nar/batch.js';
import { MsgpackWriter } from '../../../src/protocols/nar/msgpack-writer.js';
import type { Nar } from '../../../src/protocols/nar/nar.js';
import { PackedNar } from '../../../src/protocols/nar/packed-nar.js';

/** A link that keeps the records of every batch sealed for it. */
class Capture extends OutLink {
  readonly records: Nar[] = [];
  override send(sequence: number, bytes: Uint8Array): void {
    this.records.push(...decodeBatch(bytes).records);
  }
}

function packed(n: Nar): PackedNar {
  const w = new MsgpackWriter(64);
  for (const v of Object.values(n)) {
    if (typeof v === 'string') w.string(v);
    else w.number(v as number);
  }
  return new PackedNar(Object.keys(n), w.buf.slice(0, w.pos), 0, w.pos);
}

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

  it('ensures packed records route as their NAR objects do, by the attributes each router reads', () => {
    const records: Nar[] = Array.from({ length: 200 }, (_, i) => ({
      recordType: 'pGWRecord',
      chargingId: 1000 + i,
      ggsnAddress: `10.0.${i % 7}.1`,
      apn: i % 3 === 0 ? 'ims' : 'internet',
      ...(i % 5 === 0 ? {} : { imsi: `26201${i}` }),
    }));
    const routings: RoutingSpec[] = [
      { type: 'session', attributes: ['chargingId', 'ggsnAddress'], keyGroups: 64, virtualNodes: 16 },
      { type: 'hash', attribute: 'imsi' },
      { type: 'equals', attribute: 'apn', channels: [['ims'], ['internet'], ['web']], unmatched: 'drop' },
      { type: 'round-robin' },
    ];
    for (const routing of routings) {
      const delivered = (emit: (n: Nar) => Nar | PackedNar): Nar[][] => {
        const links = new Map<string, Capture>();
        const linkFor = (t: string): OutLink => {
          let l = links.get(t);
          if (l === undefined) links.set(t, (l = new Capture(t, () => undefined)));
          return l;
        };
        const out = new Outputs(
          'up.0',
          10,
          linkFor,
          [{ channel: 'default', routing, targets: ['a.0', 'a.1', 'a.2'] }],
          undefined,
        );
        for (const r of records) expect(out.emit(emit(r), 'default')).toBe('sent');
        out.flush();
        return ['a.0', 'a.1', 'a.2'].map((t) => links.get(t)?.records ?? []);
      };
      const plain = delivered((n) => n);
      expect(delivered(packed), routing.type).toEqual(plain);
      expect(plain.filter((t) => t.length > 0).length, routing.type).toBeGreaterThan(1);
    }
  });
});
