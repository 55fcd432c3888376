/**
 * Restart backoff (STYLE.md 3.11, narflow's own): the restart is counted when decided, then the
 * start is delayed by min(max, initial × factor^(n−1)) spread by ±jitter, where n counts the
 * consecutive restarts of that child and resets once it stayed up `resetAfterMs`.
 */
import type { FilledBackoff, FilledChildSpec, FilledFlags } from './child-spec.js';

/** The nominal delay for the n-th consecutive restart (n ≥ 1), before jitter. */
export function nominalDelay(spec: FilledBackoff, n: number): number {
  return Math.min(spec.maxMs, spec.initialMs * spec.factor ** (n - 1));
}

/** Spreads `delay` uniformly over [delay × (1 − jitter), delay × (1 + jitter)); `random` returns [0, 1). */
export function jittered(delay: number, jitter: number, random: () => number): number {
  const spread = delay * jitter * (2 * random() - 1);
  return Math.max(0, Math.round(delay + spread));
}

/** Per-child backoff state: the consecutive-restart count and how long the child last stayed up. */
export class BackoffState {
  private consecutive = 0;
  private lastUptimeMs: number | undefined;

  constructor(
    private readonly spec: FilledBackoff,
    private readonly random: () => number,
  ) {}

  /** The child ran for `uptimeMs` before it exited (called only for exits the supervisor acts on). */
  noteUptime(uptimeMs: number): void {
    this.lastUptimeMs = uptimeMs;
  }

  /** Delay for the restart being decided now; resets the count first if the child stayed up long enough. */
  nextDelay(): number {
    if (this.lastUptimeMs !== undefined && this.lastUptimeMs >= this.spec.resetAfterMs) this.consecutive = 0;
    this.lastUptimeMs = undefined;
    this.consecutive += 1;
    return jittered(nominalDelay(this.spec, this.consecutive), this.spec.jitter, this.random);
  }

  /** Consecutive restarts counted so far. */
  get count(): number {
    return this.consecutive;
  }
}

/**
 * Restarts of one child are at least one backoff delay apart, so when the `intensity` shortest
 * consecutive delays already span more than `period`, intensity can never be exceeded by that child.
 */
export function backoffWarnings(flags: FilledFlags, children: readonly FilledChildSpec[]): string[] {
  const warnings: string[] = [];
  const periodMs = flags.period * 1000;
  for (const child of children) {
    const b = child.backoff;
    if (b === undefined || flags.intensity === 0) continue;
    let sum = 0;
    for (let n = 1; n <= flags.intensity; n += 1) {
      sum += nominalDelay(b, n) * (1 - b.jitter);
    }
    if (sum > periodMs) {
      warnings.push(
        `child "${child.id}": ${flags.intensity} consecutive backoff delays take at least ${Math.round(sum)} ms, ` +
          `more than the period of ${periodMs} ms: restart intensity can never be exceeded by this child`,
      );
    }
  }
  return warnings;
}
