/**
 * The send loop of a RADIUS load run: hands the NASes credit as the rate shape allows, pumps them,
 * retransmits on timeouts, runs the restart storm, reports progress about once a second, and
 * resolves when the run ends.
 */
import type { ProgressPoint } from '../report.js';
import { RateScheduler } from '../shape.js';
import type { LoadStats } from '../stats.js';
import type { SimulatedNas } from './nas.js';
import type { RadiusLoadOptions } from './options.js';
import type { PreparedRadiusRun } from './prepare.js';

/** Why the run ended: `done` (everything answered or given up), `duration`, `max-seconds`, `aborted`. */
export type Ended = 'done' | 'duration' | 'max-seconds' | 'aborted';

export interface LoopHooks {
  /** Called about once a second. */
  readonly progress?: (p: ProgressPoint) => void;
  readonly signal?: AbortSignal;
}

const LOOP_MS = 1;
const TIMEOUT_CHECK_MS = 10;

export function sendLoop(
  o: RadiusLoadOptions,
  run: PreparedRadiusRun,
  nases: readonly SimulatedNas[],
  stats: LoadStats,
  now: () => number,
  hooks: LoopHooks,
): Promise<Ended> {
  const total = run.totalRequests;
  const scheduler = new RateScheduler(o.shape, o.rate, 1, o.seed, o.durationMs ?? 60_000);
  const storm = o.shape.kind === 'storm' ? o.shape : undefined;
  const stormNas = storm === undefined ? undefined : nases[storm.gsn];
  const durationMs = o.durationMs ?? Infinity;
  const drainMs = o.timeoutMs * (o.retries + 2);
  const hardMs = o.maxSeconds * 1000;
  let released = 0;
  let releasing = true;
  let stormPhase = 0;
  let lastTimeouts = 0;
  let lastProgress = 0;
  let lastSent = 0;
  return new Promise((resolve) => {
    const finish = (why: Ended): void => {
      clearInterval(timer);
      resolve(why);
    };
    const tick = (): void => {
      const n = now();
      if (stormNas !== undefined && storm !== undefined) {
        if (stormPhase === 0 && n >= storm.atMs) {
          stormNas.goDown();
          stormPhase = 1;
        } else if (stormPhase === 1 && n >= storm.atMs + storm.downMs) {
          stormNas.restart(n);
          stormPhase = 2;
        }
      }
      if (releasing) {
        const allowed = scheduler.allowed(n);
        while (released < total && released < allowed) {
          (nases[run.releaseNas[released] as number] as SimulatedNas).grant(1);
          released++;
        }
        if (released >= total) releasing = false;
        if (n >= durationMs) {
          releasing = false;
          for (const s of nases) s.stopNew();
        }
      }
      for (const s of nases) s.pump(n);
      if (n - lastTimeouts >= TIMEOUT_CHECK_MS) {
        lastTimeouts = n;
        for (const s of nases) s.checkTimeouts(n);
      }
      const outstanding = nases.reduce((sum, s) => sum + s.outstanding, 0);
      stats.tick(n, outstanding);
      if (n - lastProgress >= 1000 && hooks.progress !== undefined) {
        const cur = stats.s.sent;
        hooks.progress({
          elapsedMs: n,
          sent: cur,
          accepted: stats.s.accepted,
          rate: ((cur - lastSent) * 1000) / (n - lastProgress),
          outstanding,
          p99Ms: stats.series[stats.series.length - 1]?.p99Ms ?? 0,
        });
        lastSent = cur;
        lastProgress = n;
      }
      if (hooks.signal?.aborted === true) return finish('aborted');
      if (n >= hardMs) return finish('max-seconds');
      if (n >= durationMs + drainMs) return finish('duration');
      const stormPending = stormNas !== undefined && stormPhase < 2 && !stormNas.idle;
      if (!releasing && !stormPending && nases.every((s) => s.idle))
        finish(n >= durationMs ? 'duration' : 'done');
    };
    const timer = setInterval(tick, LOOP_MS);
    tick();
  });
}
