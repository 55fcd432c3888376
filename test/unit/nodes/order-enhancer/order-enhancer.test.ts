import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerBuiltins } from '../../../../src/actors/nodes/builtin.js';
import { NodeTypeRegistry } from '../../../../src/actors/nodes/registry.js';
import { keyGroupOf } from '../../../../src/actors/routing/key-groups.js';
import { ALARM_QUIET_MS } from '../../../../src/actors/nodes/oe/alarm-state.js';
import { orderEnhancerOe, orderEnhancerOeSettings } from '../../../../src/actors/nodes/oe/index.js';
import { cdr, HOUR, ids, last, Run, T0 } from './harness.js';

describe('pass-through and unknown record types', () => {
  it('ensures pass-through types are emitted at once, untracked, even when repeated', () => {
    const run = new Run().tick(T0);
    const mm = { recordType: 'sgsnMMRecord', chargingId: 1, ggsnAddress: '10.0.0.1', x: 1 };
    run.batch(mm, mm);
    expect(run.emitted).toEqual([mm, mm]);
    expect(run.handler.held()).toBe(0);
    expect(run.out.counts.duplicates).toBe(0);
    expect(run.out.alarms.size).toBe(0);
  });

  it('ensures a type in no list (or none) passes through and raises unknown_record_types until an hour without one', () => {
    const run = new Run().tick(T0);
    run.batch({ recordType: 'radiusStop', a: 1 }, { a: 2 }, { recordType: 'radiusStop', a: 3 });
    expect(run.emitted).toHaveLength(3);
    expect(run.out.alarms.get('unknown_record_types')).toBe(
      '3 records of types in no recordTypes list passed through untracked: radiusStop, (none)',
    );
    run.tick(T0 + ALARM_QUIET_MS - 1);
    expect(run.out.alarms.has('unknown_record_types')).toBe(true);
    run.tick(T0 + ALARM_QUIET_MS);
    expect(run.out.alarms.has('unknown_record_types')).toBe(false);
  });

  it('ensures a tracked record without a session-key attribute is quarantined', () => {
    const run = new Run().tick(T0);
    const r = cdr(1, 1);
    delete r['ggsnAddress'];
    run.batch(r, { ...cdr(2, 1), chargingId: null });
    expect(run.out.quarantined.map((q) => [q.reason, q.detail])).toEqual([
      ['missing_session_key', { attribute: 'ggsnAddress' }],
      ['missing_session_key', { attribute: 'chargingId' }],
    ]);
    expect(run.emitted).toEqual([]);
  });
});

describe('G-CDR rule: completeness and order', () => {
  it('ensures records are held until the final record and 1..n are there, then emitted in order', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(7, 1), cdr(7, 2));
    expect(run.emitted).toEqual([]);
    expect(run.handler.held()).toBe(2);
    run.batch(last(7, 3));
    expect(ids(run.emitted)).toEqual(['7/1', '7/2', '7/3']);
    expect(run.handler.held()).toBe(0);
  });

  it('ensures out-of-order arrival, final record first, completes only when the gaps fill', () => {
    const run = new Run().tick(T0);
    run.batch(last(7, 4), cdr(7, 2));
    run.batch(cdr(7, 1));
    expect(run.emitted).toEqual([]);
    run.batch(cdr(7, 3));
    expect(ids(run.emitted)).toEqual(['7/1', '7/2', '7/3', '7/4']);
    expect(run.emitted.every((r) => !('missingSequenceNumbers' in r))).toBe(true);
  });

  it('ensures the highest final record defines n and records numbered above n come after it', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(7, 5), last(7, 2, { cause: 4 }));
    expect(run.emitted).toEqual([]);
    run.batch(last(7, 3), cdr(7, 1));
    expect(ids(run.emitted)).toEqual(['7/1', '7/2', '7/3', '7/5']);
  });

  it('ensures an unnumbered final record is a whole session by itself', () => {
    const run = new Run().tick(T0);
    run.batch(last(9, null));
    expect(ids(run.emitted)).toEqual(['9/-']);
    run.batch(last(9, null));
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
  });

  it('ensures only the configured final causes complete a session (16, 17, 20 are partial)', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(1, 1, { cause: 16 }), cdr(2, 1, { cause: 20 }), cdr(3, 1, { cause: 5 }));
    expect(ids(run.emitted)).toEqual(['3/1']);
    const custom = new Run({ finalCauses: [20] }).tick(T0);
    custom.batch(cdr(2, 1, { cause: 20 }), cdr(4, 1, { cause: 0 }));
    expect(ids(custom.emitted)).toEqual(['2/1']);
  });

  it('ensures text final values complete a session: RADIUS accounting keyed by NAS and session id, closed by Stop', () => {
    const run = new Run({
      sessionKey: ['nasIpAddress', 'acctSessionId'],
      recordKey: ['acctStatusType', 'eventTimestamp'],
      closingAttribute: 'acctStatusType',
      finalCauses: ['Stop'],
      recordTypes: { complete: ['radiusAccounting'], timeout: [], passThrough: ['radiusNas'] },
      timeAttribute: 'eventTimestamp',
    }).tick(T0);
    const acct = (type: string, at: number, extra: Record<string, string> = {}) => ({
      recordType: 'radiusAccounting',
      nasIpAddress: '192.0.2.1',
      acctSessionId: 'S1',
      acctStatusType: type,
      eventTimestamp: new Date(T0 + at * 1000).toISOString().replace('.000', ''),
      ...extra,
    });
    run.batch(acct('Start', 0), acct('Interim-Update', 300), acct('Start', 0, { acctDelayTime: '5' }));
    expect(run.emitted).toEqual([]);
    run.batch(acct('Stop', 600));
    expect(run.emitted.map((r) => r['acctStatusType'])).toEqual(['Start', 'Interim-Update', 'Stop']);
    // The same Stop again (a NAS that failed over re-sent it with a new identifier): not billed twice.
    run.batch(acct('Stop', 600, { acctDelayTime: '30' }));
    expect(run.duplicates).toEqual({ in_session_duplicate: 1, late_duplicate: 1 });
    expect(() => orderEnhancerOeSettings.parse({ finalCauses: [''] })).toThrow(
      /expected string to have >=1 characters/,
    );
  });

  it('ensures sessions are per record type: a P-GW and an S-GW stream of one bearer complete separately', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(7, 1, { type: 'sGWRecord', node: 'sgw' }), last(7, 1));
    expect(ids(run.emitted)).toEqual(['7/1']);
    expect(run.emitted[0]?.['recordType']).toBe('pGWRecord');
    expect(run.handler.held()).toBe(1);
  });
});

describe('duplicates', () => {
  it('ensures a duplicate before completion is dropped in the session and one after it as late', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(7, 1), cdr(7, 1), last(7, 2));
    run.batch(cdr(7, 2), cdr(7, 1, { node: 'other' }));
    expect(ids(run.emitted)).toEqual(['7/1', '7/2']);
    expect(run.duplicates).toEqual({ in_session_duplicate: 1, late_duplicate: 2 });
    expect(run.out.counts.duplicates).toBe(3);
    expect(run.audited).toEqual([]);
  });

  it('ensures record keys leave absent attributes out unambiguously and compare values as text', () => {
    const run = new Run().tick(T0);
    const a = cdr(7, 1);
    const b = { ...cdr(7, 1), recordSequenceNumber: 1n, localSequenceNumber: '7001' };
    const c = cdr(7, 1);
    delete c['nodeId'];
    run.batch(a, b, c);
    expect(run.duplicates).toEqual({ in_session_duplicate: 1 });
    expect(run.handler.held()).toBe(2);
  });

  it('ensures auditDuplicates emits a copy with its reason on the duplicates channel, counted created', () => {
    const run = new Run({ auditDuplicates: true }).tick(T0);
    run.batch(cdr(7, 1), cdr(7, 1), last(7, 2), last(7, 2));
    expect(ids(run.emitted)).toEqual(['7/1', '7/2']);
    expect(run.audited.map((r) => [ids([r])[0], r['duplicateReason']])).toEqual([
      ['7/1', 'in_session_duplicate'],
      ['7/2', 'late_duplicate'],
    ]);
    expect(run.out.counts.created).toBe(2);
    expect(run.out.counts.duplicates).toBe(2);
  });

  it('ensures the node type declares the duplicates channel only with auditDuplicates', () => {
    expect(orderEnhancerOe.channels?.(orderEnhancerOeSettings.parse({}))).toEqual([]);
    expect(orderEnhancerOe.channels?.(orderEnhancerOeSettings.parse({ auditDuplicates: true }))).toEqual([
      'duplicates',
    ]);
  });
});

describe('S-CDR rule: inactivity', () => {
  it('ensures an S-CDR session closes after the inactivity timeout, each record restarting it', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(5, 2, { type: 'sgsnPDPRecord' }), cdr(5, 1, { type: 'sgsnPDPRecord', cause: 0 }));
    run.tick(T0 + 3 * HOUR);
    run.batch(cdr(5, 3, { type: 'sgsnPDPRecord' }));
    run.tick(T0 + 4 * HOUR);
    run.tick(T0 + 7 * HOUR - 1);
    expect(run.emitted).toEqual([]);
    run.tick(T0 + 7 * HOUR);
    expect(ids(run.emitted)).toEqual(['5/1', '5/2', '5/3']);
    run.batch(cdr(5, 2, { type: 'sgsnPDPRecord' }));
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
  });

  it('ensures an S-CDR session receiving records past maxHoldMs emits what it held and stays open', () => {
    const run = new Run({ maxHoldMs: 10 * HOUR }).tick(T0);
    const s = (seq: number) => cdr(5, seq, { type: 'sgsnPDPRecord' });
    for (let h = 0; h <= 10; h++) run.tick(T0 + h * HOUR).batch(s(h + 1));
    expect(ids(run.emitted)).toEqual(Array.from({ length: 10 }, (_, i) => `5/${i + 1}`));
    expect(run.handler.held()).toBe(1);
    run.batch(s(3));
    expect(run.duplicates).toEqual({ in_session_duplicate: 1 });
    run.tick(T0 + 15 * HOUR);
    expect(ids(run.emitted).slice(10)).toEqual(['5/11']);
  });
});

describe('G-CDR hold limit', () => {
  it('ensures a gap that never fills is emitted after maxHoldMs with missingSequenceNumbers and the alarm', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(7, 1), cdr(7, 6), last(7, 8), cdr(7, 3));
    run.tick(T0 + 24 * HOUR - 1);
    expect(run.emitted).toEqual([]);
    run.tick(T0 + 24 * HOUR);
    expect(ids(run.emitted)).toEqual(['7/1', '7/3', '7/6', '7/8']);
    expect(run.emitted.map((r) => r['missingSequenceNumbers'])).toEqual([
      '2,4-5,7',
      '2,4-5,7',
      '2,4-5,7',
      '2,4-5,7',
    ]);
    expect(run.out.alarms.get('incomplete_sessions')).toBe(
      '1 sessions emitted with missingSequenceNumbers so far',
    );
    run.batch(cdr(7, 2));
    expect(run.duplicates).toEqual({ late_after_forced_close: 1 });
    run.tick(T0 + 25 * HOUR - 1);
    expect(run.out.alarms.has('incomplete_sessions')).toBe(true);
    run.tick(T0 + 25 * HOUR);
    expect(run.out.alarms.has('incomplete_sessions')).toBe(false);
  });

  it('ensures a long session without a gap is flushed unmarked, stays open with its keys and completes later', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(7, 1), cdr(7, 2));
    run.tick(T0 + 24 * HOUR);
    expect(ids(run.emitted)).toEqual(['7/1', '7/2']);
    expect(run.emitted.some((r) => 'missingSequenceNumbers' in r)).toBe(false);
    expect(run.out.alarms.size).toBe(0);
    run.tick(T0 + 26 * HOUR).batch(cdr(7, 2), cdr(7, 3));
    expect(run.duplicates).toEqual({ in_session_duplicate: 1 });
    run.tick(T0 + 49 * HOUR);
    run.batch(last(7, 5), cdr(7, 4));
    expect(ids(run.emitted)).toEqual(['7/1', '7/2', '7/3', '7/4', '7/5']);
    expect(run.handler.held()).toBe(0);
    run.batch(cdr(7, 1));
    expect(run.duplicates).toEqual({ in_session_duplicate: 1, late_duplicate: 1 });
  });

  it('ensures a G-CDR session holding only keys closes after the inactivity timeout, forced', () => {
    const run = new Run().tick(T0);
    run.batch(cdr(7, 1));
    run.tick(T0 + 24 * HOUR);
    run.tick(T0 + 28 * HOUR - 1);
    run.batch(cdr(8, 1));
    run.tick(T0 + 28 * HOUR);
    run.batch(cdr(7, 2));
    expect(run.duplicates).toEqual({ late_after_forced_close: 1 });
  });
});

describe('processed window by record time', () => {
  const ONE_GROUP = { keyGroups: 1, processedWindowMs: HOUR };

  it('ensures a processed session is forgotten once the watermark is more than the window past its close', () => {
    const run = new Run(ONE_GROUP).tick(T0);
    run.batch(last(1, 1, { at: T0 }));
    run.batch(cdr(2, 1, { at: T0 + HOUR + 999 }), last(1, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
    run.batch(cdr(2, 2, { at: T0 + HOUR + 1000 }), last(1, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
    expect(ids(run.emitted)).toEqual(['1/1', '1/1']);
  });

  it('ensures the window counts from the watermark at close, not from the session’s own record times', () => {
    const run = new Run(ONE_GROUP).tick(T0);
    run.batch(cdr(2, 1, { at: T0 + 5 * HOUR }), last(1, 1, { at: T0 }));
    run.batch(cdr(2, 2, { at: T0 + 6 * HOUR }), last(1, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
  });

  it('ensures record times far ahead of the tick time, or unusable, do not move the watermark', () => {
    const run = new Run(ONE_GROUP).tick(T0);
    run.batch(last(1, 1, { at: T0 }));
    run.batch(cdr(2, 1, { at: T0 + 30 * 24 * HOUR }), { ...cdr(3, 1), recordOpeningTime: 'yesterday' });
    run.batch(last(1, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
  });

  it('ensures sessions closed before any usable record time take the first watermark as their stamp', () => {
    const run = new Run(ONE_GROUP).tick(T0);
    const untimed = { ...last(1, 1), recordOpeningTime: null };
    run.batch(untimed);
    run.batch(cdr(2, 1, { at: T0 }), cdr(2, 2, { at: T0 + HOUR - 1000 }), untimed);
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
    run.batch(cdr(2, 3, { at: T0 + HOUR + 1000 }), untimed);
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
    expect(run.handler.held()).toBe(3);
  });

  it('ensures watermarks are per key group: time in one group does not expire another’s', () => {
    const groupOf = (id: number) => keyGroupOf(`${id}\u000110.0.0.1`, 1024);
    const other = Array.from({ length: 100 }, (_, i) => i + 2).find(
      (id) => groupOf(id) !== groupOf(1),
    ) as number;
    const run = new Run({ keyGroups: 1024, processedWindowMs: HOUR }).tick(T0);
    run.batch(last(1, 1, { at: T0 }), cdr(other, 1, { at: T0 + 10 * HOUR }), last(1, 1, { at: T0 }));
    expect(run.duplicates).toEqual({ late_duplicate: 1 });
    const sameGroup = new Run({ keyGroups: 1, processedWindowMs: HOUR }).tick(T0);
    sameGroup.batch(last(1, 1, { at: T0 }), cdr(other, 1, { at: T0 + 10 * HOUR }), last(1, 1, { at: T0 }));
    expect(sameGroup.duplicates).toEqual({});
  });
});

describe('hard limits', () => {
  it('ensures maxOpenSessions force-closes the session nearest its deadline, marked, alarmed and lossless', () => {
    const run = new Run({ maxOpenSessions: 2, inactivityTimeoutMs: HOUR }).tick(T0);
    run.batch(cdr(1, 1), last(1, 3));
    run.tick(T0 + 1000).batch(cdr(2, 1, { type: 'sgsnPDPRecord' }));
    run.tick(T0 + 2000).batch(cdr(3, 1));
    // Session 2's deadline (1 h inactivity) comes before session 1's (24 h hold).
    expect(ids(run.emitted)).toEqual(['2/1']);
    expect(run.out.alarms.get('open_sessions_limit')).toBe(
      '2 sessions open (maxOpenSessions): the least recently active are force-closed',
    );
    run.batch(cdr(4, 1));
    expect(ids(run.emitted)).toEqual(['2/1', '1/1', '1/3']);
    expect(run.emitted[1]?.['missingSequenceNumbers']).toBe('2');
    run.batch(cdr(1, 2));
    expect(run.duplicates).toEqual({ late_after_forced_close: 1 });
    run.batch(last(3, 2), last(4, 2));
    expect(run.out.alarms.has('open_sessions_limit')).toBe(false);
    expect(run.handler.held()).toBe(0);
    expect(run.emitted).toHaveLength(7);
  });

  it('ensures past maxProcessedSessions processed sessions go to disk with an alarm, and nothing inside the window is forgotten', () => {
    const run = new Run({ maxProcessedSessions: 2, keyGroups: 1, processedWindowMs: HOUR }).tick(T0);
    run.batch(last(1, 1), last(2, 1), last(3, 1));
    expect(run.out.alarms.get('processed_sessions_limit')).toBe(
      'more than 2 processed sessions (maxProcessedSessions): 3 kept on disk in 1 spill segments, 0 in memory; ' +
        'nothing inside processedWindowMs is forgotten',
    );
    expect(readdirSync(join(run.dir, 'oe-spill'))).toEqual(['1.nps']);
    run.batch(last(1, 1), last(2, 1), last(3, 1), last(4, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 3 });
    run.restart();
    run.batch(last(2, 1), last(4, 1));
    expect(run.duplicates).toEqual({ late_duplicate: 5 });
    // Two hours later in record time everything is out of the window: the segment dies, the alarm clears.
    run.batch(cdr(9, 1, { at: T0 + 2 * HOUR })).tick(T0 + 1000);
    expect(run.out.alarms.has('processed_sessions_limit')).toBe(false);
    run.batch(last(1, 1, { at: T0 + 2 * HOUR }));
    expect(run.duplicates).toEqual({ late_duplicate: 5 });
    expect(run.emitted.map((r) => r['chargingId'])).toEqual([1, 2, 3, 4, 1]);
    // Its file goes once two committed checkpoints no longer name it.
    run.snapshot();
    run.snapshot();
    expect(readdirSync(join(run.dir, 'oe-spill'))).toEqual([]);
  });
});

describe('settings', () => {
  it('ensures the node type is registered with the builtins as an OE', () => {
    const registry = new NodeTypeRegistry();
    registerBuiltins(registry);
    expect(registry.get('order-enhancer-oe')?.kind).toBe('OE');
  });

  it('ensures defaults follow the brief and the final causes are normal, abnormal and CAMEL release', () => {
    const s = orderEnhancerOeSettings.parse({});
    expect(s.finalCauses).toEqual([0, 4, 5]);
    expect(s.sessionKey).toEqual(['chargingId', 'ggsnAddress']);
    expect(s.keyGroups).toBe(1024);
    expect(s.recordTypes.complete).toEqual(['ggsnPDPRecord', 'egsnPDPRecord', 'pGWRecord', 'sGWRecord']);
  });

  it('ensures a record type in two lists, a repeated attribute and unknown keys are reported together', () => {
    const r = orderEnhancerOeSettings.safeParse({
      recordTypes: { complete: ['pGWRecord'], timeout: ['pGWRecord'] },
      sessionKey: ['chargingId', 'chargingId'],
      keyGroup: 5,
    });
    expect(r.success).toBe(false);
    const messages = r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        'recordTypes.timeout.0: a record type in one list only ("pGWRecord" is also in complete)',
        'sessionKey: each attribute once',
      ]),
    );
    expect(messages.some((m) => m.includes('keyGroup'))).toBe(true);
  });
});
