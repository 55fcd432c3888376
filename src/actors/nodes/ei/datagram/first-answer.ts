/**
 * What a request's first copy was answered with, once it was: copies of the request that arrive
 * before (retransmissions) wait here, those that arrive after get it at once. A datagram ingest
 * keeps one per request it took, for as long as it remembers the request.
 */
export class FirstAnswer<T> {
  #answered = false;
  #value: T | undefined;
  #waiting: ((value: T) => void)[] | undefined;

  /** Runs `then` with the answer: now if there is one, else once it comes (never, if it does not). */
  whenAnswered(then: (value: T) => void): void {
    if (this.#answered) then(this.#value as T);
    else (this.#waiting ??= []).push(then);
  }

  /** The first copy was answered with `value`: the copies waiting get it too. */
  answer(value: T): void {
    this.#answered = true;
    this.#value = value;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting !== undefined) for (const then of waiting) then(value);
  }
}
