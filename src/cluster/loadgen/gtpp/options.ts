/**
 * Options of `narflow loadgen gtpp` and `runGtppLoad`: command-line parsing, defaults, and validation
 * that names each option with what was expected and reports every problem at once (UsageError).
 */
import { isIP } from 'node:net';
import type { CdrRecordType } from '../../../protocols/cdr/index.js';
import { GTPP_DEFAULT_PORT, type GtppVersion } from '../../../protocols/gtpp/index.js';
import { UsageError } from '../../cli/usage-error.js';
import {
  isLoopback,
  parseDuration,
  parseEndpoint,
  parseInteger,
  parseNumber,
  type Endpoint,
  parseLoadArgs,
} from '../args.js';
import { parseShape, type Shape } from '../shape.js';
import { plannedRecords, sessionLimit } from '../run-size.js';
import {
  MAX_GSN_NUMBER,
  MAX_RECORDS_PER_SESSION,
  RECORD_TYPES,
  type MixEntry,
  type PlanLimit,
  type RecordsSpec,
} from './plan.js';

export { sessionLimit };

export type Transport = 'udp' | 'tcp';
export type ProgressMode = 'auto' | 'off';
/**
 * `ahead`: every CDR is made before the first message goes out (the send rate is the gateway's);
 * `stream`: made while the run goes (starts at once, memory follows what is in flight, any length);
 * `auto`: ahead up to MAX_PREPARED_CDRS, and for a run bounded by its duration only (no --count,
 * --sessions or --rate), stream.
 */
export type PrepareMode = 'auto' | 'ahead' | 'stream';
const PREPARE_MODES: readonly unknown[] = ['auto', 'ahead', 'stream'] satisfies PrepareMode[];
const PREPARE_EXPECTED = 'auto, ahead or stream';
/**
 * When `--duration` ends: `cut` sends nothing new (what is in flight completes), so sessions open
 * then stay incomplete; `finish-sessions` opens no new session and sends the rest of the open ones'
 * records first, so the ground truth holds whole sessions only (prepared as the run goes).
 */
export type AtDuration = 'cut' | 'finish-sessions';
const AT_DURATION: readonly unknown[] = ['cut', 'finish-sessions'] satisfies AtDuration[];
const AT_DURATION_EXPECTED = 'cut or finish-sessions';

export interface GtppLoadOptions {
  readonly target: Endpoint;
  readonly secondary: Endpoint | undefined;
  readonly transport: Transport;
  readonly gsns: number;
  /** Number of the first GSN: addresses from 127.0.0.(10+firstGsn), node ids from …-(firstGsn+1). */
  readonly firstGsn: number;
  readonly mix: readonly MixEntry[];
  /** Sessions to generate; undefined: derived from `count`, or `rate` × `duration`, or 10,000. */
  readonly sessions: number | undefined;
  readonly records: RecordsSpec;
  readonly cdrsPerMessage: number;
  readonly gtppVersion: GtppVersion;
  readonly window: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly dupRate: number;
  /** CDRs per second; 0 = as fast as the window allows. */
  readonly rate: number;
  readonly shape: Shape;
  readonly durationMs: number | undefined;
  readonly count: number | undefined;
  readonly maxSeconds: number;
  /**
   * Wall-clock time (ms since the epoch) before which nothing is sent, so that several load
   * generators preparing at once start sending together; a time already past: at once.
   */
  readonly startAtMs: number | undefined;
  readonly seed: number;
  /** Report and ground truth directory; undefined writes nothing. */
  readonly out: string | undefined;
  readonly pcap: string | undefined;
  readonly progress: ProgressMode;
  /** After `fillGtppLoadOptions`: `ahead` or `stream`, never `auto`. */
  readonly prepare: PrepareMode;
  readonly atDuration: AtDuration;
}

export type GtppLoadInput = Partial<GtppLoadOptions>;

export const DEFAULT_MIX: readonly MixEntry[] = [
  { recordType: 'pGWRecord', weight: 70 },
  { recordType: 'ggsnPDPRecord', weight: 20 },
  { recordType: 'sgsnPDPRecord', weight: 10 },
];
/** Preparing ahead holds every CDR in memory: such a run is bounded to this many. */
export const MAX_PREPARED_CDRS = 5_000_000;
/** `--count` and `--sessions` of a streamed run (its length is bounded by --max-seconds too). */
export const MAX_STREAMED_CDRS = 1_000_000_000_000;
const MAX_GSNS = 1000;

const DEFAULTS: Omit<
  GtppLoadOptions,
  'secondary' | 'sessions' | 'durationMs' | 'count' | 'pcap' | 'startAtMs'
> = {
  target: { host: '127.0.0.1', port: GTPP_DEFAULT_PORT },
  transport: 'udp',
  gsns: 1,
  firstGsn: 0,
  mix: DEFAULT_MIX,
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
  out: undefined,
  progress: 'off',
  prepare: 'auto',
  atDuration: 'cut',
};

export function parseMix(text: string): { ok: true; value: MixEntry[] } | { ok: false; expected: string } {
  const expected = `TYPE=WEIGHT,… with TYPE one of ${RECORD_TYPES.join(', ')} and WEIGHT a number ≥ 0 (at least one > 0)`;
  const out: MixEntry[] = [];
  for (const part of text.split(',')) {
    const [type, weight] = part.split('=').map((s) => s.trim());
    const w = Number(weight);
    if (
      !RECORD_TYPES.includes(type as CdrRecordType) ||
      weight === undefined ||
      weight === '' ||
      !(w >= 0) ||
      !Number.isFinite(w)
    ) {
      return { ok: false, expected: `${expected}; got ${JSON.stringify(part)}` };
    }
    if (out.some((m) => m.recordType === type))
      return { ok: false, expected: `${expected}; ${type} given twice` };
    out.push({ recordType: type as CdrRecordType, weight: w });
  }
  if (!out.some((m) => m.weight > 0)) return { ok: false, expected };
  return { ok: true, value: out };
}

export function parseRecords(
  text: string,
): { ok: true; value: RecordsSpec } | { ok: false; expected: string } {
  const expected = `N, MIN-MAX or geo:MEAN (records per session, 1–${MAX_RECORDS_PER_SESSION})`;
  const t = text.trim();
  let m = /^(\d+)$/.exec(t);
  if (m !== null) {
    const n = Number(m[1]);
    return n >= 1 && n <= MAX_RECORDS_PER_SESSION
      ? { ok: true, value: { kind: 'fixed', n } }
      : { ok: false, expected };
  }
  m = /^(\d+)-(\d+)$/.exec(t);
  if (m !== null) {
    const min = Number(m[1]);
    const max = Number(m[2]);
    return min >= 1 && max >= min && max <= MAX_RECORDS_PER_SESSION
      ? { ok: true, value: { kind: 'uniform', min, max } }
      : { ok: false, expected };
  }
  m = /^geo:(\d+(?:\.\d+)?)$/.exec(t);
  if (m !== null) {
    const mean = Number(m[1]);
    return mean >= 1 && mean <= 100
      ? { ok: true, value: { kind: 'geometric', mean } }
      : { ok: false, expected: `${expected}; geo mean 1–100` };
  }
  return { ok: false, expected };
}

/** Value parsers per option name: text → value or what was expected. */
type FieldParser = (text: string) => { ok: true; value: unknown } | { ok: false; expected: string };
const PARSERS: Readonly<Record<string, readonly [keyof GtppLoadOptions, FieldParser]>> = {
  target: ['target', (t) => parseEndpoint(t, GTPP_DEFAULT_PORT)],
  secondary: ['secondary', (t) => parseEndpoint(t, GTPP_DEFAULT_PORT)],
  transport: [
    'transport',
    (t) => (t === 'udp' || t === 'tcp' ? { ok: true, value: t } : { ok: false, expected: 'udp or tcp' }),
  ],
  gsns: ['gsns', (t) => parseInteger(t, 1, MAX_GSNS)],
  'first-gsn': ['firstGsn', (t) => parseInteger(t, 0, MAX_GSN_NUMBER)],
  mix: ['mix', parseMix],
  sessions: ['sessions', (t) => parseInteger(t, 1, MAX_STREAMED_CDRS)],
  records: ['records', parseRecords],
  'cdrs-per-message': ['cdrsPerMessage', (t) => parseInteger(t, 1, 255)],
  'gtpp-version': ['gtppVersion', (t) => parseInteger(t, 0, 2)],
  window: ['window', (t) => parseInteger(t, 1, 4096)],
  'timeout-ms': ['timeoutMs', (t) => parseInteger(t, 1, 600_000)],
  retries: ['retries', (t) => parseInteger(t, 0, 100)],
  'dup-rate': ['dupRate', (t) => parseNumber(t, 0, 1)],
  rate: ['rate', (t) => parseNumber(t, 0, 10_000_000)],
  shape: ['shape', parseShape],
  duration: ['durationMs', (t) => parseDuration(t, 24 * 3_600_000)],
  count: ['count', (t) => parseInteger(t, 1, MAX_STREAMED_CDRS)],
  'max-seconds': ['maxSeconds', (t) => parseInteger(t, 1, 86_400)],
  'start-at': ['startAtMs', parseStartAt],
  seed: ['seed', (t) => parseInteger(t, 0, 0xffffffff)],
  out: ['out', (t) => (t === '' ? { ok: false, expected: 'a directory' } : { ok: true, value: t })],
  pcap: ['pcap', (t) => (t === '' ? { ok: false, expected: 'a file name' } : { ok: true, value: t })],
  progress: [
    'progress',
    (t) => (t === 'auto' || t === 'off' ? { ok: true, value: t } : { ok: false, expected: 'auto or off' }),
  ],
  prepare: [
    'prepare',
    (t) => (PREPARE_MODES.includes(t) ? { ok: true, value: t } : { ok: false, expected: PREPARE_EXPECTED }),
  ],
  'at-duration': [
    'atDuration',
    (t) => (AT_DURATION.includes(t) ? { ok: true, value: t } : { ok: false, expected: AT_DURATION_EXPECTED }),
  ],
};

/** Numeric options: field → [flag, min, max, integer]; checked for programmatic input too. */
const RANGES: Readonly<Record<string, readonly [string, number, number, boolean]>> = {
  gsns: ['gsns', 1, MAX_GSNS, true],
  firstGsn: ['first-gsn', 0, MAX_GSN_NUMBER, true],
  sessions: ['sessions', 1, MAX_STREAMED_CDRS, true],
  cdrsPerMessage: ['cdrs-per-message', 1, 255, true],
  gtppVersion: ['gtpp-version', 0, 2, true],
  window: ['window', 1, 4096, true],
  timeoutMs: ['timeout-ms', 1, 600_000, true],
  retries: ['retries', 0, 100, true],
  dupRate: ['dup-rate', 0, 1, false],
  rate: ['rate', 0, 10_000_000, false],
  durationMs: ['duration', 1, 24 * 3_600_000, true],
  count: ['count', 1, MAX_STREAMED_CDRS, true],
  maxSeconds: ['max-seconds', 1, 86_400, true],
  seed: ['seed', 0, 0xffffffff, true],
};

export const OPTION_NAMES: readonly string[] = Object.keys(PARSERS);

/** How far ahead `--start-at` may be: a run stays bounded in time. */
const MAX_START_DELAY_MS = 24 * 3_600_000;

/** `--start-at`: ms since the epoch, or an ISO 8601 date-time with its offset. */
function parseStartAt(text: string): { ok: true; value: number } | { ok: false; expected: string } {
  const ms = /^\d+$/.test(text)
    ? Number(text)
    : /^\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:?\d\d)$/.test(text)
      ? Date.parse(text)
      : NaN;
  return Number.isSafeInteger(ms)
    ? { ok: true, value: ms }
    : { ok: false, expected: 'ms since the epoch or an ISO 8601 date-time with its offset' };
}

/** Parses the arguments after `loadgen gtpp`. The CLI default for `--out` is ./loadgen-out. */
export function parseGtppLoadArgs(argv: readonly string[]): GtppLoadInput {
  return parseLoadArgs<GtppLoadInput>(argv, PARSERS, fillGtppLoadOptions);
}

/** Fills defaults and checks the whole set; every problem is reported in one UsageError. */
export function fillGtppLoadOptions(input: GtppLoadInput): GtppLoadOptions {
  const o: GtppLoadOptions = {
    ...DEFAULTS,
    secondary: undefined,
    sessions: undefined,
    durationMs: undefined,
    count: undefined,
    pcap: undefined,
    startAtMs: undefined,
  };
  Object.assign(o, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
  const errors: string[] = [];
  for (const [field, [flag, min, max, integer]] of Object.entries(RANGES)) {
    const v = o[field as keyof GtppLoadOptions];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
      errors.push(
        `--${flag}: expected ${integer ? 'an integer' : 'a number'} ${min}–${max}, got ${JSON.stringify(v)}`,
      );
    }
  }
  for (const [name, ep] of [
    ['target', o.target],
    ['secondary', o.secondary],
  ] as const) {
    if (ep === undefined) continue;
    if (!isLoopback(ep.host)) {
      errors.push(
        `--${name}: ${ep.host} is not a loopback address; the load generator only sends to 127.0.0.0/8, ::1 or localhost`,
      );
    }
    if (!Number.isInteger(ep.port) || ep.port < 1 || ep.port > 65_535)
      errors.push(`--${name}: expected port 1–65535, got ${ep.port}`);
  }
  if (Number.isInteger(o.firstGsn) && Number.isInteger(o.gsns) && o.firstGsn + o.gsns - 1 > MAX_GSN_NUMBER) {
    errors.push(
      `--first-gsn: GSNs ${o.firstGsn}–${o.firstGsn + o.gsns - 1} go past the last source address (GSN ${MAX_GSN_NUMBER}, 127.0.255.255); expected at most ${MAX_GSN_NUMBER - o.gsns + 1}`,
    );
  }
  if (isIP(o.target.host) === 6 && o.gsns > 1) {
    errors.push(
      `--gsns: an IPv6 target (::1) gives every GSN the same source address; expected 1, got ${o.gsns}`,
    );
  }
  if (o.secondary !== undefined && isIP(o.secondary.host) !== isIP(o.target.host)) {
    errors.push('--secondary: expected the same address family as --target');
  }
  if (o.startAtMs !== undefined) {
    const latest = Date.now() + MAX_START_DELAY_MS;
    if (!Number.isInteger(o.startAtMs) || o.startAtMs < 0 || o.startAtMs > latest)
      errors.push(
        `--start-at: expected a time at most 24 h from now (ms since the epoch or ISO 8601), got ${JSON.stringify(o.startAtMs)}`,
      );
  }
  if (o.pcap !== undefined && o.transport !== 'udp')
    errors.push('--pcap: expected --transport udp (the capture holds UDP datagrams)');
  const rateShapes = ['square', 'ramp', 'poisson'];
  if (o.rate === 0 && rateShapes.includes(o.shape.kind)) {
    errors.push(`--shape ${o.shape.kind}: expected a --rate above 0 (the shape varies the rate)`);
  }
  if (o.shape.kind === 'storm' && o.shape.gsn >= o.gsns) {
    errors.push(`--shape storm: gsn ${o.shape.gsn} does not exist; expected 0–${o.gsns - 1}`);
  }
  if (o.dupRate > 0 && o.cdrsPerMessage < 1) errors.push('--dup-rate: needs --cdrs-per-message ≥ 1');
  if (!PREPARE_MODES.includes(o.prepare))
    errors.push(`--prepare: expected ${PREPARE_EXPECTED}, got ${JSON.stringify(o.prepare)}`);
  if (!AT_DURATION.includes(o.atDuration))
    errors.push(`--at-duration: expected ${AT_DURATION_EXPECTED}, got ${JSON.stringify(o.atDuration)}`);
  const finishing = o.atDuration === 'finish-sessions';
  if (finishing && o.durationMs === undefined)
    errors.push('--at-duration finish-sessions: expected a --duration to finish the sessions at');
  if (finishing && o.prepare === 'ahead')
    errors.push(
      '--at-duration finish-sessions: expected --prepare stream or auto (a run prepared ahead has its messages, sessions interleaved, made already)',
    );
  const planned = durationBound(o) ? Infinity : plannedCdrs(o);
  if (o.prepare === 'auto')
    Object.assign(o, { prepare: planned > MAX_PREPARED_CDRS || finishing ? 'stream' : 'ahead' });
  if (o.prepare === 'ahead' && planned > MAX_PREPARED_CDRS) {
    errors.push(
      Number.isFinite(planned)
        ? `the run would prepare about ${Math.round(planned)} CDRs ahead; at most ${MAX_PREPARED_CDRS} (lower --sessions, --count, --rate or --duration, or --prepare stream)`
        : '--prepare ahead: a run bounded by --duration alone has no number of CDRs to prepare; give --count, --sessions or --rate, or --prepare stream',
    );
  }
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  return o;
}

/** A run that sends for its duration, as fast as answers come: no --count, --sessions or --rate. */
function durationBound(o: GtppLoadOptions): boolean {
  return o.durationMs !== undefined && o.count === undefined && o.sessions === undefined && o.rate === 0;
}

/** How far the run's session plan goes: as `sessionLimit`, or no end for a run bounded by its duration. */
export function planLimit(o: GtppLoadOptions): PlanLimit {
  return durationBound(o) ? { unbounded: true } : sessionLimit(o);
}

function plannedCdrs(o: GtppLoadOptions): number {
  const r = o.records;
  return plannedRecords(o, r.kind === 'fixed' ? r.n : r.kind === 'uniform' ? (r.min + r.max) / 2 : r.mean);
}
