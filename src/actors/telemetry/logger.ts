/**
 * One logger tree per thread: a root pino logger writing JSON lines, a child per actor, subscriber
 * identifiers redacted, and a rate limiter for lines that a misbehaving peer could repeat without end.
 *
 * Destination: the main thread uses pino's default (asynchronous writes to stdout, flushed on exit).
 * Worker threads write synchronously to file descriptor 1: a worker may end with `process.exit`, which
 * would drop an asynchronous buffer, and a synchronous write puts each line on stdout with one
 * write(2), so lines of different threads do not interleave. Error lines are rate-limited, which keeps
 * the cost of synchronous writes small. Logs are not durability: nothing depends on a line reaching disk.
 */
import { hostname } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { SUBSCRIBER_ID_ATTRIBUTES } from '../../protocols/nar/nar.js';

export type { Logger } from 'pino';

export const REDACTED = '[redacted]';

export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';
  readonly code = 'invalid_option' as const;
  constructor(
    readonly option: string,
    expected: string,
    actual: unknown,
  ) {
    super(`${option}: expected ${expected}, got ${String(actual)}`);
  }
}

/**
 * pino redaction paths for `keys`: at the top level, one and two levels deep (`imsi`, `record.imsi`,
 * `a.b.imsi`), and in arrays at the top level or one level deep (`records[0].imsi`, `batch.records[0].imsi`).
 */
export function redactPaths(keys: readonly string[] = SUBSCRIBER_ID_ATTRIBUTES): string[] {
  const paths: string[] = [];
  for (const k of keys) paths.push(k, `*.${k}`, `*.*.${k}`, `*[*].${k}`, `*.*[*].${k}`);
  return paths;
}

export interface LoggerConfig {
  /** pino level name: fatal, error, warn, info, debug, trace or silent. */
  readonly level: string;
  /** Fields on every line (e.g. `{ host: 'h1' }`). */
  readonly base?: Record<string, unknown>;
  /** Where lines go; the thread's default when absent (see the file header). */
  readonly destination?: DestinationStream;
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function createLogger(config: LoggerConfig): Logger {
  if (!LEVELS.has(config.level)) {
    throw new TelemetryConfigError('level', `one of ${[...LEVELS].join(', ')}`, config.level);
  }
  const options: LoggerOptions = {
    level: config.level,
    base: { pid: process.pid, hostname: hostname(), ...config.base },
    redact: { paths: redactPaths(), censor: REDACTED },
  };
  const destination =
    config.destination ?? (isMainThread ? undefined : pino.destination({ dest: 1, sync: true }));
  return destination === undefined ? pino(options) : pino(options, destination);
}

export interface ActorLogFields {
  readonly node: string;
  readonly actor: string;
  readonly partition: number;
  readonly thread: number;
}

/** The child logger of one actor: every line carries its node, actor id, partition and thread. */
export function actorLogger(root: Logger, fields: ActorLogFields): Logger {
  return root.child({ ...fields });
}

export interface RateLimitOptions {
  /** Length of the window in ms during which a key writes at most one line (default 10 000). */
  readonly windowMs?: number;
  /** Millisecond clock (default `performance.now`). */
  readonly now?: () => number;
}

interface KeyState {
  lastLineAt: number;
  suppressed: number;
  level: 'error' | 'warn';
  obj: Record<string, unknown>;
  msg: string;
}

/** Keys whose window ended with nothing suppressed are forgotten once this many keys are tracked. */
const PRUNE_ABOVE = 1024;

/**
 * At most one line per key per window. Each line carries `suppressed`: the number of calls for that
 * key that wrote nothing since the previous line. The caller counts every occurrence in its metrics
 * regardless; this only keeps a peer that sends garbage from flooding the log.
 */
export class RateLimitedLog {
  readonly windowMs: number;
  readonly #now: () => number;
  readonly #keys = new Map<string, KeyState>();

  constructor(
    readonly log: Logger,
    options: RateLimitOptions = {},
  ) {
    const windowMs = options.windowMs ?? 10_000;
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new TelemetryConfigError('windowMs', 'a positive number of milliseconds', windowMs);
    }
    this.windowMs = windowMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Returns true when a line was written, false when it was counted as suppressed. */
  error(key: string, obj: Record<string, unknown>, msg: string): boolean {
    return this.#write('error', key, obj, msg);
  }

  warn(key: string, obj: Record<string, unknown>, msg: string): boolean {
    return this.#write('warn', key, obj, msg);
  }

  /** Calls suppressed for `key` since its last line. */
  suppressed(key: string): number {
    return this.#keys.get(key)?.suppressed ?? 0;
  }

  /** Writes one line for every key with suppressed calls (on shutdown), with the last object and message. */
  flush(): void {
    const now = this.#now();
    for (const s of this.#keys.values()) {
      if (s.suppressed === 0) continue;
      this.log[s.level]({ ...s.obj, suppressed: s.suppressed }, s.msg);
      s.suppressed = 0;
      s.lastLineAt = now;
    }
  }

  #write(level: 'error' | 'warn', key: string, obj: Record<string, unknown>, msg: string): boolean {
    const now = this.#now();
    const s = this.#keys.get(key);
    if (s !== undefined && now - s.lastLineAt < this.windowMs) {
      s.suppressed += 1;
      s.level = level;
      s.obj = obj;
      s.msg = msg;
      return false;
    }
    this.log[level]({ ...obj, suppressed: s?.suppressed ?? 0 }, msg);
    if (s === undefined) {
      if (this.#keys.size >= PRUNE_ABOVE) this.#prune(now);
      this.#keys.set(key, { lastLineAt: now, suppressed: 0, level, obj, msg });
    } else {
      s.lastLineAt = now;
      s.suppressed = 0;
    }
    return true;
  }

  #prune(now: number): void {
    for (const [k, s] of this.#keys) {
      if (s.suppressed === 0 && now - s.lastLineAt >= this.windowMs) this.#keys.delete(k);
    }
  }
}
