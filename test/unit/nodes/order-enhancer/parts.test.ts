import { describe, expect, it } from 'vitest';
import { isForced, ProcessedList } from '../../../../src/actors/nodes/oe/processed.js';
import { RecordKinds } from '../../../../src/actors/nodes/oe/record-kinds.js';
import {
  recordKeyOf,
  recordTimeOf,
  sequenceNumberOf,
  sessionKeyOf,
} from '../../../../src/actors/nodes/oe/record-fields.js';
import { missingSequenceNumbers } from '../../../../src/actors/nodes/oe/session.js';
import { orderEnhancerOeSettings } from '../../../../src/actors/nodes/oe/settings.js';
import { sessionKey } from '../../../../src/actors/routing/key-groups.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { encodeBatch } from '../../../../src/protocols/nar/batch.js';
import { readPackedBatch } from '../../../../src/protocols/nar/packed-batch.js';
import { HeldRecord, heldNar, RecordHolder } from '../../../../src/actors/nodes/oe/held-record.js';
import { PackedNar } from '../../../../src/protocols/nar/packed-nar.js';
import { NarView, PackedView, type RecordView } from '../../../../src/actors/nodes/oe/record-view.js';
import { prng } from '../../../helpers/narflow-process.js';

/** The record read as a NAR object, and as a record of a batch read in place: both must agree. */
function views(r: Nar): RecordView[] {
  const holder = new RecordHolder();
  const object = new NarView(holder);
  object.r = r;
  const batch = readPackedBatch(encodeBatch('p', 1, [{ other: 1 }, r]));
  if (batch === undefined) throw new Error('the record should read in place');
  const packed = new PackedView(holder);
  packed.load(batch);
  packed.select(1);
  return [object, packed];
}

describe('record fields', () => {
  it('ensures the session key is the routing session key, and undefined when an attribute is absent or null', () => {
    const attrs = ['chargingId', 'ggsnAddress', 'x'];
    const records: Nar[] = [
      { chargingId: 5, ggsnAddress: '10.0.0.1', x: true },
      { chargingId: 5n, ggsnAddress: 'ä\u{1F600}', x: 1.5 },
      { chargingId: '5', ggsnAddress: '', x: false },
      { chargingId: 2n ** 63n, ggsnAddress: '::1', x: -7 },
    ];
    for (const r of records)
      for (const v of views(r)) expect(sessionKeyOf(v, attrs)).toBe(sessionKey(r, attrs));
    for (const v of views({ chargingId: 5, x: 1 })) expect(sessionKeyOf(v, attrs)).toBeUndefined();
    for (const v of views({ chargingId: 5, ggsnAddress: null, x: 1 }))
      expect(sessionKeyOf(v, attrs)).toBeUndefined();
  });

  it('ensures record keys mark absent attributes so they cannot collide with present ones', () => {
    const attrs = ['a', 'b'];
    const key = (r: Nar): string[] => views(r).map((v) => recordKeyOf(v, attrs));
    expect(key({ a: 5 })).toEqual(Array(2).fill(recordKeyOf(views({ a: 5 })[0] as RecordView, attrs)));
    expect(key({ a: 5 })[1]).not.toBe(key({ b: 5 })[1]);
    expect(key({ a: 5, b: '' })[1]).not.toBe(key({ a: 5 })[1]);
    expect(key({ a: 5n, b: 'x' })).toEqual(key({ a: '5', b: 'x' }));
  });

  it('ensures a record read in place is held, emitted and read back as the same NAR', () => {
    const r: Nar = { a: 'x', b: 2n ** 40n, c: null, d: 1.25, e: true, f: 'ä' };
    const [object, packed] = views(r) as [RecordView, RecordView];
    expect(packed.nar()).toEqual(r);
    const out = packed.out();
    expect(out instanceof PackedNar ? out.toNar() : out).toEqual(r);
    const held = packed.hold();
    expect(heldNar(held)).toEqual(r);
    expect(held).toEqual(object.hold());
    // Records of one shape share one list of names, whichever way they were read.
    expect((held as HeldRecord).keys).toBe((object.hold() as HeldRecord).keys);
  });

  it('ensures a record read in place past the shapes a holder keeps is held as a NAR object', () => {
    const holder = new RecordHolder();
    for (let i = 0; holder.shape([`a${i}`]) !== undefined; i++);
    const batch = readPackedBatch(encodeBatch('p', 1, [{ x: 1, y: 'z' }]));
    if (batch === undefined) throw new Error('the record should read in place');
    const view = new PackedView(holder);
    view.load(batch);
    view.select(0);
    expect(view.hold()).toEqual({ x: 1, y: 'z' });
    expect(view.hold()).not.toBeInstanceOf(HeldRecord);
    const out = view.out();
    expect(out instanceof PackedNar ? out.toNar() : out).toEqual({ x: 1, y: 'z' });
  });

  it('ensures sequence numbers are positive safe integers from numbers, bigints or digits, else 0', () => {
    expect([3, 3n, '3', 0, -1, 1.5, '', '3a', 'x', null, undefined, 2n ** 60n].map(sequenceNumberOf)).toEqual(
      [3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
  });

  it('ensures ISO 8601 record times parse like Date.parse, and other text gives NaN', () => {
    const rnd = prng(7);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(rnd() * 4e12);
      const iso = new Date(ms).toISOString();
      expect(recordTimeOf(iso)).toBe(ms);
      const offset = iso.replace('Z', '+05:30');
      expect(recordTimeOf(offset)).toBe(Date.parse(offset));
      const compact = iso.slice(0, 19).replace('T', ' ') + '-0200';
      expect(recordTimeOf(compact)).toBe(Date.parse(iso.slice(0, 19) + '-02:00'));
    }
    expect(recordTimeOf('2026-11-24T10:00:00.1234567Z')).toBe(Date.UTC(2026, 10, 24, 10, 0, 0, 123));
    expect(recordTimeOf('2026-11-24T10:00:00')).toBe(Date.UTC(2026, 10, 24, 10));
    for (const bad of [
      '2026-02-30T10:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24',
      'Tue, 24 Nov 2026',
      '',
    ]) {
      expect(recordTimeOf(bad), bad).toBeNaN();
    }
    expect(recordTimeOf(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(recordTimeOf(1_700_000_000_000n)).toBe(1_700_000_000_000);
    expect(recordTimeOf(Infinity)).toBeNaN();
    expect(recordTimeOf(null)).toBeNaN();
  });

  it('ensures final causes match numbers, bigints and decimal text, and nothing else', () => {
    const kinds = new RecordKinds(orderEnhancerOeSettings.parse({}));
    expect(
      [0, 4, 5, 4n, '0', 16, 17, 18, 19, 20, '', 'x', null, undefined, true].map((c) => kinds.isFinal(c)),
    ).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('missing sequence numbers', () => {
  it('ensures gaps below the final (or highest seen) number are listed as ranges, duplicates and extras ignored', () => {
    expect(missingSequenceNumbers([1, 6, 8, 3], 8)).toBe('2,4-5,7');
    expect(missingSequenceNumbers([2, 2, 0], -1)).toBe('1');
    expect(missingSequenceNumbers([1, 2, 3], -1)).toBe('');
    expect(missingSequenceNumbers([1, 9], 3)).toBe('2-8');
    expect(missingSequenceNumbers([], 3)).toBe('1-3');
    expect(missingSequenceNumbers([0], 0)).toBe('');
  });
});

describe('processed list', () => {
  it('ensures entries expire in stamp order from the head, keep their forced mark, and survive snapshot', () => {
    const list = new ProcessedList();
    list.add('a', 1_000, false); // before the base second: negative packed values
    list.add('b', 1_700_000_000, true);
    list.add('c', 1_700_000_010, false);
    expect(list.add('c', 1_700_000_020, true)).toBe(false);
    expect(isForced(list.lookup('a') as number)).toBe(false);
    expect(isForced(list.lookup('b') as number)).toBe(true);
    const copy = new ProcessedList();
    expect(copy.restore(list.snapshot())).toBeUndefined();
    expect(copy.snapshot()).toEqual({
      keys: ['a', 'b', 'c'],
      seconds: [1_000, 1_700_000_000, 1_700_000_010],
      forced: [0, 1, 0],
    });
    expect(list.expireBefore(1_700_000_001)).toBe(2);
    expect(list.lookup('b')).toBeUndefined();
    expect(list.size).toBe(1);
    expect(new ProcessedList().restore({ keys: ['y', 'z'], seconds: [10, 5], forced: [0, 0] })).toMatch(
      /entry 1: expected an integer second not below/,
    );
  });

  it('ensures pending entries wait for the first stamp and the queue compacts as it drains', () => {
    const list = new ProcessedList();
    list.add('p', null, true);
    expect(list.expireBefore(Number.MAX_SAFE_INTEGER)).toBe(0);
    list.stampPending(100);
    expect(list.snapshot()).toEqual({ keys: ['p'], seconds: [100], forced: [1] });
    for (let i = 0; i < 10_000; i++) list.add(`k${i}`, 200 + i, false);
    expect(list.expireBefore(200 + 9_000)).toBe(9_001);
    expect(list.snapshot().keys).toHaveLength(1_000);
    expect(list.lookup('k9000')).toBeDefined();
    expect(list.lookup('k8999')).toBeUndefined();
  });
});
