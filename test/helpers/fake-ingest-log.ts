/**
 * An input log for ingest tests whose durability the test controls: `append` resolves only when the
 * test calls `durable()` (or at once with `autoDurable`), or rejects when it calls `fail()`; alarms are
 * kept by name.
 */
import pino from 'pino';
import type { IngestContext } from '../../src/actors/runtime/actor.js';

export class FakeLog {
  readonly entries: Uint8Array[] = [];
  readonly #pending: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  backlog = 0;
  held = 0;
  readonly alarms = new Map<string, string>();
  autoDurable = false;

  constructor(readonly nodeId = 'gtpp') {}

  context(actorDir: string): IngestContext {
    return {
      nodeId: this.nodeId,
      actorDir,
      log: pino({ level: 'silent' }),
      checkpointPosition: 1,
      pendingEntries: async () => [],
      backlog: () => this.backlog,
      heldRecords: () => this.held,
      alarm: (name, raised, detail = '') => {
        if (raised) this.alarms.set(name, detail);
        else this.alarms.delete(name);
      },
      append: (payload) => {
        this.entries.push(payload);
        const lsn = this.entries.length;
        if (this.autoDurable) return Promise.resolve(lsn);
        return new Promise<number>((resolve, reject) =>
          this.#pending.push({ resolve: () => resolve(lsn), reject }),
        );
      },
    };
  }

  /** Makes every appended entry durable. */
  durable(): void {
    for (const p of this.#pending.splice(0)) p.resolve();
  }

  /** Fails every appended entry not yet durable (a write or fsync that failed). */
  fail(err = new Error('write failed')): void {
    for (const p of this.#pending.splice(0)) p.reject(err);
  }
}
