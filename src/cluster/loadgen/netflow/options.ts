/**
 * Options of `narflow loadgen netflow`: command-line parsing, defaults, and checks that name each
 * option with what was expected and report every problem at once (UsageError).
 */
import { isIP } from 'node:net';
import { UsageError } from '../../cli/usage-error.js';
import {
  isLoopback,
  parseDuration,
  parseEndpoint,
  parseInteger,
  parseNumber,
  type Endpoint,
  type Parsed,
  parseLoadArgs,
} from '../args.js';
import { parseShape, type Shape } from '../shape.js';
import type { ExportVersion } from './flows.js';
import { MAX_DATAGRAM, packetLength, V5_MAX_RECORDS } from './wire.js';

export interface NetflowLoadOptions {
  /** Collector; default 127.0.0.1:2055 (v5, v9) or 127.0.0.1:4739 (IPFIX). */
  readonly target: Endpoint;
  readonly version: ExportVersion;
  /** Simulated exporters, sending from 127.0.0.(10+i). */
  readonly exporters: number;
  /** Flows to send in all; undefined with a duration: as many as the duration allows. */
  readonly flows: number | undefined;
  readonly durationMs: number | undefined;
  readonly recordsPerPacket: number;
  /** Flows per second; 0 = as fast as the sockets take them. */
  readonly rate: number;
  readonly shape: Shape;
  /** Templates re-sent every N packets of an exporter; 0 = in its first packet only. */
  readonly templateEvery: number;
  /** Packet sampling interval N announced (v5 header, v9/IPFIX options record); 1 = none. */
  readonly sampling: number;
  readonly seed: number;
  readonly out: string | undefined;
  readonly progress: 'auto' | 'off';
  readonly maxSeconds: number;
}

export type NetflowLoadInput = Partial<NetflowLoadOptions>;

export const DEFAULT_FLOWS = 100_000;
export const MAX_FLOWS = 1_000_000_000;
/** 127.0.0.10 … 127.0.0.254. */
export const MAX_EXPORTERS = 245;
const MAX_RECORDS = 1000;
/** Records that keep a packet with templates under a 1500-octet MTU. */
const DEFAULT_RECORDS: Readonly<Record<ExportVersion, number>> = { 5: 30, 9: 30, 10: 24 };

const text = (what: string) => (t: string) =>
  t === '' ? { ok: false as const, expected: what } : { ok: true as const, value: t };

const PARSERS: Readonly<Record<string, readonly [keyof NetflowLoadOptions, (t: string) => Parsed<unknown>]>> =
  {
    target: ['target', (t) => parseEndpoint(t, 2055)],
    version: [
      'version',
      (t) =>
        ['5', '9', '10'].includes(t) ? { ok: true, value: Number(t) } : { ok: false, expected: '5, 9 or 10' },
    ],
    exporters: ['exporters', (t) => parseInteger(t, 1, MAX_EXPORTERS)],
    flows: ['flows', (t) => parseInteger(t, 1, MAX_FLOWS)],
    duration: ['durationMs', (t) => parseDuration(t, 24 * 3_600_000)],
    'records-per-packet': ['recordsPerPacket', (t) => parseInteger(t, 1, MAX_RECORDS)],
    rate: ['rate', (t) => parseNumber(t, 0, 100_000_000)],
    shape: ['shape', parseShape],
    'template-every': ['templateEvery', (t) => parseInteger(t, 0, 1_000_000)],
    sampling: ['sampling', (t) => parseInteger(t, 1, 0x3fff)],
    seed: ['seed', (t) => parseInteger(t, 0, 0xffffffff)],
    out: ['out', text('a directory')],
    progress: [
      'progress',
      (t) => (t === 'auto' || t === 'off' ? { ok: true, value: t } : { ok: false, expected: 'auto or off' }),
    ],
    'max-seconds': ['maxSeconds', (t) => parseInteger(t, 1, 86_400)],
  };

/** Numeric fields: [flag, min, max]; checked for programmatic input too. */
const RANGES: Readonly<Record<string, readonly [string, number, number]>> = {
  exporters: ['exporters', 1, MAX_EXPORTERS],
  flows: ['flows', 1, MAX_FLOWS],
  durationMs: ['duration', 1, 24 * 3_600_000],
  recordsPerPacket: ['records-per-packet', 1, MAX_RECORDS],
  rate: ['rate', 0, 100_000_000],
  templateEvery: ['template-every', 0, 1_000_000],
  sampling: ['sampling', 1, 0x3fff],
  seed: ['seed', 0, 0xffffffff],
  maxSeconds: ['max-seconds', 1, 86_400],
};

/** Parses the arguments after `loadgen netflow`; the CLI default for `--out` is ./loadgen-out. */
export function parseNetflowLoadArgs(argv: readonly string[]): NetflowLoadInput {
  return parseLoadArgs<NetflowLoadInput>(argv, PARSERS, fillNetflowLoadOptions);
}

/** Fills the defaults and checks the whole set; every problem in one UsageError. */
export function fillNetflowLoadOptions(input: NetflowLoadInput): NetflowLoadOptions {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const version = (given['version'] as ExportVersion | undefined) ?? 10;
  const o: NetflowLoadOptions = {
    target: { host: '127.0.0.1', port: version === 10 ? 4739 : 2055 },
    version,
    exporters: 1,
    flows: input.durationMs === undefined ? DEFAULT_FLOWS : undefined,
    durationMs: undefined,
    recordsPerPacket: DEFAULT_RECORDS[version] ?? 24,
    rate: 10_000,
    shape: { kind: 'constant' },
    templateEvery: 20,
    sampling: 1,
    seed: 1,
    out: undefined,
    progress: 'off',
    maxSeconds: 600,
    ...given,
  };
  const errors: string[] = [];
  if (![5, 9, 10].includes(o.version))
    errors.push(`--version: expected 5, 9 or 10, got ${String(o.version)}`);
  for (const [field, [flag, min, max]] of Object.entries(RANGES)) {
    const v = o[field as keyof NetflowLoadOptions];
    if (v === undefined) continue;
    const integer = field !== 'rate';
    if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v)))
      errors.push(
        `--${flag}: expected ${integer ? 'an integer' : 'a number'} ${min}–${max}, got ${JSON.stringify(v)}`,
      );
  }
  if (!isLoopback(o.target.host)) {
    errors.push(
      `--target: ${o.target.host} is not a loopback address; the load generator only sends to 127.0.0.0/8, ::1 or localhost`,
    );
  }
  if (isIP(o.target.host) === 6 && o.exporters > 1)
    errors.push(
      `--exporters: an IPv6 target (::1) gives every exporter the same address; expected 1, got ${o.exporters}`,
    );
  if (o.version === 5 && o.recordsPerPacket > V5_MAX_RECORDS)
    errors.push(`--records-per-packet: a v5 packet carries at most 30 flows, got ${o.recordsPerPacket}`);
  const largest = packetLength(
    { version: o.version, templates: true, sampling: o.sampling },
    o.recordsPerPacket,
  );
  if (largest > MAX_DATAGRAM)
    errors.push(
      `--records-per-packet: ${o.recordsPerPacket} makes ${largest}-octet datagrams; at most ${MAX_DATAGRAM}`,
    );
  if (o.rate === 0 && ['square', 'ramp', 'poisson'].includes(o.shape.kind))
    errors.push(`--shape ${o.shape.kind}: expected a --rate above 0 (the shape varies the rate)`);
  if (o.shape.kind === 'storm' && o.shape.gsn >= o.exporters)
    errors.push(`--shape storm: exporter ${o.shape.gsn} does not exist; expected 0–${o.exporters - 1}`);
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  return o;
}

/** The source address of exporter `i` for a target. */
export function exporterAddress(target: Endpoint, i: number): string {
  return isIP(target.host) === 6 ? '::1' : `127.0.0.${10 + i}`;
}
