/**
 * Checks the tables of one actor for changes every `everyMs` of tick time and swaps in new
 * versions. A version that does not load leaves the old table in effect and raises the actor's
 * `lookup_reload_failed` alarm (detail `<file>: <reason>`, every failing table); the alarm is
 * cleared once every table loads again.
 *
 * Why reloading on ticks is deterministic enough: ticks are input-log entries, so after a crash
 * the replay checks the tables at the same log positions as the first run. What it cannot replay
 * is the file's content at that time: a record replayed after the table changed may get the new
 * value. Outputs downstream already acknowledged are dropped there as duplicates by their
 * (producer, sequence), so the difference is limited to the records that were not yet
 * acknowledged, and the version in effect from each position on is logged (file, mtimeMs, size,
 * position) so an auditor can tell which table a record saw.
 */
import { z } from 'zod';
import type { Logger } from 'pino';
import type { HandlerContext } from '../../../runtime/actor.js';
import type { TableFile } from './table-file.js';

export const RELOAD_ALARM = 'lookup_reload_failed';

const reloadSnapshot = z.strictObject({
  nextCheckMs: z.number().nullable(),
  tables: z.array(z.strictObject({ file: z.string(), mtimeMs: z.number(), size: z.number() })),
});
export type ReloadSnapshot = z.output<typeof reloadSnapshot>;

export class EnhanceSnapshotError extends Error {
  override readonly name = 'EnhanceSnapshotError';
  readonly code = 'invalid_snapshot' as const;
}

export class TableReloader {
  #nextCheckMs: number | null = null;
  readonly #failures = new Map<string, string>();
  /** Alarm detail last reported ('' = cleared); undefined before the first check of this worker. */
  #reported: string | undefined;

  constructor(
    private readonly tables: readonly TableFile<unknown>[],
    private readonly everyMs: number,
  ) {}

  /** Logs the table versions this worker read at start, and those in effect at the checkpoint. */
  restore(snapshot: unknown, log: Logger): void {
    if (snapshot !== undefined && snapshot !== null) {
      const parsed = reloadSnapshot.safeParse(snapshot);
      if (!parsed.success)
        throw new EnhanceSnapshotError(
          'enhance-ep snapshot: expected { nextCheckMs, tables: [{ file, mtimeMs, size }] }',
        );
      this.#nextCheckMs = parsed.data.nextCheckMs;
      for (const was of parsed.data.tables) {
        const now = this.tables.find((t) => t.file === was.file);
        if (now !== undefined && (now.version.mtimeMs !== was.mtimeMs || now.version.size !== was.size))
          log.info(
            { table: was.file, checkpoint: was, now: now.version },
            'table changed since the checkpoint',
          );
      }
    }
    for (const t of this.tables) log.info({ table: t.file, ...t.version }, 'table version in effect');
  }

  snapshot(): ReloadSnapshot {
    return {
      nextCheckMs: this.#nextCheckMs,
      tables: this.tables.map((t) => ({ file: t.file, mtimeMs: t.version.mtimeMs, size: t.version.size })),
    };
  }

  async onTick(nowMs: number, ctx: HandlerContext): Promise<void> {
    if (this.everyMs === 0 || this.tables.length === 0) return;
    if (this.#nextCheckMs !== null && nowMs < this.#nextCheckMs) return;
    this.#nextCheckMs = nowMs + this.everyMs;
    for (const table of this.tables) {
      const result = await table.reloadIfChanged();
      if (result.status === 'failed') {
        if (this.#failures.get(table.file) !== result.reason)
          ctx.log.warn(
            { table: table.file, reason: result.reason },
            'table reload failed; the previous version stays',
          );
        this.#failures.set(table.file, result.reason);
        continue;
      }
      if (result.status === 'settling') continue; // the state before the change stands
      this.#failures.delete(table.file);
      if (result.status === 'reloaded')
        ctx.log.info({ table: table.file, ...result.version, position: ctx.position }, 'table reloaded');
    }
    const detail = [...this.#failures.values()].join('; ');
    if (detail === this.#reported) return;
    this.#reported = detail;
    if (detail === '') ctx.alarm(RELOAD_ALARM, false);
    else ctx.alarm(RELOAD_ALARM, true, detail);
  }
}
