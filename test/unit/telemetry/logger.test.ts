import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  RateLimitedLog,
  TelemetryConfigError,
  actorLogger,
  createLogger,
  redactPaths,
} from '../../../src/actors/telemetry/logger.js';
import { SUBSCRIBER_ID_ATTRIBUTES } from '../../../src/protocols/nar/nar.js';

/** A destination that keeps every line, parsed. */
function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, stream };
}

const ids = {
  imsi: '262011234567890',
  msisdn: '4917012345678',
  imei: '3569870000000000',
  userName: 'alice@apn',
};

describe('createLogger redaction', () => {
  it('covers every subscriber identifier of the attribute dictionary', () => {
    const paths = redactPaths();
    for (const k of ['imsi', 'msisdn', 'imei', 'userName', 'callingStationId']) {
      expect(SUBSCRIBER_ID_ATTRIBUTES).toContain(k);
      expect(paths).toContain(k);
      expect(paths).toContain(`*.${k}`);
    }
  });

  it('redacts identifiers at the top level, one and two levels deep and inside arrays', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info', destination: stream });
    log.info(
      {
        ...ids,
        record: { ...ids, chargingId: 7 },
        batch: { first: { ...ids } },
        records: [{ ...ids }, { imsi: '262019999999999' }],
        nested: { records: [{ msisdn: '4917000000000' }] },
      },
      'sample',
    );
    const l = lines[0] as Record<string, Record<string, unknown> & { first?: Record<string, unknown> }>;
    for (const k of Object.keys(ids)) {
      expect(l[k]).toBe(REDACTED);
      expect(l.record?.[k]).toBe(REDACTED);
      expect(l.batch?.first?.[k]).toBe(REDACTED);
      expect((l.records as unknown as Record<string, unknown>[])[0]?.[k]).toBe(REDACTED);
    }
    expect((l.records as unknown as Record<string, unknown>[])[1]?.imsi).toBe(REDACTED);
    expect((l.nested?.records as Record<string, unknown>[])[0]?.msisdn).toBe(REDACTED);
    expect(l.record?.chargingId).toBe(7);
    expect(JSON.stringify(l)).not.toContain('262011234567890');
  });

  it('leaves the logged object itself unchanged', () => {
    const { stream } = capture();
    const log = createLogger({ level: 'info', destination: stream });
    const obj = { imsi: '262011234567890', record: { imsi: '262011234567890' } };
    log.info(obj, 'sample');
    expect(obj).toEqual({ imsi: '262011234567890', record: { imsi: '262011234567890' } });
  });

  it('redacts identifiers bound to a child logger and keeps the actor fields and base fields', () => {
    const { lines, stream } = capture();
    const root = createLogger({ level: 'debug', base: { host: 'h1' }, destination: stream });
    const log = actorLogger(root, { node: 'oe-3', actor: 'oe-3.2', partition: 2, thread: 7 });
    log.child({ imsi: '262011234567890' }).debug('child line');
    expect(lines[0]).toMatchObject({
      host: 'h1',
      node: 'oe-3',
      actor: 'oe-3.2',
      partition: 2,
      thread: 7,
      imsi: REDACTED,
      msg: 'child line',
    });
  });

  it('rejects an unknown level naming the expected ones', () => {
    expect(() => createLogger({ level: 'verbose' })).toThrow(TelemetryConfigError);
    expect(() => createLogger({ level: 'verbose' })).toThrow(/level: expected one of fatal, error/);
  });
});

describe('RateLimitedLog', () => {
  function setup(windowMs?: number) {
    const { lines, stream } = capture();
    let now = 1_000;
    const log = createLogger({ level: 'info', destination: stream });
    const limited = new RateLimitedLog(log, {
      now: () => now,
      ...(windowMs === undefined ? {} : { windowMs }),
    });
    return { lines, limited, advance: (ms: number) => (now += ms) };
  }

  it('writes one line per key per 10 s window and reports how many calls it suppressed', () => {
    const { lines, limited, advance } = setup();
    expect(limited.error('ei-1:ber_truncated', { node: 'ei-1' }, 'bad frame')).toBe(true);
    for (let i = 0; i < 4127; i++)
      expect(limited.error('ei-1:ber_truncated', { node: 'ei-1' }, 'bad frame')).toBe(false);
    advance(9_999);
    expect(limited.error('ei-1:ber_truncated', { node: 'ei-1' }, 'bad frame')).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, node: 'ei-1', suppressed: 0, msg: 'bad frame' });
    advance(1);
    expect(limited.error('ei-1:ber_truncated', { node: 'ei-1' }, 'bad frame')).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ suppressed: 4128 });
    expect(limited.suppressed('ei-1:ber_truncated')).toBe(0);
  });

  it('limits each key on its own', () => {
    const { lines, limited } = setup();
    limited.warn('a', { k: 'a' }, 'first a');
    limited.warn('b', { k: 'b' }, 'first b');
    limited.warn('a', { k: 'a' }, 'second a');
    expect(lines.map((l) => l.k)).toEqual(['a', 'b']);
    expect(lines[0]?.level).toBe(40);
    expect(limited.suppressed('a')).toBe(1);
    expect(limited.suppressed('b')).toBe(0);
  });

  it('uses the configured window', () => {
    const { lines, limited, advance } = setup(100);
    limited.warn('k', {}, 'm');
    advance(50);
    limited.warn('k', {}, 'm');
    advance(50);
    limited.warn('k', {}, 'm');
    expect(lines.map((l) => l.suppressed)).toEqual([0, 1]);
  });

  it('flush writes the pending suppressed count of every key once', () => {
    const { lines, limited } = setup();
    limited.error('k', { n: 1 }, 'm1');
    limited.error('k', { n: 2 }, 'm2');
    limited.error('k', { n: 3 }, 'm3');
    limited.error('quiet', {}, 'q');
    limited.flush();
    limited.flush();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ n: 3, suppressed: 2, msg: 'm3' });
  });

  it('rejects a window that is not a positive number', () => {
    const log = createLogger({ level: 'silent' });
    expect(() => new RateLimitedLog(log, { windowMs: 0 })).toThrow(/windowMs: expected a positive number/);
  });
});
