/**
 * Where each actor last crashed and how often in a row at that input position: handed to the
 * actor's next start, so a poison entry is recognised (see the runtime's poison list). An actor
 * that reports progress past the position is clear of it.
 */
import type { PoisonInfo } from '../../actors/runtime/protocol.js';

export class CrashBook {
  readonly #crashes = new Map<string, PoisonInfo>();

  /** Books a crash; returns how many times in a row the actor crashed at this position. */
  crashed(actor: string, position: number, reason: string): number {
    const prev = this.#crashes.get(actor);
    const crashes = prev !== undefined && prev.position === position ? prev.crashes + 1 : 1;
    this.#crashes.set(actor, { position, crashes, reason });
    return crashes;
  }

  progressed(actor: string, position: number): void {
    const crash = this.#crashes.get(actor);
    if (crash !== undefined && position > crash.position) this.#crashes.delete(actor);
  }

  poisonOf(actor: string): PoisonInfo | null {
    return this.#crashes.get(actor) ?? null;
  }
}
