/**
 * RFC 5080 §2.2.2 duplicate detection: requests remembered by client address, source port,
 * Identifier and Request Authenticator for `windowMs`, with the response once it was sent, so a
 * retransmission gets the same response again (or, while the first copy is not yet durable, the
 * response when it is) and is not logged twice. Bounded by time and by count (oldest first). Not
 * kept across restarts: after one, the order enhancer's record key catches the repeat.
 */
import type { FirstAnswer } from '../datagram/first-answer.js';

export interface RememberedRequest {
  readonly atMs: number;
  /** The response sent for the first copy (undefined: none was sent), once it is durable. */
  readonly answer: FirstAnswer<Uint8Array | undefined>;
}

export function requestKey(
  address: string,
  port: number,
  identifier: number,
  authenticator: Uint8Array,
): string {
  let key = `${address}|${port}|${identifier}|`;
  for (let i = 0; i < authenticator.length; i++) key += String.fromCharCode(authenticator[i] as number);
  return key;
}

export class RequestMemory {
  /** Insertion order is arrival order: the oldest are first. */
  readonly #requests = new Map<string, RememberedRequest>();

  constructor(
    private readonly windowMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.#requests.size;
  }

  /** The earlier copy of this request within the window, if any. */
  earlier(key: string, nowMs: number): RememberedRequest | undefined {
    const r = this.#requests.get(key);
    return r !== undefined && nowMs - r.atMs <= this.windowMs ? r : undefined;
  }

  remember(key: string, r: RememberedRequest): void {
    this.#requests.delete(key);
    this.#requests.set(key, r);
    this.prune(r.atMs);
  }

  /** Forgets requests older than the window, and the oldest past `max`. */
  prune(nowMs: number): void {
    for (const [key, r] of this.#requests) {
      if (this.#requests.size <= this.max && nowMs - r.atMs <= this.windowMs) break;
      this.#requests.delete(key);
    }
  }
}
