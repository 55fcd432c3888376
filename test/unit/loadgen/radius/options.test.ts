import { describe, expect, it } from 'vitest';
import { usageMessage } from '../usage.js';
import {
  fillRadiusLoadOptions,
  parseInterims,
  parseRadiusLoadArgs,
  sessionLimit,
} from '../../../../src/cluster/loadgen/radius/options.js';

const fill = (argv: string[]) => fillRadiusLoadOptions(parseRadiusLoadArgs(argv));

describe('loadgen radius options', () => {
  it('ensures the defaults are those of the command documentation', () => {
    const o = fill([]);
    expect(o).toMatchObject({
      target: { host: '127.0.0.1', port: 1813 },
      secret: 'narflow-demo-secret',
      nases: 1,
      interims: { min: 0, max: 3 },
      dupRate: 0,
      window: 32,
      timeoutMs: 3000,
      retries: 3,
      rate: 0,
      shape: { kind: 'constant' },
      maxSeconds: 600,
      seed: 1,
      out: './loadgen-out',
      progress: 'auto',
    });
    expect(sessionLimit(o)).toEqual({ sessions: 10_000 });
  });

  it('ensures every option is parsed, in both --name value and --name=value forms', () => {
    const o = fill([
      '--target=localhost:4000',
      '--secret',
      'a secret',
      '--nases',
      '12',
      '--count',
      '5000',
      '--interims',
      '2-6',
      '--dup-rate',
      '0.05',
      '--window',
      '128',
      '--timeout-ms',
      '250',
      '--retries',
      '40',
      '--rate',
      '1000',
      '--shape',
      'storm:gsn=11,down=2s,at=3s',
      '--duration',
      '90s',
      '--max-seconds',
      '30',
      '--seed',
      '42',
      '--out',
      '/tmp/x',
      '--progress',
      'off',
    ]);
    expect(o).toMatchObject({
      target: { host: '127.0.0.1', port: 4000 },
      secret: 'a secret',
      nases: 12,
      count: 5000,
      interims: { min: 2, max: 6 },
      dupRate: 0.05,
      window: 128,
      timeoutMs: 250,
      retries: 40,
      rate: 1000,
      shape: { kind: 'storm', gsn: 11, downMs: 2000, atMs: 3000 },
      durationMs: 90_000,
      maxSeconds: 30,
      seed: 42,
      out: '/tmp/x',
      progress: 'off',
    });
    expect(sessionLimit(o)).toEqual({ minRecords: 5000 });
    expect(sessionLimit(fill(['--sessions', '7']))).toEqual({ sessions: 7 });
    expect(sessionLimit(fill(['--rate', '100', '--duration', '30s']))).toEqual({ minRecords: 3000 });
    expect(sessionLimit(fill(['--duration', '30s']))).toEqual({ sessions: 10_000 });
  });

  it('ensures --interims takes N or MIN-MAX within 0–1000', () => {
    expect(parseInterims('0')).toEqual({ ok: true, value: { min: 0, max: 0 } });
    expect(parseInterims('1-3')).toEqual({ ok: true, value: { min: 1, max: 3 } });
    for (const bad of ['3-1', '-1', '1-1001', 'x', '1-', '']) {
      expect(parseInterims(bad)).toMatchObject({
        ok: false,
        expected: expect.stringContaining('N or MIN-MAX'),
      });
    }
  });

  it('ensures each bad value is reported with the option name, the expectation and the value, all at once', () => {
    const msg = usageMessage(() =>
      parseRadiusLoadArgs([
        '--nases',
        '0',
        '--window',
        '129',
        '--interims',
        '5-2',
        '--dup-rate',
        '1.5',
        '--shape',
        'zig',
        '--secret',
        '',
        '--bogus',
        '1',
        'extra',
      ]),
    );
    expect(msg).toContain('--nases: expected an integer 1–1000, got "0"');
    expect(msg).toContain('--window: expected an integer 1–128, got "129"');
    expect(msg).toContain('--interims: expected N or MIN-MAX');
    expect(msg).toContain('--dup-rate: expected a number 0–1, got "1.5"');
    expect(msg).toContain('--shape: expected constant | square');
    expect(msg).toContain('--secret: expected a shared secret, got ""');
    expect(msg).toContain('--bogus: unknown option');
    expect(msg).toContain('unexpected argument "extra"');
    expect(usageMessage(() => parseRadiusLoadArgs(['--rate']))).toContain('--rate: expected a value');
    expect(usageMessage(() => parseRadiusLoadArgs(['--seed', '1', '--seed', '2']))).toContain(
      '--seed: given 2 times; expected once',
    );
  });

  it('ensures the checks of the whole set name the options involved', () => {
    expect(usageMessage(() => fill(['--target', '10.0.0.1:1813']))).toMatch(
      /--target: 10\.0\.0\.1 is not an IPv4 loopback address/,
    );
    expect(usageMessage(() => fill(['--target', '[::1]:1813']))).toMatch(
      /--target: ::1 is not an IPv4 loopback/,
    );
    expect(usageMessage(() => fill(['--shape', 'poisson']))).toContain(
      '--shape poisson: expected a --rate above 0',
    );
    expect(usageMessage(() => fill(['--nases', '2', '--shape', 'storm:gsn=2']))).toContain(
      '--shape storm: NAS 2 does not exist; expected gsn=0–1',
    );
    expect(usageMessage(() => fill(['--sessions', '5', '--count', '10']))).toContain(
      '--sessions and --count: expected one of them',
    );
    expect(usageMessage(() => fill(['--sessions', '900000', '--interims', '10']))).toContain(
      'the run would prepare about 10800000 records',
    );
    expect(usageMessage(() => fill(['--rate', '100000', '--duration', '1h']))).toContain(
      'the run would prepare about 360000000 records',
    );
    // Programmatic input is checked too.
    expect(usageMessage(() => fillRadiusLoadOptions({ window: 0.5, retries: -1 }))).toMatch(
      /--window: expected an integer 1–128, got 0\.5\n--retries: expected an integer 0–1000, got -1/,
    );
  });
});
