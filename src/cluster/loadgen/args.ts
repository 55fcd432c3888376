/**
 * Command-line value parsers for load generators. Each returns the value or a message saying what was
 * expected, so the caller can name the option and report every problem at once.
 */
import { isIP } from 'node:net';
import { UsageError } from '../cli/usage-error.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

/** An integer in [min, max]; `_` and `,` are not accepted, a plain `1e6` is. */
export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  const v = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(v) || v < min || v > max) {
    return bad(`an integer ${min}–${max}`);
  }
  return ok(v);
}

/** A finite number in [min, max]. */
export function parseNumber(text: string, min: number, max: number): Parsed<number> {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max) return bad(`a number ${min}–${max}`);
  return ok(v);
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration such as `500ms`, `10s`, `1.5m`, `1h`; a bare number is seconds. Result in ms. */
export function parseDuration(text: string, maxMs: number): Parsed<number> {
  const m = DURATION.exec(text.trim());
  if (m === null) return bad('a duration such as 500ms, 10s, 2m (a bare number is seconds)');
  const ms = Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] as number));
  if (ms <= 0 || ms > maxMs) return bad(`a duration above 0 and at most ${maxMs / 1000}s`);
  return ok(ms);
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** `HOST:PORT`, `HOST` (default port) or `[IPv6]:PORT`; `localhost` becomes 127.0.0.1. */
export function parseEndpoint(text: string, defaultPort: number): Parsed<Endpoint> {
  const expected = 'HOST:PORT (a loopback address: 127.0.0.0/8, ::1 or localhost)';
  let host = text.trim();
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (bracket !== null) {
    host = bracket[1] as string;
    portText = bracket[2];
  } else if (host.split(':').length === 2) {
    [host, portText] = host.split(':') as [string, string];
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return bad(`${expected}; port 1–65535`);
  if (host === 'localhost') host = '127.0.0.1';
  if (isIP(host) === 0) return bad(expected);
  return ok({ host, port });
}

/** True for 127.0.0.0/8 and ::1 (also written in full). */
export function isLoopback(host: string): boolean {
  const v = isIP(host);
  if (v === 4) return host.startsWith('127.');
  if (v === 6) {
    const h = host.toLowerCase();
    return h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h) || /^(0{1,4}:){1,6}:0{0,3}1$/.test(h);
  }
  return false;
}

/** Splits `name=value,name=value`; a part without `=` is an error. */
export function parseParams(text: string): Parsed<Map<string, string>> {
  const out = new Map<string, string>();
  if (text.trim() === '') return ok(out);
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return bad(`name=value pairs separated by commas, got ${JSON.stringify(part)}`);
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return ok(out);
}

/**
 * Tokenizes `--name value`, `--name=value` and bare `--flag` (for names in `flags`) into a map of
 * option → values (in order). Non-option words are returned as positionals.
 */
export function tokenize(
  argv: readonly string[],
  flags: ReadonlySet<string>,
): { options: Map<string, string[]>; positionals: string[]; errors: string[] } {
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (flags.has(name)) value = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        errors.push(`--${name}: expected a value`);
        continue;
      }
      value = next;
      i++;
    }
    const list = options.get(name) ?? [];
    list.push(value);
    options.set(name, list);
  }
  return { options, positionals, errors };
}

/** An option's parser: the key of the options it sets, and how its text becomes a value. */
export type OptionParser = readonly [key: string, parse: (text: string) => Parsed<unknown>];

/**
 * The arguments after `loadgen <generator>`: each `--name value` through its parser into the input
 * record (`out` ./loadgen-out and `progress` auto unless given). Unknown options, repeated ones,
 * stray words and bad values are collected; when there is any, `check` runs on what was parsed so
 * its whole-set problems (a non-loopback target, …) are reported too, all in one UsageError.
 */
export function parseLoadArgs<I>(
  argv: readonly string[],
  parsers: Readonly<Record<string, OptionParser>>,
  check: (input: I) => unknown,
): I {
  const { options, positionals, errors } = tokenize(argv, new Set());
  const input: Record<string, unknown> = { out: './loadgen-out', progress: 'auto' };
  for (const p of positionals) errors.push(`unexpected argument ${JSON.stringify(p)}`);
  for (const [name, values] of options) {
    const entry = parsers[name];
    if (entry === undefined) {
      const names = Object.keys(parsers)
        .map((n) => `--${n}`)
        .join(' ');
      errors.push(`--${name}: unknown option (options: ${names})`);
      continue;
    }
    if (values.length > 1) errors.push(`--${name}: given ${values.length} times; expected once`);
    const last = values[values.length - 1] as string;
    const r = entry[1](last);
    if (r.ok) input[entry[0]] = r.value;
    else errors.push(`--${name}: expected ${r.expected}, got ${JSON.stringify(last)}`);
  }
  if (errors.length > 0) {
    try {
      check(input as I);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      errors.push(err.message);
    }
    throw new UsageError(errors.join('\n'));
  }
  return input as I;
}
