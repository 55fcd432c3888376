import { describe, expect, it } from 'vitest';
import { usageMessage } from '../usage.js';
import {
  exporterAddress,
  fillNetflowLoadOptions,
  parseNetflowLoadArgs,
} from '../../../../src/cluster/loadgen/netflow/options.js';

const fill = (argv: string[]) => fillNetflowLoadOptions(parseNetflowLoadArgs(argv));

describe('loadgen netflow options', () => {
  it('ensures the defaults are those of the usage text', () => {
    const o = fill([]);
    expect(o).toMatchObject({
      target: { host: '127.0.0.1', port: 4739 },
      version: 10,
      exporters: 1,
      flows: 100_000,
      durationMs: undefined,
      recordsPerPacket: 24,
      rate: 10_000,
      shape: { kind: 'constant' },
      templateEvery: 20,
      sampling: 1,
      seed: 1,
      out: './loadgen-out',
      progress: 'auto',
      maxSeconds: 600,
    });
    expect(fill(['--version', '5'])).toMatchObject({ target: { port: 2055 }, recordsPerPacket: 30 });
    expect(fill(['--version', '9'])).toMatchObject({ target: { port: 2055 }, recordsPerPacket: 30 });
  });

  it('ensures every option is parsed, and a duration without --flows leaves the flows unbounded', () => {
    const o = fill([
      '--target=127.0.0.2:9995',
      '--version',
      '9',
      '--exporters',
      '4',
      '--duration',
      '10s',
      '--records-per-packet',
      '12',
      '--rate',
      '2500',
      '--shape',
      'square:period=2s,low=0.5',
      '--template-every',
      '0',
      '--sampling',
      '100',
      '--seed',
      '7',
      '--out',
      '/tmp/x',
      '--progress',
      'off',
      '--max-seconds',
      '30',
    ]);
    expect(o).toEqual({
      target: { host: '127.0.0.2', port: 9995 },
      version: 9,
      exporters: 4,
      flows: undefined,
      durationMs: 10_000,
      recordsPerPacket: 12,
      rate: 2500,
      shape: { kind: 'square', periodMs: 2000, low: 0.5 },
      templateEvery: 0,
      sampling: 100,
      seed: 7,
      out: '/tmp/x',
      progress: 'off',
      maxSeconds: 30,
    });
  });

  it('ensures every mistake is reported at once, naming the option and what was expected', () => {
    const msg = usageMessage(() =>
      parseNetflowLoadArgs([
        '--version',
        '7',
        '--exporters',
        '0',
        '--bogus',
        '1',
        'extra',
        '--sampling',
        '20000',
      ]),
    );
    expect(msg).toContain('--version: expected 5, 9 or 10, got "7"');
    expect(msg).toContain('--exporters: expected an integer 1–245, got "0"');
    expect(msg).toContain('--bogus: unknown option');
    expect(msg).toContain('unexpected argument "extra"');
    expect(msg).toContain('--sampling: expected an integer 1–16383');
  });

  it('ensures only loopback is a target, and impossible combinations are refused', () => {
    expect(usageMessage(() => fill(['--target', '192.0.2.1:2055']))).toContain('not a loopback address');
    expect(usageMessage(() => fill(['--version', '5', '--records-per-packet', '31']))).toContain(
      'a v5 packet carries at most 30 flows',
    );
    expect(usageMessage(() => fill(['--rate', '0', '--shape', 'ramp:from=0.5']))).toContain(
      'expected a --rate above 0',
    );
    expect(usageMessage(() => fill(['--exporters', '2', '--shape', 'storm:gsn=2']))).toContain(
      'exporter 2 does not exist; expected 0–1',
    );
    expect(usageMessage(() => fill(['--target', '[::1]:4739', '--exporters', '2']))).toContain(
      'same address; expected 1',
    );
    expect(usageMessage(() => fillNetflowLoadOptions({ rate: -1, recordsPerPacket: 1.5 }))).toMatch(
      /--records-per-packet: expected an integer 1–1000, got 1.5\n--rate: expected a number 0–100000000, got -1/,
    );
  });

  it('ensures exporters send from 127.0.0.(10+i), or ::1 to an IPv6 target', () => {
    expect(exporterAddress({ host: '127.0.0.1', port: 1 }, 0)).toBe('127.0.0.10');
    expect(exporterAddress({ host: '127.0.0.1', port: 1 }, 244)).toBe('127.0.0.254');
    expect(exporterAddress({ host: '::1', port: 1 }, 0)).toBe('::1');
  });
});
