/**
 * An actor's books: its record ledger, quarantine and duplicate counts by reason (all restored from
 * the checkpoint), the quarantine key ordinal inside the current input entry, and the alarms its
 * handler raised (not checkpointed: a restarted handler raises them again). Quarantined raws go to
 * the quarantine store here, with a rate-limited log line per reason.
 */
import type { Logger } from 'pino';
import type { QuarantineWriter } from '../quarantine/store.js';
import { RateLimitedLog } from '../telemetry/logger.js';
import type { CheckpointContent } from './checkpoint-content.js';
import { emptyLedger, type Ledger } from './ledger.js';
import type { ActorAlarm } from './protocol.js';

export class ActorBooks {
  readonly ledger: Ledger;
  readonly #reasons: Record<string, number>;
  readonly #duplicateReasons: Record<string, number>;
  /** Quarantine keys are (position, ordinal): a checkpoint inside an entry resumes its ordinals. */
  #ordinal: number;
  readonly #alarms = new Map<string, ActorAlarm>();
  readonly #rateLimited: RateLimitedLog;

  constructor(
    ckpt: CheckpointContent | undefined,
    private readonly ids: { readonly nodeId: string; readonly actorId: string },
    private readonly writer: QuarantineWriter,
    private readonly logger: Logger,
    errorRateLimitMs: number,
  ) {
    this.ledger = { ...emptyLedger(), ...(ckpt?.ledger ?? {}) };
    this.#reasons = { ...(ckpt?.quarantinedByReason ?? {}) };
    this.#duplicateReasons = { ...(ckpt?.duplicatesByReason ?? {}) };
    this.#ordinal = ckpt?.quarantineOrdinal ?? 0;
    this.#rateLimited = new RateLimitedLog(logger, { windowMs: Math.max(1, errorRateLimitMs) });
  }

  /** Handling moves to another input entry: its quarantine ordinals start at 0. */
  newEntry(): void {
    this.#ordinal = 0;
  }

  /** Keeps `raw` in the quarantine store under (position, ordinal); the ledger is the caller's. */
  quarantine(
    position: number,
    raw: Uint8Array,
    reason: string,
    detail?: Readonly<Record<string, unknown>>,
  ): void {
    this.#reasons[reason] = (this.#reasons[reason] ?? 0) + 1;
    this.#rateLimited.warn(reason, { reason, position, ...detail }, 'input quarantined');
    this.writer.append({
      position,
      ordinal: this.#ordinal++,
      node: this.ids.nodeId,
      source: this.ids.actorId,
      reason,
      detail: detail === undefined ? undefined : { ...detail },
      raw,
      timeMs: Date.now(),
    });
  }

  duplicate(reason: string): void {
    this.ledger.duplicates++;
    this.#duplicateReasons[reason] = (this.#duplicateReasons[reason] ?? 0) + 1;
  }

  alarm(name: string, raised: boolean, detail: string): void {
    const current = this.#alarms.get(name);
    if (raised) {
      if (current?.detail === detail) return;
      this.#alarms.set(name, { sinceMs: current?.sinceMs ?? Date.now(), detail });
      if (current === undefined) this.logger.error({ alarm: name, detail }, 'alarm raised');
    } else if (current !== undefined) {
      this.#alarms.delete(name);
      this.logger.warn({ alarm: name, forMs: Date.now() - current.sinceMs }, 'alarm cleared');
    }
  }

  /**
   * The books as a checkpoint at a position keeps them. `insideEntry`: the checkpoint falls inside
   * an entry ('more'), whose ordinals continue after a restart; at a boundary they start at 0.
   */
  checkpoint(
    held: number,
    insideEntry: boolean,
  ): Pick<CheckpointContent, 'ledger' | 'quarantinedByReason' | 'duplicatesByReason' | 'quarantineOrdinal'> {
    return {
      ledger: { ...this.ledger, held },
      quarantinedByReason: { ...this.#reasons },
      duplicatesByReason: { ...this.#duplicateReasons },
      quarantineOrdinal: insideEntry ? this.#ordinal : 0,
    };
  }

  /** What the stats message reports of the books. */
  stats(held: number): {
    ledger: Ledger;
    quarantinedByReason: Record<string, number>;
    duplicatesByReason: Record<string, number>;
    alarms: Record<string, ActorAlarm>;
  } {
    return {
      ledger: { ...this.ledger, held },
      quarantinedByReason: { ...this.#reasons },
      duplicatesByReason: { ...this.#duplicateReasons },
      alarms: Object.fromEntries(this.#alarms),
    };
  }

  /** Writes the rate-limited log lines still held back (on shutdown). */
  flushLog(): void {
    this.#rateLimited.flush();
  }
}
