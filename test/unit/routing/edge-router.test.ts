import { describe, expect, it } from 'vitest';
import type { Nar } from '../../../src/protocols/nar/nar.js';
import {
  createRouter,
  hashBytes,
  HashRing,
  isSessionRouter,
  keyGroupMoves,
  ROUTE_ALL,
  ROUTE_NONE,
  RoutingError,
  sessionKey,
  type EqualsRouting,
  type SessionRouting,
} from '../../../src/actors/routing/index.js';
import { histogram, mulberry32, randomImsi, randomInt } from './prng.js';

const TARGETS = ['oe-1', 'oe-2', 'oe-3'];

describe('all and round-robin routing', () => {
  it('sends every record to every target', () => {
    const router = createRouter({ type: 'all' }, TARGETS);
    expect(router.route({ imsi: '1' })).toBe(ROUTE_ALL);
    expect(router.route({})).toBe(ROUTE_ALL);
    expect(router.state()).toBeNull();
  });

  it('cycles through the targets in order regardless of content', () => {
    const router = createRouter({ type: 'round-robin' }, TARGETS);
    const seen = Array.from({ length: 7 }, (_, i) => router.route({ n: i }));
    expect(seen).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('resumes from a restored state exactly where the checkpointed router stood', () => {
    const first = createRouter({ type: 'round-robin' }, TARGETS);
    first.route({});
    first.route({});
    const saved = first.state();
    expect(saved).toEqual({ type: 'round-robin', targets: 3, next: 2 });
    const expected = Array.from({ length: 5 }, () => first.route({}));
    const replay = createRouter({ type: 'round-robin' }, TARGETS);
    replay.restore(structuredClone(saved));
    expect(Array.from({ length: 5 }, () => replay.route({}))).toEqual(expected);
    replay.restore(undefined);
    expect(replay.route({})).toBe(0);
  });

  it('refuses a round-robin state taken over a different number of targets or malformed', () => {
    const router = createRouter({ type: 'round-robin' }, TARGETS);
    for (const bad of [
      { type: 'round-robin', targets: 4, next: 1 },
      { type: 'round-robin', targets: 3, next: 3 },
      { type: 'round-robin', targets: 3, next: -1 },
      { type: 'hash', targets: 3, next: 0 },
      7,
    ]) {
      expect(() => router.restore(bad)).toThrow(expect.objectContaining({ code: 'state_mismatch' }));
    }
  });

  it('refuses routing state for a stateless router', () => {
    const router = createRouter({ type: 'hash', attribute: 'imsi' }, TARGETS);
    router.restore(null);
    expect(() => router.restore({ type: 'round-robin', targets: 3, next: 0 })).toThrow(RoutingError);
  });

  it('rejects an edge without targets, duplicate targets and unknown routing types', () => {
    expect(() => createRouter({ type: 'all' }, [])).toThrow(expect.objectContaining({ code: 'no_targets' }));
    expect(() => createRouter({ type: 'all' }, ['a', 'a'])).toThrow(
      expect.objectContaining({ code: 'duplicate_target' }),
    );
    const unknown = JSON.parse('{"type":"random"}') as { type: 'all' };
    expect(() => createRouter(unknown, TARGETS)).toThrow(
      expect.objectContaining({ code: 'invalid_spec', message: expect.stringContaining('"random"') }),
    );
    expect(() => createRouter({ type: 'hash', attribute: '' }, TARGETS)).toThrow(RoutingError);
  });
});

describe('hash routing', () => {
  it('routes by the hash of the attribute text modulo the number of targets', () => {
    const router = createRouter({ type: 'hash', attribute: 'imsi' }, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    // 0xb3dd93fa is the published MurmurHash3 x86_32 of "abc"; 0 that of the empty string.
    expect(router.route({ imsi: 'abc' })).toBe(0xb3dd93fa % 7);
    expect(router.route({})).toBe(0);
    expect(router.route({ imsi: null })).toBe(0);
    expect(router.route({ chargingId: 5 })).toBe(router.route({}));
  });

  it('sends equal values of any representation to the same target, every time', () => {
    const router = createRouter({ type: 'hash', attribute: 'chargingId' }, TARGETS);
    const t = router.route({ chargingId: 123456 });
    expect(router.route({ chargingId: '123456' })).toBe(t);
    expect(router.route({ chargingId: 123456n })).toBe(t);
    expect(
      createRouter({ type: 'hash', attribute: 'chargingId' }, TARGETS).route({ chargingId: 123456 }),
    ).toBe(t);
  });

  it('spreads 100,000 random IMSIs over 8 targets within 5 standard deviations', () => {
    const router = createRouter(
      { type: 'hash', attribute: 'imsi' },
      Array.from({ length: 8 }, (_, i) => `a${i}`),
    );
    const random = mulberry32(0x5eed_0301);
    const counts = histogram(
      Array.from({ length: 100_000 }, () => router.route({ imsi: randomImsi(random) })),
      8,
    );
    const sd = Math.sqrt(100_000 * (1 / 8) * (7 / 8)); // binomial: 104.6
    for (const c of counts) expect(Math.abs(c - 12_500)).toBeLessThanOrEqual(5 * sd);
  });
});

describe('equals routing', () => {
  const spec: EqualsRouting = {
    type: 'equals',
    attribute: 'recordType',
    channels: [['pGWRecord', 'sGWRecord'], ['sgsnPDPRecord'], [5, 'radius-stop', '07']],
    unmatched: 'quarantine',
  };
  const router = createRouter(spec, TARGETS);

  it('routes each listed value to its channel', () => {
    expect(router.route({ recordType: 'pGWRecord' })).toBe(0);
    expect(router.route({ recordType: 'sGWRecord' })).toBe(0);
    expect(router.route({ recordType: 'sgsnPDPRecord' })).toBe(1);
    expect(router.route({ recordType: 'radius-stop' })).toBe(2);
  });

  it('matches numbers, bigints and strings by their decimal text', () => {
    expect(router.route({ recordType: 5 })).toBe(2);
    expect(router.route({ recordType: '5' })).toBe(2);
    expect(router.route({ recordType: 5n })).toBe(2);
    expect(router.route({ recordType: '07' })).toBe(2);
    expect(router.route({ recordType: 7 })).toBe(ROUTE_NONE);
    expect(router.route({ recordType: '5.0' })).toBe(ROUTE_NONE);
    const byString = createRouter({ ...spec, channels: [['1'], ['2'], ['3', 'true']] }, TARGETS);
    expect(byString.route({ recordType: 3 })).toBe(2);
    expect(byString.route({ recordType: 1 })).toBe(0);
    expect(byString.route({ recordType: true })).toBe(2);
  });

  it('returns ROUTE_NONE for an unlisted value, null or a missing attribute', () => {
    expect(router.route({ recordType: 'ggsnPDPRecord' })).toBe(ROUTE_NONE);
    expect(router.route({ recordType: null })).toBe(ROUTE_NONE);
    expect(router.route({})).toBe(ROUTE_NONE);
    expect(router.spec).toMatchObject({ unmatched: 'quarantine' });
  });

  it('rejects a channel count unlike the target count, empty channels and a value in two channels', () => {
    expect(() => createRouter({ ...spec, channels: [['a'], ['b']] }, TARGETS)).toThrow(
      expect.objectContaining({
        code: 'invalid_spec',
        message: expect.stringContaining('per target (3), got 2'),
      }),
    );
    expect(() => createRouter({ ...spec, channels: [['a'], [], ['c']] }, TARGETS)).toThrow(RoutingError);
    expect(() =>
      createRouter({ ...spec, channels: [['a'], ['b'], [5, 'x']], unmatched: 'drop' }, TARGETS),
    ).not.toThrow();
    expect(() => createRouter({ ...spec, channels: [['5'], ['b'], [5]] }, TARGETS)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('"5" in channels 0 and 2') }),
    );
    expect(() => createRouter({ ...spec, channels: [[Number.NaN], ['b'], ['c']] }, TARGETS)).toThrow(
      RoutingError,
    );
  });
});

describe('session routing', () => {
  const spec: SessionRouting = {
    type: 'session',
    attributes: ['imsi', 'chargingId'],
    keyGroups: 256,
    virtualNodes: 128,
  };
  const targets = ['oe-1', 'oe-2', 'oe-3', 'oe-4'];
  const router = createRouter(spec, targets);

  it('routes a record to the owner of its key group on the hash ring', () => {
    const ring = new HashRing(targets, 128);
    const random = mulberry32(0x5eed_0401);
    for (let i = 0; i < 1000; i++) {
      const record: Nar = { imsi: randomImsi(random), chargingId: randomInt(random, 2 ** 32) };
      const g = router.keyGroupOf(record);
      expect(g).toBe(hashBytes(Buffer.from(sessionKey(record, spec.attributes), 'utf8')) % 256);
      expect(router.route(record)).toBe(router.targetOfKeyGroup(g));
      expect(targets[router.route(record)]).toBe(ring.ownerOf(HashRing.keyGroupPoint(g)));
    }
  });

  it('sends the same session to the same actor whatever else the record holds or the target order', () => {
    const a = router.route({
      imsi: '262011234567890',
      chargingId: 9,
      uplinkBytes: 1n,
      recordSequenceNumber: 1,
    });
    const b = router.route({
      imsi: '262011234567890',
      chargingId: 9n,
      uplinkBytes: 5000n,
      recordSequenceNumber: 2,
    });
    expect(a).toBe(b);
    const reversed = createRouter(spec, [...targets].reverse());
    const r = reversed.route({ imsi: '262011234567890', chargingId: 9 });
    expect(reversed.targets[r]).toBe(targets[a]);
  });

  it('exposes the key-group assignment as target indexes covering every key group', () => {
    expect(isSessionRouter(router)).toBe(true);
    expect(isSessionRouter(createRouter({ type: 'all' }, targets))).toBe(false);
    const assignment = router.assignment();
    expect(assignment).toHaveLength(256);
    expect(assignment.map((t) => targets[t])).toEqual(new HashRing(targets, 128).assign(256));
    expect(new Set(assignment)).toEqual(new Set([0, 1, 2, 3]));
    expect(() => router.targetOfKeyGroup(256)).toThrow(RoutingError);
  });

  it('lists the key groups that move when an actor is added, all of them to the new actor', () => {
    const grown = createRouter(spec, [...targets, 'oe-5']);
    const moves = keyGroupMoves(router, grown);
    expect(moves.length).toBeGreaterThan(0);
    for (const m of moves) {
      expect(m.to).toBe('oe-5');
      expect(targets[router.targetOfKeyGroup(m.keyGroup)]).toBe(m.from);
    }
    expect(grown.assignment().filter((t) => t === 4)).toHaveLength(moves.length);
  });

  it('rejects empty attribute lists and bad key-group or virtual-node counts', () => {
    expect(() => createRouter({ ...spec, attributes: [] }, targets)).toThrow(RoutingError);
    expect(() => createRouter({ ...spec, keyGroups: 0 }, targets)).toThrow(RoutingError);
    expect(() => createRouter({ ...spec, virtualNodes: 0 }, targets)).toThrow(RoutingError);
  });
});
