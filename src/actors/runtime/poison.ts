/**
 * Poison entries: an input entry at which the actor crashed again and again. After `poisonAfter`
 * crashes at one position the entry is handled record by record in isolation (records that throw
 * go to the quarantine, the rest go on); if the actor still crashes there (a hard crash no handler
 * can catch), after twice that many the whole entry goes to the quarantine. Decisions are written
 * to disk before they are acted on, so a replay takes the same path.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { PoisonInfo } from './protocol.js';

export type PoisonMode = 'isolate' | 'skip';

export interface PoisonDecision {
  readonly mode: PoisonMode;
  readonly reason: string;
  readonly crashes: number;
}

export class PoisonList {
  readonly #decisions = new Map<number, PoisonDecision>();
  readonly #file: string;

  constructor(actorDir: string) {
    mkdirSync(actorDir, { recursive: true });
    this.#file = join(actorDir, 'poison.json');
    let text: string | undefined;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      const parsed = JSON.parse(text) as Record<string, PoisonDecision>;
      for (const [lsn, d] of Object.entries(parsed)) this.#decisions.set(Number(lsn), d);
    }
  }

  get(position: number): PoisonDecision | undefined {
    return this.#decisions.get(position);
  }

  /** Apply what the host reports about the previous crashes; returns the decision taken, if any. */
  consider(info: PoisonInfo | null, poisonAfter: number): PoisonDecision | undefined {
    if (info === null || info.crashes < poisonAfter) return undefined;
    const mode: PoisonMode = info.crashes >= 2 * poisonAfter ? 'skip' : 'isolate';
    const prev = this.#decisions.get(info.position);
    if (prev?.mode === mode) return prev;
    const decision: PoisonDecision = { mode, reason: info.reason, crashes: info.crashes };
    this.#decisions.set(info.position, decision);
    this.#persist();
    return decision;
  }

  #persist(): void {
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.#decisions)));
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#file);
  }
}
