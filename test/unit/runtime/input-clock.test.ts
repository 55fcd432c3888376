/**
 * An actor fed by others takes their time: the earliest time up to which every producer has sent
 * all its data. Producers stamp batches with their data time and send it alone when nothing waits
 * on the link; time never needs credit and never overtakes a batch queued before it.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Watermarks } from '../../../src/actors/durability/watermarks.js';
import type { LinkToConsumer, LinkToProducer } from '../../../src/actors/runtime/protocol.js';
import { InLinks } from '../../../src/actors/transfer/in-links.js';
import { InputClock } from '../../../src/actors/transfer/input-clock.js';
import { OutLink } from '../../../src/actors/transfer/out-link.js';
import { OutLinks } from '../../../src/actors/transfer/out-links.js';

describe('input clock', () => {
  it('ensures the time is the earliest of the producers, and unknown until each has reported', () => {
    const c = new InputClock(['ep.0', 'ep.1', 'ep.0']);
    expect(c.producers).toEqual(['ep.0', 'ep.1']);
    expect(c.now()).toBeUndefined();
    expect(c.report('ep.0', 5000)).toBe(true);
    expect(c.now()).toBeUndefined();
    c.report('ep.1', 3000);
    expect(c.now()).toBe(3000);
    c.report('ep.1', 9000);
    expect(c.now()).toBe(5000);
    expect(c.laggards()).toEqual(['ep.0']);
  });

  it('ensures the producers holding the time back are named: those not heard from, and those at the earliest time', () => {
    const c = new InputClock(['a.0', 'b.0', 'c.0']);
    c.report('a.0', 1000);
    expect(c.laggards()).toEqual(['b.0', 'c.0']);
    c.report('b.0', 1000);
    c.report('c.0', 4000);
    expect(c.laggards()).toEqual(['a.0', 'b.0']);
  });

  it('ensures a producer replaying older time (after its restart) does not move the time back', () => {
    const c = new InputClock(['ep.0']);
    c.report('ep.0', 8000);
    expect(c.report('ep.0', 2000)).toBe(false);
    expect(c.now()).toBe(8000);
  });

  it('ensures a producer that left the plan stops holding the time, and a new one holds it until it reports', () => {
    const c = new InputClock(['a.0', 'b.0']);
    c.report('a.0', 7000);
    c.report('b.0', 1000);
    c.setProducers(['a.0']);
    expect(c.now()).toBe(7000);
    c.setProducers(['a.0', 'c.0']);
    expect(c.now()).toBeUndefined();
    c.report('c.0', 7500);
    expect(c.now()).toBe(7000);
  });

  it('ensures an actor with no producer has no input time (it takes the wall clock)', () => {
    expect(new InputClock([]).now()).toBeUndefined();
  });
});

/** Messages arriving at the consumer end of a link, in order. */
function consumerEnd(port: MessagePort): { got: LinkToConsumer[]; credit: (n: number) => void } {
  const got: LinkToConsumer[] = [];
  port.on('message', (m: LinkToConsumer) => got.push(m));
  return { got, credit: (batches) => port.postMessage({ type: 'credit', batches } satisfies LinkToProducer) };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('data time on links', () => {
  it('ensures batches carry the data time they were sealed at, and time alone follows them once nothing is queued', async () => {
    const links = new OutLinks(() => undefined);
    const link = links.get('oe.0');
    const { port1, port2 } = new MessageChannel();
    const consumer = consumerEnd(port2);
    link.connect(port1);
    links.time(1000);
    link.send(1, new Uint8Array([1]));
    links.time(2000);
    link.send(2, new Uint8Array([2]));
    links.time(3000);
    await settle();
    // No credit yet: only the time from before the first batch; later time must not overtake the
    // queued batches.
    expect(consumer.got).toEqual([{ type: 'time', upTo: 1000 }]);
    consumer.credit(1);
    await settle();
    expect(consumer.got.slice(1).map((m) => [m.type, m.upTo])).toEqual([['batch', 1000]]);
    consumer.credit(5);
    await settle();
    expect(consumer.got.slice(1).map((m) => [m.type, m.upTo])).toEqual([
      ['batch', 1000],
      ['batch', 2000],
      ['time', 3000],
    ]);
    // Time that did not move is not sent again; time that moved is, without credit.
    links.time(3000);
    links.time(4000);
    await settle();
    expect(consumer.got.slice(4).map((m) => [m.type, m.upTo])).toEqual([['time', 4000]]);
    port1.close();
  });

  it('ensures a link made later starts from the actor’s data time, and a new port learns the time again', async () => {
    const links = new OutLinks(() => undefined);
    links.time(5000);
    const link: OutLink = links.get('late.0');
    const first = new MessageChannel();
    const a = consumerEnd(first.port2);
    link.connect(first.port1);
    links.time(6000);
    await settle();
    expect(a.got).toEqual([{ type: 'time', upTo: 6000 }]);
    // The consumer restarted: its new port learns the time with the next move.
    const second = new MessageChannel();
    const b = consumerEnd(second.port2);
    link.connect(second.port1);
    links.time(6500);
    await settle();
    expect(b.got).toEqual([{ type: 'time', upTo: 6500 }]);
    first.port1.close();
    second.port1.close();
  });

  it('ensures the consumer hears the time only after the batch it covers is appended', () => {
    const events: string[] = [];
    const log = {
      lastLsn: 0,
      append(): number {
        events.push('append');
        return ++this.lastLsn;
      },
    };
    const inLinks = new InLinks(
      log,
      new Watermarks(),
      4,
      () => undefined,
      (producer, upTo) => events.push(`time ${producer} ${upTo}`),
    );
    const { port1, port2 } = new MessageChannel();
    inLinks.connect('ep.0', port2);
    port1.postMessage({ type: 'batch', sequence: 1, bytes: new Uint8Array([1]), upTo: 700 });
    port1.postMessage({ type: 'time', upTo: 900 });
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(events).toEqual(['append', 'time ep.0 700', 'time ep.0 900']);
        inLinks.closeAll();
        port1.close();
        resolve();
      }, 20),
    );
  });
});
