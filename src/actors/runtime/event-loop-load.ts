/**
 * How busy an actor's thread was since the last stats message, and how long its event loop was held
 * up: utilisation (0..1), and the delay of a 10 ms timer (p99 and max), which shows stalls that
 * hold back every answer and hand-over of the actor (a long handler step, a checkpoint, a GC pause).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

export interface EventLoopLoadReport {
  readonly eventLoopUtilization: number;
  /** How late the timer fired, ms: p99 and the most since the previous report (0: no sample). */
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
}

export class EventLoopLoad {
  #elu = performance.eventLoopUtilization();
  readonly #delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.#delay.enable();
  }

  /** Since the previous call (or the start). */
  take(): EventLoopLoadReport {
    const elu = performance.eventLoopUtilization(this.#elu);
    this.#elu = performance.eventLoopUtilization();
    const d = this.#delay;
    // The histogram holds whole timer intervals (ns): the delay is what passed beyond the resolution.
    const late = (ns: number): number => (d.count === 0 ? 0 : Math.max(0, ns / 1e6 - RESOLUTION_MS));
    const report = {
      eventLoopUtilization: elu.utilization,
      eventLoopDelayP99Ms: late(d.percentile(99)),
      eventLoopDelayMaxMs: late(d.max),
    };
    d.reset();
    return report;
  }

  stop(): void {
    this.#delay.disable();
  }
}
