/**
 * Checkpoint discipline (DESIGN rule 5): a checkpoint at input position p is taken in memory as
 * soon as the actor reaches p, and written to disk only once every output batch sealed before p is
 * acknowledged as durable by its consumer. Newer candidates replace older ones still waiting.
 */
import type { CheckpointStore } from '../durability/checkpoint.js';

export interface Candidate {
  readonly position: number;
  readonly bytes: Uint8Array;
  /** Last sealed sequence per target actor that must be acknowledged first. */
  readonly required: Readonly<Record<string, number>>;
  readonly takenAtMs: number;
  /** The handler's snapshot count when this candidate's state was taken (see NodeHandler.checkpointCommitted). */
  readonly snapshot: number;
}

export class Checkpointer {
  #candidate: Candidate | undefined;
  #saving = false;
  #committedPosition: number;
  #committedAtMs: number;

  constructor(
    private readonly store: CheckpointStore,
    committedPosition: number,
    private readonly ackedOf: (target: string) => number,
    /** Runs before the checkpoint file is written (e.g. make quarantine entries durable). */
    private readonly beforeSave: () => Promise<void>,
    private readonly afterCommit: (committed: Candidate) => void,
    private readonly onError: (err: Error) => void,
  ) {
    this.#committedPosition = committedPosition;
    this.#committedAtMs = Date.now();
  }

  get committedPosition(): number {
    return this.#committedPosition;
  }

  get committedAtMs(): number {
    return this.#committedAtMs;
  }

  get waiting(): boolean {
    return this.#candidate !== undefined || this.#saving;
  }

  offer(candidate: Candidate): void {
    this.#candidate = candidate;
    this.poke();
  }

  /** Re-check acknowledgements (called when a consumer acknowledged something). */
  poke(): void {
    const c = this.#candidate;
    if (this.#saving || c === undefined) return;
    for (const [target, seq] of Object.entries(c.required)) {
      if (this.ackedOf(target) < seq) return;
    }
    this.#candidate = undefined;
    this.#saving = true;
    void this.#save(c);
  }

  /** Resolves when no candidate is waiting (used on orderly stop). */
  async settled(): Promise<void> {
    while (this.waiting) await new Promise((r) => setTimeout(r, 2));
  }

  async #save(c: Candidate): Promise<void> {
    try {
      await this.beforeSave();
      await this.store.save(c.bytes);
      this.#committedPosition = c.position;
      this.#committedAtMs = Date.now();
      this.afterCommit(c);
    } catch (err) {
      this.onError(err as Error);
      return;
    } finally {
      this.#saving = false;
    }
    this.poke();
  }
}
