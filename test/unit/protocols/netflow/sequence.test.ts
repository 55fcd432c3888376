/** Sequence tracking: loss, reorder (late arrivals fill gaps), duplicates, wrap, restarts, resync, snapshot. */
import { describe, expect, it } from 'vitest';
import { SequenceTracker, type SequenceObservation } from '../../../../src/protocols/netflow/index.js';

const v9 = (sequence: number, over: Partial<SequenceObservation> = {}): SequenceObservation => ({
  version: 9,
  exporter: '192.0.2.1',
  observationDomainId: 0,
  sequence,
  count: 1,
  ...over,
});
const ipfix = (
  sequence: number,
  count: number,
  over: Partial<SequenceObservation> = {},
): SequenceObservation => ({
  version: 10,
  exporter: '192.0.2.1',
  observationDomainId: 5,
  sequence,
  count,
  ...over,
});

describe('SequenceTracker', () => {
  it('ensures in-order v9 packets lose nothing and a gap counts the missing packets', () => {
    const s = new SequenceTracker();
    expect(s.observe(v9(10)).outcome).toBe('first');
    expect(s.observe(v9(11)).outcome).toBe('in_order');
    expect(s.observe(v9(15))).toEqual({ outcome: 'gap', lostDelta: 3 });
    expect(s.stats(9, '192.0.2.1', 0)).toMatchObject({ received: 3, lost: 3 });
  });

  it('ensures a late packet inside a gap takes itself back off lost, and again is a duplicate', () => {
    const s = new SequenceTracker();
    s.observe(v9(1));
    s.observe(v9(5)); // 2, 3, 4 missing
    expect(s.observe(v9(3))).toEqual({ outcome: 'late', lostDelta: -1 });
    expect(s.observe(v9(3))).toEqual({ outcome: 'duplicate', lostDelta: 0 });
    expect(s.observe(v9(2)).outcome).toBe('late');
    expect(s.observe(v9(4)).outcome).toBe('late');
    expect(s.stats(9, '192.0.2.1', 0)).toMatchObject({ lost: 0, late: 3, duplicates: 1, received: 5 });
    expect(s.observe(v9(6)).outcome).toBe('in_order');
  });

  it('ensures IPFIX sequences advance by data records and a late message fills part of a gap', () => {
    const s = new SequenceTracker();
    s.observe(ipfix(0, 10));
    expect(s.observe(ipfix(10, 0)).outcome).toBe('in_order'); // templates only
    expect(s.observe(ipfix(30, 5))).toEqual({ outcome: 'gap', lostDelta: 20 });
    expect(s.observe(ipfix(10, 8))).toEqual({ outcome: 'late', lostDelta: -8 });
    expect(s.observe(ipfix(20, 10))).toEqual({ outcome: 'late', lostDelta: -10 });
    expect(s.stats(10, '192.0.2.1', 5)).toMatchObject({ lost: 2, received: 33 });
    expect(s.observe(ipfix(18, 0)).outcome).toBe('late');
  });

  it('ensures v5 flow sequences advance by the flows of a packet', () => {
    const s = new SequenceTracker();
    const v5 = (sequence: number, count: number): SequenceObservation => ({
      version: 5,
      exporter: 'r',
      observationDomainId: 0,
      sequence,
      count,
    });
    s.observe(v5(0, 30));
    expect(s.observe(v5(30, 30)).outcome).toBe('in_order');
    expect(s.observe(v5(90, 30))).toEqual({ outcome: 'gap', lostDelta: 30 });
  });

  it('ensures the 2^32 wrap is in order, not loss', () => {
    const s = new SequenceTracker();
    s.observe(ipfix(0xffff_fff0, 0x10));
    expect(s.observe(ipfix(0, 4)).outcome).toBe('in_order');
    expect(s.observe(ipfix(4, 1)).outcome).toBe('in_order');
    s.observe(v9(0xffff_ffff));
    expect(s.observe(v9(1))).toEqual({ outcome: 'gap', lostDelta: 1 });
  });

  it('ensures a big step back is an exporter restart, counted, and the stream starts over', () => {
    const s = new SequenceTracker({ reorderWindow: { 10: 100 } });
    s.observe(ipfix(50_000, 10));
    expect(s.observe(ipfix(0, 10)).outcome).toBe('restart');
    expect(s.observe(ipfix(10, 10)).outcome).toBe('in_order');
    expect(s.stats(10, '192.0.2.1', 5)).toMatchObject({ restarts: 1, lost: 0 });
  });

  it('ensures a v9 sysUptime going back far means restart even when the sequence looks like reorder', () => {
    const s = new SequenceTracker();
    s.observe(v9(20, { uptimeMs: 3_600_000 }));
    expect(s.observe(v9(3, { uptimeMs: 5_000 })).outcome).toBe('restart');
    // a packet reordered by milliseconds is not a restart
    s.observe(v9(5, { uptimeMs: 7_000 }));
    expect(s.observe(v9(4, { uptimeMs: 6_990 })).outcome).toBe('late');
    expect(s.observe(v9(6, { uptimeMs: 8_000 })).outcome).toBe('in_order');
  });

  it('ensures a message with an unknown record count makes the next one re-synchronise without loss', () => {
    const s = new SequenceTracker();
    s.observe(ipfix(0, 10));
    s.observe(ipfix(10, 3, { countKnown: false }));
    expect(s.observe(ipfix(40, 5))).toEqual({ outcome: 'resync', lostDelta: 0 });
    expect(s.observe(ipfix(45, 1)).outcome).toBe('in_order');
    expect(s.totals()).toMatchObject({ lost: 0, resyncs: 1 });
  });

  it('ensures gaps older than the reorder window are forgotten (a very late packet is a restart)', () => {
    const s = new SequenceTracker({ reorderWindow: { 9: 10 } });
    s.observe(v9(1));
    s.observe(v9(3)); // 2 missing
    s.observe(v9(20));
    expect(s.observe(v9(2)).outcome).toBe('restart');
  });

  it('ensures streams are per exporter and domain, and a snapshot restores them', () => {
    const s = new SequenceTracker();
    s.observe(v9(1));
    s.observe(v9(100, { exporter: 'other' }));
    s.observe(v9(5)); // gap of 3
    const r = SequenceTracker.restore(JSON.parse(JSON.stringify(s)));
    expect(r.snapshot()).toEqual(s.snapshot());
    expect(r.observe(v9(3))).toEqual({ outcome: 'late', lostDelta: -1 });
    expect(r.observe(v9(101, { exporter: 'other' })).outcome).toBe('in_order');
    expect(() => SequenceTracker.restore({ format: 2 })).toThrow(/bad_snapshot/);
    expect(() => SequenceTracker.restore({ format: 1, streams: [{ version: 7 }] })).toThrow(/bad_snapshot/);
  });

  it('ensures the number of streams is bounded', () => {
    const s = new SequenceTracker({ maxStreams: 2 });
    s.observe(v9(1, { exporter: 'a' }));
    s.observe(v9(1, { exporter: 'b' }));
    s.observe(v9(1, { exporter: 'c' }));
    expect(s.stats(9, 'a', 0)).toBeUndefined();
    expect(s.stats(9, 'c', 0)).toBeDefined();
  });
});
