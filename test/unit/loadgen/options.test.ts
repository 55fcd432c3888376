import { describe, expect, it } from 'vitest';
import { usageMessage } from './usage.js';
import { parseShape } from '../../../src/cluster/loadgen/shape.js';
import {
  DEFAULT_MIX,
  fillGtppLoadOptions,
  parseGtppLoadArgs,
  planLimit,
  sessionLimit,
} from '../../../src/cluster/loadgen/gtpp/options.js';

const fill = (argv: string[]) => fillGtppLoadOptions(parseGtppLoadArgs(argv));

describe('loadgen gtpp options', () => {
  it('ensures the defaults are those of the command documentation', () => {
    const o = fill([]);
    expect(o.target).toEqual({ host: '127.0.0.1', port: 3386 });
    expect(o).toMatchObject({
      transport: 'udp',
      gsns: 1,
      records: { kind: 'fixed', n: 3 },
      cdrsPerMessage: 10,
      gtppVersion: 2,
      window: 64,
      timeoutMs: 3000,
      retries: 3,
      dupRate: 0,
      rate: 0,
      shape: { kind: 'constant' },
      maxSeconds: 600,
      seed: 1,
      out: './loadgen-out',
      atDuration: 'cut',
    });
    expect(o.mix).toEqual(DEFAULT_MIX);
    expect(sessionLimit(o)).toEqual({ sessions: 10_000 });
  });

  it('ensures every option is parsed, in both --name value and --name=value forms', () => {
    const o = fill([
      '--target=localhost:4000',
      '--secondary',
      '127.0.0.2:4001',
      '--transport',
      'tcp',
      '--gsns',
      '12',
      '--mix',
      'pGWRecord=60,ggsnPDPRecord=20,sgsnPDPRecord=10,sGWRecord=5,egsnPDPRecord=5',
      '--sessions',
      '500',
      '--records',
      '1-5',
      '--cdrs-per-message',
      '20',
      '--gtpp-version',
      '0',
      '--window',
      '8',
      '--timeout-ms',
      '250',
      '--retries',
      '1',
      '--dup-rate',
      '0.05',
      '--rate',
      '1000',
      '--shape',
      'square:period=4s,low=0.5',
      '--duration',
      '90s',
      '--count',
      '2000',
      '--max-seconds',
      '30',
      '--seed',
      '42',
      '--out',
      '/tmp/x',
      '--progress',
      'off',
    ]);
    expect(o.target).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(o.secondary).toEqual({ host: '127.0.0.2', port: 4001 });
    expect(o).toMatchObject({
      transport: 'tcp',
      gsns: 12,
      sessions: 500,
      records: { kind: 'uniform', min: 1, max: 5 },
      cdrsPerMessage: 20,
      gtppVersion: 0,
      window: 8,
      timeoutMs: 250,
      retries: 1,
      dupRate: 0.05,
      rate: 1000,
      shape: { kind: 'square', periodMs: 4000, low: 0.5 },
      durationMs: 90_000,
      count: 2000,
      maxSeconds: 30,
      seed: 42,
      out: '/tmp/x',
      progress: 'off',
    });
    expect(o.mix.map((m) => `${m.recordType}=${m.weight}`).join(',')).toBe(
      'pGWRecord=60,ggsnPDPRecord=20,sgsnPDPRecord=10,sGWRecord=5,egsnPDPRecord=5',
    );
    expect(fill(['--records', 'geo:3']).records).toEqual({ kind: 'geometric', mean: 3 });
    expect(fill(['--target', '[::1]:3386']).target).toEqual({ host: '::1', port: 3386 });
  });

  it('ensures --start-at takes ms since the epoch or an ISO 8601 time, at most 24 h ahead', () => {
    expect(fill([]).startAtMs).toBeUndefined();
    const soon = Date.now() + 60_000;
    expect(fill(['--start-at', String(soon)]).startAtMs).toBe(soon);
    expect(fill(['--start-at', '2026-01-02T03:04:05.678+01:00']).startAtMs).toBe(
      Date.UTC(2026, 0, 2, 2, 4, 5, 678),
    );
    // A time already past starts at once; it is not an error.
    expect(fill(['--start-at', '0']).startAtMs).toBe(0);
    expect(usageMessage(() => parseGtppLoadArgs(['--start-at', 'soon']))).toContain(
      '--start-at: expected ms since the epoch or an ISO 8601 date-time with its offset, got "soon"',
    );
    expect(usageMessage(() => parseGtppLoadArgs(['--start-at', '2026-01-02T03:04:05']))).toContain(
      '--start-at: expected ms since the epoch',
    );
    expect(usageMessage(() => fill(['--start-at', String(Date.now() + 25 * 3_600_000)]))).toContain(
      '--start-at: expected a time at most 24 h from now',
    );
  });

  it('ensures every shape parses with its defaults and its parameters', () => {
    expect(parseShape('constant')).toEqual({ ok: true, value: { kind: 'constant' } });
    expect(parseShape('poisson')).toEqual({ ok: true, value: { kind: 'poisson' } });
    expect(parseShape('square')).toEqual({ ok: true, value: { kind: 'square', periodMs: 10_000, low: 0.2 } });
    expect(parseShape('square:period=10s,low=0.2')).toEqual({
      ok: true,
      value: { kind: 'square', periodMs: 10_000, low: 0.2 },
    });
    expect(parseShape('ramp:from=0.1')).toEqual({
      ok: true,
      value: { kind: 'ramp', from: 0.1, overMs: undefined },
    });
    expect(parseShape('ramp:from=0.25,over=30s')).toEqual({
      ok: true,
      value: { kind: 'ramp', from: 0.25, overMs: 30_000 },
    });
    expect(parseShape('storm:gsn=0,down=5s,at=10s')).toEqual({
      ok: true,
      value: { kind: 'storm', gsn: 0, downMs: 5000, atMs: 10_000 },
    });
    expect(parseShape('storm:gsn=2,down=500ms,at=1.5s')).toEqual({
      ok: true,
      value: { kind: 'storm', gsn: 2, downMs: 500, atMs: 1500 },
    });
  });

  it('ensures a bad shape names the parameter and what was expected', () => {
    expect(parseShape('sawtooth')).toMatchObject({
      ok: false,
      expected: expect.stringContaining('square:period=10s'),
    });
    expect(parseShape('square:period=fast')).toMatchObject({
      ok: false,
      expected: expect.stringContaining('square period'),
    });
    expect(parseShape('square:low=2')).toMatchObject({
      ok: false,
      expected: expect.stringContaining('square low: a number 0–1'),
    });
    expect(parseShape('ramp:to=1')).toMatchObject({ ok: false, expected: expect.stringContaining('got to') });
    expect(parseShape('storm:gsn=x')).toMatchObject({
      ok: false,
      expected: expect.stringContaining('storm gsn'),
    });
    expect(parseShape('poisson:rate=3')).toMatchObject({
      ok: false,
      expected: expect.stringContaining('(none)'),
    });
    expect(parseShape('square:period')).toMatchObject({
      ok: false,
      expected: expect.stringContaining('name=value'),
    });
  });

  it('ensures each bad value is reported with the option name, the expectation and the value, all at once', () => {
    const msg = usageMessage(() =>
      parseGtppLoadArgs([
        '--gsns',
        '0',
        '--window',
        'x',
        '--records',
        '0',
        '--mix',
        'foo=1',
        '--shape',
        'zig',
        '--bogus',
        '1',
      ]),
    );
    expect(msg).toContain('--gsns: expected an integer 1–1000, got "0"');
    expect(msg).toContain('--window: expected an integer 1–4096, got "x"');
    expect(msg).toContain('--records: expected N, MIN-MAX or geo:MEAN');
    expect(msg).toContain('--mix: expected TYPE=WEIGHT');
    expect(msg).toContain('--shape: expected constant | square');
    expect(msg).toContain('--bogus: unknown option');
    expect(usageMessage(() => parseGtppLoadArgs(['--gsns', '0', '--target', '10.0.0.1']))).toMatch(
      /--gsns: expected an integer 1–1000, got "0"\n--target: 10\.0\.0\.1 is not a loopback address/,
    );
    expect(usageMessage(() => parseGtppLoadArgs(['--rate']))).toContain('--rate: expected a value');
    expect(usageMessage(() => parseGtppLoadArgs(['--duration', '-1s']))).toContain(
      '--duration: expected a duration',
    );
    expect(usageMessage(() => parseGtppLoadArgs(['--transport', 'sctp']))).toContain(
      '--transport: expected udp or tcp, got "sctp"',
    );
    expect(usageMessage(() => parseGtppLoadArgs(['--gtpp-version', '3']))).toContain(
      '--gtpp-version: expected an integer 0–2',
    );
    expect(usageMessage(() => parseGtppLoadArgs(['--dup-rate', '1.5']))).toContain(
      '--dup-rate: expected a number 0–1',
    );
    expect(usageMessage(() => parseGtppLoadArgs(['stray']))).toContain('unexpected argument "stray"');
  });

  it('ensures a target that is not loopback is refused with a clear message', () => {
    expect(usageMessage(() => fill(['--target', '10.1.2.3:3386']))).toContain(
      '--target: 10.1.2.3 is not a loopback address; the load generator only sends to 127.0.0.0/8, ::1 or localhost',
    );
    expect(usageMessage(() => fill(['--secondary', '192.168.1.1']))).toContain(
      '--secondary: 192.168.1.1 is not a loopback',
    );
    expect(usageMessage(() => fill(['--target', 'gateway.example.com:3386']))).toContain(
      '--target: expected HOST:PORT',
    );
    expect(usageMessage(() => fillGtppLoadOptions({ target: { host: '8.8.8.8', port: 3386 } }))).toContain(
      'not a loopback',
    );
    expect(fill(['--target', '127.200.0.1']).target).toEqual({ host: '127.200.0.1', port: 3386 });
  });

  it('ensures combinations that cannot work are refused before anything starts', () => {
    expect(usageMessage(() => fill(['--shape', 'poisson']))).toContain(
      '--shape poisson: expected a --rate above 0',
    );
    expect(usageMessage(() => fill(['--shape', 'storm:gsn=3', '--gsns', '2']))).toContain(
      'gsn 3 does not exist; expected 0–1',
    );
    expect(usageMessage(() => fill(['--pcap', 'x.pcap', '--transport', 'tcp']))).toContain(
      '--pcap: expected --transport udp',
    );
    expect(usageMessage(() => fill(['--target', '::1', '--gsns', '2']))).toContain('--gsns: an IPv6 target');
    expect(
      usageMessage(() => fill(['--rate', '1000000', '--duration', '1h', '--prepare', 'ahead'])),
    ).toContain('at most 5000000');
    expect(usageMessage(() => fill(['--duration', '1h', '--prepare', 'ahead']))).toContain(
      '--prepare ahead: a run bounded by --duration alone',
    );
    expect(usageMessage(() => fill(['--prepare', 'later']))).toContain(
      '--prepare: expected auto, ahead or stream',
    );
    expect(fill(['--first-gsn', '40', '--gsns', '8']).firstGsn).toBe(40);
    expect(usageMessage(() => fill(['--first-gsn', '65520', '--gsns', '8']))).toContain(
      '--first-gsn: GSNs 65520–65527 go past the last source address (GSN 65525, 127.0.255.255); expected at most 65518',
    );
    expect(usageMessage(() => fillGtppLoadOptions({ window: 0, dupRate: -1 }))).toMatch(
      /--window: .*\n--dup-rate: /,
    );
  });

  it('ensures the number of CDRs to prepare follows --sessions, else --count, else rate × duration', () => {
    expect(sessionLimit(fill(['--sessions', '7', '--count', '100']))).toEqual({ sessions: 7 });
    expect(sessionLimit(fill(['--count', '100']))).toEqual({ minRecords: 100 });
    expect(sessionLimit(fill(['--rate', '500', '--duration', '3s']))).toEqual({ minRecords: 1500 });
  });

  it('ensures runs are prepared ahead up to 5,000,000 CDRs, and streamed past that or when bounded by --duration alone', () => {
    expect(fill(['--count', '5000000']).prepare).toBe('ahead');
    expect(fill(['--count', '5000001']).prepare).toBe('stream');
    expect(fill(['--rate', '1000000', '--duration', '1h']).prepare).toBe('stream');
    expect(fill(['--count', '100', '--prepare', 'stream']).prepare).toBe('stream');
    const timed = fill(['--duration', '10m']);
    expect(timed.prepare).toBe('stream');
    expect(planLimit(timed)).toEqual({ unbounded: true });
    expect(planLimit(fill(['--duration', '10m', '--rate', '100']))).toEqual({ minRecords: 60_000 });
    expect(planLimit(fill(['--duration', '10m', '--count', '7']))).toEqual({ minRecords: 7 });
    expect(fill([]).prepare).toBe('ahead');
  });

  it('ensures --at-duration finish-sessions needs a duration, is streamed, and is refused with a run prepared ahead', () => {
    const o = fill(['--duration', '30s', '--count', '1000', '--at-duration', 'finish-sessions']);
    // A small run would be prepared ahead; finishing sessions needs the maker of a streamed run.
    expect(o).toMatchObject({ atDuration: 'finish-sessions', prepare: 'stream' });
    expect(fill(['--duration=5s', '--at-duration=cut']).atDuration).toBe('cut');
    expect(usageMessage(() => fill(['--at-duration', 'finish-sessions']))).toContain(
      '--at-duration finish-sessions: expected a --duration to finish the sessions at',
    );
    expect(
      usageMessage(() =>
        fill([
          '--duration',
          '5s',
          '--count',
          '100',
          '--prepare',
          'ahead',
          '--at-duration',
          'finish-sessions',
        ]),
      ),
    ).toContain('--at-duration finish-sessions: expected --prepare stream or auto');
    expect(usageMessage(() => fill(['--duration', '5s', '--at-duration', 'finish']))).toContain(
      '--at-duration: expected cut or finish-sessions, got "finish"',
    );
  });
});
