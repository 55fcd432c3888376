/**
 * How busy an actor's thread was since the last stats message, and how long its event loop was held
 * up: utilisation (0..1), and how late a 10 ms timer fired, counted in latency buckets (the host adds
 * them to a histogram). A late timer shows a stall that holds back every answer and hand-over of the
 * actor: a long handler step, a checkpoint, a GC pause, or a thread that did not get a core.
 */
import { performance } from 'node:perf_hooks';
import { LatencyBuckets, type BucketReport } from '../telemetry/latency-buckets.js';

const RESOLUTION_MS = 10;

export interface EventLoopLoadReport {
  readonly eventLoopUtilization: number;
  /** How late each 10 ms timer fired since the previous report, ms, per bucket. */
  readonly eventLoopDelay: BucketReport;
}

export class EventLoopLoad {
  #elu = performance.eventLoopUtilization();
  readonly #delay = new LatencyBuckets();
  #last = performance.now();
  readonly #timer: NodeJS.Timeout;

  constructor() {
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#delay.record(Math.max(0, now - this.#last - RESOLUTION_MS));
      this.#last = now;
    }, RESOLUTION_MS);
    this.#timer.unref();
  }

  /** Since the previous call (or the start). */
  take(): EventLoopLoadReport {
    const elu = performance.eventLoopUtilization(this.#elu);
    this.#elu = performance.eventLoopUtilization();
    return { eventLoopUtilization: elu.utilization, eventLoopDelay: this.#delay.take() };
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
