/**
 * The send loop of the load generators whose peers wait for answers (GTP' GSNs, RADIUS NASes):
 * every millisecond it runs the restart storm, releases work as the rate shape allows, pumps the
 * peers, checks their timeouts every 10 ms, records the in-flight count, reports progress about once
 * a second, and resolves when the run ends. What "work" is stays with the caller (`release`).
 */
import type { ProgressPoint } from './report.js';
import type { RateScheduler, Shape } from './shape.js';
import type { LoadStats } from './stats.js';

/** Why a run ended: `done` (everything answered or given up), `duration`, `max-seconds`, `aborted`. */
export type Ended = 'done' | 'duration' | 'max-seconds' | 'aborted';

export interface LoopHooks {
  /** Called about once a second. */
  readonly progress?: (p: ProgressPoint) => void;
  readonly signal?: AbortSignal;
}

/** A simulated network element that sends requests and waits for their answers. */
export interface LoadPeer {
  pump(nowMs: number): void;
  checkTimeouts(nowMs: number): void;
  /** The storm's peer goes silent. */
  goDown(): void;
  /** The storm's peer comes back (and floods what it held). */
  restart(nowMs: number): void;
  readonly outstanding: number;
  readonly idle: boolean;
}

type StormShape = Extract<Shape, { kind: 'storm' }>;

/**
 * The restart storm's clock: calls `down` when the storm's time comes and `up` once its outage is
 * over. Shared by every generator that has a storm shape.
 */
export class StormSwitch {
  readonly #storm: StormShape | undefined;
  #phase = 0;

  constructor(
    shape: Shape,
    private readonly down: () => void,
    private readonly up: (nowMs: number) => void,
  ) {
    this.#storm = shape.kind === 'storm' ? shape : undefined;
  }

  /** Its peer is silent now. */
  get isDown(): boolean {
    return this.#phase === 1;
  }

  /** The storm has not yet brought its peer back. */
  get pending(): boolean {
    return this.#storm !== undefined && this.#phase < 2;
  }

  step(nowMs: number): void {
    const s = this.#storm;
    if (s === undefined) return;
    if (this.#phase === 0 && nowMs >= s.atMs) {
      this.down();
      this.#phase = 1;
    } else if (this.#phase === 1 && nowMs >= s.atMs + s.downMs) {
      this.up(nowMs);
      this.#phase = 2;
    }
  }
}

export interface SendLoopPlan {
  readonly shape: Shape;
  readonly scheduler: RateScheduler;
  readonly durationMs: number | undefined;
  /** How long the peers may still be waiting for answers after the duration: timeout × (retries + 2). */
  readonly drainMs: number;
  readonly maxSeconds: number;
  /** Hands out the work the scheduler allows by now (`allowed` units); false once all of it is out. */
  release(allowed: number): boolean;
  /** The duration is over: the peers take no new work. */
  stopNew(): void;
  /**
   * When present, the end of the duration calls this instead of `stopNew`: the work goes on until
   * `release` has handed out all of it (bounded by maxSeconds, not by the duration's drain).
   */
  finishSessions?(): void;
}

const LOOP_MS = 1;
const TIMEOUT_CHECK_MS = 10;

export function sendLoop(
  plan: SendLoopPlan,
  peers: readonly LoadPeer[],
  stats: LoadStats,
  now: () => number,
  hooks: LoopHooks,
): Promise<Ended> {
  const stormPeer = plan.shape.kind === 'storm' ? peers[plan.shape.gsn] : undefined;
  const storm = new StormSwitch(
    plan.shape,
    () => stormPeer?.goDown(),
    (n) => stormPeer?.restart(n),
  );
  const durationMs = plan.durationMs ?? Infinity;
  const hardMs = plan.maxSeconds * 1000;
  let releasing = true;
  let finishing = false;
  let lastTimeouts = 0;
  let lastProgress = 0;
  let lastSent = 0;
  return new Promise((resolve) => {
    const finish = (why: Ended): void => {
      clearInterval(timer);
      resolve(why);
    };
    const progress = (n: number, outstanding: number): void => {
      if (hooks.progress === undefined || n - lastProgress < 1000) return;
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
    };
    const tick = (): void => {
      const n = now();
      storm.step(n);
      if (releasing) {
        releasing = plan.release(plan.scheduler.allowed(n));
        if (n >= durationMs && !finishing) {
          if (plan.finishSessions !== undefined) {
            finishing = true;
            plan.finishSessions();
          } else {
            releasing = false;
            plan.stopNew();
          }
        }
      }
      for (const p of peers) p.pump(n);
      if (n - lastTimeouts >= TIMEOUT_CHECK_MS) {
        lastTimeouts = n;
        for (const p of peers) p.checkTimeouts(n);
      }
      const outstanding = peers.reduce((sum, p) => sum + p.outstanding, 0);
      stats.tick(n, outstanding);
      progress(n, outstanding);
      if (hooks.signal?.aborted === true) return finish('aborted');
      if (n >= hardMs) return finish('max-seconds');
      if (!finishing && n >= durationMs + plan.drainMs) return finish('duration');
      const stormPending = storm.pending && stormPeer !== undefined && !stormPeer.idle;
      if (!releasing && !stormPending && peers.every((p) => p.idle))
        finish(n >= durationMs ? 'duration' : 'done');
    };
    const timer = setInterval(tick, LOOP_MS);
    tick();
  });
}
