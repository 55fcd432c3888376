/**
 * The time of an actor fed by other actors: the earliest time up to which every producer has sent
 * all its data. A producer stamps each batch with its own data time (`upTo`: the latest tick it had
 * handled when it sealed the batch) and reports its time on the link when it has nothing queued
 * there; this clock keeps each producer's highest report and answers their minimum.
 *
 * Why: ticks are the only time an actor sees (DESIGN rule 3). Stamped with the wall clock at the
 * consumer, a backlog upstream (the consumer fell behind and refused credit, was down, or its
 * producer replays after a restart) would pass as silence: an order enhancer would close an S-CDR
 * session for inactivity while the session's next records waited in the producer's log, and then
 * drop them as late duplicates. With this clock, time at an actor advances only as its input does.
 * A producer that has not reported since this actor started holds the time back, as does one that
 * is down: records may wait in its log.
 */
export class InputClock {
  readonly #upTo = new Map<string, number>();
  #producers: readonly string[];

  constructor(producers: readonly string[]) {
    this.#producers = [...new Set(producers)];
  }

  /** The actors feeding this one (the plan's links into it); reports of others are kept but not waited for. */
  setProducers(producers: readonly string[]): void {
    this.#producers = [...new Set(producers)];
  }

  get producers(): readonly string[] {
    return this.#producers;
  }

  /** `producer` has sent everything up to `upTo` (ms). Returns whether its time moved. */
  report(producer: string, upTo: number): boolean {
    const before = this.#upTo.get(producer);
    if (before !== undefined && before >= upTo) return false;
    this.#upTo.set(producer, upTo);
    return true;
  }

  /** The earliest producer time; undefined while a producer has not reported (or with none). */
  now(): number | undefined {
    if (this.#producers.length === 0) return undefined;
    let min = Infinity;
    for (const p of this.#producers) {
      const t = this.#upTo.get(p);
      if (t === undefined) return undefined;
      if (t < min) min = t;
    }
    return min;
  }

  /** The producers holding the time back: those that have not reported, and those at the earliest time. */
  laggards(): string[] {
    const now = this.now();
    return this.#producers.filter((p) => {
      const t = this.#upTo.get(p);
      return t === undefined || t === now;
    });
  }
}
