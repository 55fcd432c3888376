/**
 * An actor's time, as its ticks carry it: the wall clock in an actor no other actor feeds, and
 * elsewhere the time its producers have sent all their data up to (input-clock.ts). Ticks never go
 * back, across restarts too: the floor is the latest tick the log holds. The latest tick handled is
 * what the actor tells its own consumers while it is busy.
 */
import { InputClock } from '../transfer/input-clock.js';

export class ActorTime {
  readonly #clock: InputClock;
  /** The latest tick time in the log. */
  #floorMs: number;
  /** The latest tick time handled: everything that reached the actor before it is handled. */
  #handledMs = 0;
  readonly #startedMs = Date.now();

  constructor(
    producers: readonly string[],
    floorMs: number,
    private readonly tickIntervalMs: number,
  ) {
    this.#clock = new InputClock(producers);
    this.#floorMs = floorMs;
  }

  /** The latest tick time in the log (0: none yet). */
  get floorMs(): number {
    return this.#floorMs;
  }

  /** Whether other actors feed this one (its time is theirs). */
  get fedByOthers(): boolean {
    return this.#clock.producers.length > 0;
  }

  /** The plan's links into this actor changed: its time waits for these producers from now on. */
  setProducers(producers: readonly string[]): void {
    this.#clock.setProducers(producers);
  }

  /** `producer` has sent everything up to `upTo`; true when its time moved. */
  report(producer: string, upTo: number): boolean {
    return this.#clock.report(producer, upTo);
  }

  /** The time now: the wall clock with no producer, else theirs (undefined: not known yet). */
  now(): number | undefined {
    return this.fedByOthers ? this.#clock.now() : Date.now();
  }

  /** The time of a tick appended now, the floor moved to it; undefined when the time has not moved. */
  takeTick(): number | undefined {
    const now = this.now();
    if (now === undefined || now <= this.#floorMs) return undefined;
    this.#floorMs = now;
    return now;
  }

  /** The producers' time is a tick interval past the latest tick: one is due before the next timer. */
  tickDue(): boolean {
    const now = this.#clock.now();
    return now !== undefined && now - this.#floorMs >= this.tickIntervalMs;
  }

  /** A tick entry was handled; returns the latest tick time handled. */
  handled(tickMs: number): number {
    this.#handledMs = Math.max(this.#handledMs, tickMs);
    return this.#handledMs;
  }

  /**
   * The data time to tell consumers (0: none yet): the latest tick handled, or, with nothing left to
   * handle or to send (`idle`), the time now (whatever reaches the actor later comes after it).
   */
  upTo(idle: boolean): number {
    return idle ? Math.max(this.#handledMs, this.now() ?? 0) : this.#handledMs;
  }

  /** How far the latest tick is behind the wall clock (0 before the first). */
  lagMs(): number {
    return this.#floorMs === 0 ? 0 : Math.max(0, Date.now() - this.#floorMs);
  }

  /**
   * The `time_lag` alarm's detail when the producers have held the time back for longer than
   * `limitMs` (since the start, before the first tick), else ''.
   */
  heldBack(limitMs: number): string {
    const lagMs = Date.now() - (this.#floorMs === 0 ? this.#startedMs : this.#floorMs);
    if (lagMs <= limitMs) return '';
    return `time ${Math.round(lagMs / 1000)} s behind the wall clock; held back by ${this.#clock.laggards().join(', ')} (input waiting upstream, or a producer down)`;
  }
}
