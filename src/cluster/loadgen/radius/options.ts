/**
 * Options of `narflow loadgen radius` and `runRadiusLoad`: command-line parsing, defaults, and
 * validation that names each option with what was expected and reports every problem at once
 * (UsageError).
 */
import { isIP } from 'node:net';
import { RADIUS_ACCOUNTING_PORT } from '../../../protocols/radius/index.js';
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
import { plannedRecords } from '../run-size.js';
import { parseShape, type Shape } from '../shape.js';
import { MAX_INTERIMS, MAX_WINDOW, meanRecords, type InterimsSpec } from './plan.js';

export { sessionLimit } from '../run-size.js';

export type ProgressMode = 'auto' | 'off';

export interface RadiusLoadOptions {
  readonly target: Endpoint;
  /** The shared secret (config/radius-clients.txt's by default). */
  readonly secret: string;
  readonly nases: number;
  /** Sessions to generate; undefined: from `count`, or `rate` × `duration`, or 10,000. */
  readonly sessions: number | undefined;
  /** Records to cover: whole sessions are planned until they hold at least this many. */
  readonly count: number | undefined;
  readonly interims: InterimsSpec;
  readonly dupRate: number;
  /** Requests in flight per NAS (one per lane), 1–128. */
  readonly window: number;
  readonly timeoutMs: number;
  readonly retries: number;
  /** Requests per second (first transmissions, duplicates included); 0 = as fast as answers allow. */
  readonly rate: number;
  readonly shape: Shape;
  readonly durationMs: number | undefined;
  readonly maxSeconds: number;
  readonly seed: number;
  /** Report and ground truth directory; undefined writes nothing. */
  readonly out: string | undefined;
  readonly progress: ProgressMode;
}

export type RadiusLoadInput = Partial<RadiusLoadOptions>;

export const DEFAULT_SECRET = 'narflow-demo-secret';
/** The prepare phase holds every request in memory: a run is bounded to this many records. */
export const MAX_PREPARED_RECORDS = 1_000_000;
const MAX_NASES = 1000;

const DEFAULTS: Omit<RadiusLoadOptions, 'sessions' | 'count' | 'durationMs'> = {
  target: { host: '127.0.0.1', port: RADIUS_ACCOUNTING_PORT },
  secret: DEFAULT_SECRET,
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
  out: undefined,
  progress: 'off',
};

/** `N` or `MIN-MAX` Interim-Updates per session. */
export function parseInterims(text: string): Parsed<InterimsSpec> {
  const expected = `N or MIN-MAX (Interim-Updates per session, 0–${MAX_INTERIMS})`;
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (m === null) return { ok: false, expected };
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  return max >= min && max <= MAX_INTERIMS ? { ok: true, value: { min, max } } : { ok: false, expected };
}

const nonEmpty =
  (what: string) =>
  (t: string): Parsed<string> =>
    t === '' ? { ok: false, expected: what } : { ok: true, value: t };

type FieldParser = (text: string) => Parsed<unknown>;
const PARSERS: Readonly<Record<string, readonly [keyof RadiusLoadOptions, FieldParser]>> = {
  target: ['target', (t) => parseEndpoint(t, RADIUS_ACCOUNTING_PORT)],
  secret: ['secret', nonEmpty('a shared secret')],
  nases: ['nases', (t) => parseInteger(t, 1, MAX_NASES)],
  sessions: ['sessions', (t) => parseInteger(t, 1, MAX_PREPARED_RECORDS)],
  count: ['count', (t) => parseInteger(t, 1, MAX_PREPARED_RECORDS)],
  interims: ['interims', parseInterims],
  'dup-rate': ['dupRate', (t) => parseNumber(t, 0, 1)],
  window: ['window', (t) => parseInteger(t, 1, MAX_WINDOW)],
  'timeout-ms': ['timeoutMs', (t) => parseInteger(t, 1, 600_000)],
  retries: ['retries', (t) => parseInteger(t, 0, 1000)],
  rate: ['rate', (t) => parseNumber(t, 0, 10_000_000)],
  shape: ['shape', parseShape],
  duration: ['durationMs', (t) => parseDuration(t, 24 * 3_600_000)],
  'max-seconds': ['maxSeconds', (t) => parseInteger(t, 1, 86_400)],
  seed: ['seed', (t) => parseInteger(t, 0, 0xffffffff)],
  out: ['out', nonEmpty('a directory')],
  progress: [
    'progress',
    (t) => (t === 'auto' || t === 'off' ? { ok: true, value: t } : { ok: false, expected: 'auto or off' }),
  ],
};

/** Numeric options: field → [flag, min, max, integer]; checked for programmatic input too. */
const RANGES: Readonly<Record<string, readonly [string, number, number, boolean]>> = {
  nases: ['nases', 1, MAX_NASES, true],
  sessions: ['sessions', 1, MAX_PREPARED_RECORDS, true],
  count: ['count', 1, MAX_PREPARED_RECORDS, true],
  dupRate: ['dup-rate', 0, 1, false],
  window: ['window', 1, MAX_WINDOW, true],
  timeoutMs: ['timeout-ms', 1, 600_000, true],
  retries: ['retries', 0, 1000, true],
  rate: ['rate', 0, 10_000_000, false],
  durationMs: ['duration', 1, 24 * 3_600_000, true],
  maxSeconds: ['max-seconds', 1, 86_400, true],
  seed: ['seed', 0, 0xffffffff, true],
};

export const OPTION_NAMES: readonly string[] = Object.keys(PARSERS);

/** Parses the arguments after `loadgen radius`. The CLI default for `--out` is ./loadgen-out. */
export function parseRadiusLoadArgs(argv: readonly string[]): RadiusLoadInput {
  return parseLoadArgs<RadiusLoadInput>(argv, PARSERS, fillRadiusLoadOptions);
}

/** Fills defaults and checks the whole set; every problem is reported in one UsageError. */
export function fillRadiusLoadOptions(input: RadiusLoadInput): RadiusLoadOptions {
  const o: RadiusLoadOptions = { ...DEFAULTS, sessions: undefined, count: undefined, durationMs: undefined };
  Object.assign(o, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
  const errors: string[] = [];
  for (const [field, [flag, min, max, integer]] of Object.entries(RANGES)) {
    const v = o[field as keyof RadiusLoadOptions];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
      errors.push(
        `--${flag}: expected ${integer ? 'an integer' : 'a number'} ${min}–${max}, got ${JSON.stringify(v)}`,
      );
    }
  }
  if (isIP(o.target.host) !== 4 || !isLoopback(o.target.host)) {
    errors.push(
      `--target: ${o.target.host} is not an IPv4 loopback address; the NASes send from 127.0.0.(10+i) to 127.0.0.0/8 or localhost only`,
    );
  }
  if (!Number.isInteger(o.target.port) || o.target.port < 1 || o.target.port > 65_535)
    errors.push(`--target: expected port 1–65535, got ${o.target.port}`);
  if (typeof o.secret !== 'string' || o.secret === '') errors.push('--secret: expected a shared secret');
  const i = o.interims;
  if (
    !Number.isInteger(i.min) ||
    !Number.isInteger(i.max) ||
    i.min < 0 ||
    i.max < i.min ||
    i.max > MAX_INTERIMS
  )
    errors.push(`--interims: expected 0 ≤ min ≤ max ≤ ${MAX_INTERIMS}, got ${i.min}-${i.max}`);
  if (o.rate === 0 && ['square', 'ramp', 'poisson'].includes(o.shape.kind))
    errors.push(`--shape ${o.shape.kind}: expected a --rate above 0 (the shape varies the rate)`);
  if (o.shape.kind === 'storm' && o.shape.gsn >= o.nases)
    errors.push(`--shape storm: NAS ${o.shape.gsn} does not exist; expected gsn=0–${o.nases - 1}`);
  if (o.sessions !== undefined && o.count !== undefined)
    errors.push('--sessions and --count: expected one of them (both size the run)');
  const planned = plannedRecords(o, meanRecords(o.interims));
  if (planned > MAX_PREPARED_RECORDS) {
    errors.push(
      `the run would prepare about ${Math.round(planned)} records; at most ${MAX_PREPARED_RECORDS} (lower --sessions, --count, --interims, or --rate x --duration)`,
    );
  }
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  return o;
}
