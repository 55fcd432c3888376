/**
 * Producer side of all links out of one actor: one `OutLink` per consumer, made when it is first
 * named, and what the actor asks of them together (is any consumer refusing, what is unacknowledged).
 */
import { OutLink } from './out-link.js';

export interface OutLinksStats {
  /** Per consumer: sealed batches wait for its credit. */
  readonly backpressured: Record<string, boolean>;
  /** Per consumer: batches not yet acknowledged (queued or in flight). */
  readonly outstanding: Record<string, number>;
  /** The same, all consumers together. */
  readonly totalOutstanding: number;
}

export class OutLinks {
  readonly #links = new Map<string, OutLink>();
  #upTo = 0;

  /** `onProgress`: a consumer granted credit or acknowledged batches. */
  constructor(private readonly onProgress: () => void) {}

  /** The link to `target`, made on first use. */
  get(target: string): OutLink {
    let l = this.#links.get(target);
    if (l === undefined) {
      l = new OutLink(target, this.onProgress);
      l.time(this.#upTo);
      this.#links.set(target, l);
    }
    return l;
  }

  /** The actor's data time moved on: every consumer learns it after the batches queued for it. */
  time(upTo: number): void {
    if (upTo <= this.#upTo) return;
    this.#upTo = upTo;
    for (const l of this.#links.values()) l.time(upTo);
  }

  /** Highest sequence `target` acknowledged as durable (0: none, or no link to it). */
  acked(target: string): number {
    return this.#links.get(target)?.acked ?? 0;
  }

  /** Whether some consumer has sealed batches waiting for its credit. */
  backpressured(): boolean {
    for (const l of this.#links.values()) if (l.backlog > 0) return true;
    return false;
  }

  stats(): OutLinksStats {
    const backpressured: Record<string, boolean> = {};
    const outstanding: Record<string, number> = {};
    let totalOutstanding = 0;
    for (const [t, l] of this.#links) {
      backpressured[t] = l.backlog > 0;
      outstanding[t] = l.outstanding;
      totalOutstanding += l.outstanding;
    }
    return { backpressured, outstanding, totalOutstanding };
  }

  disconnectAll(): void {
    for (const l of this.#links.values()) l.disconnect();
  }
}
