/**
 * Drives an `order-enhancer-oe` handler the way the runtime does (batches, ticks, snapshot and
 * restore through msgpack) and checks the record-conservation ledger after every step:
 *   in + created = out + duplicates + quarantined + held.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { orderEnhancerOe, orderEnhancerOeSettings } from '../../../../src/actors/nodes/oe/index.js';
import { OrderEnhancerHandler } from '../../../../src/actors/nodes/oe/order-enhancer.js';
import type { JournalLimits } from '../../../../src/actors/nodes/oe/processed-journal.js';
import type { HandlerContext, NodeHandler } from '../../../../src/actors/runtime/actor.js';
import { handleBatchInput, readBatchFor } from '../../../../src/actors/runtime/batch-input.js';
import { encodeBatch, packValue, unpackValue } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../../helpers/handler-context.js';

export const HOUR = 3_600_000;
/** A tick time (and record time) base: 2026-11-24T10:00:00Z. */
export const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);

export interface CdrOptions {
  readonly type?: string;
  readonly ggsn?: string;
  /** Cause for record closing (default 17, timeLimit: not final). */
  readonly cause?: number;
  /** Record time, ms since 1970 (default T0), written as ISO text. */
  readonly at?: number;
  readonly node?: string;
  readonly extra?: Nar;
}

/** A partial CDR of session `chargingId`, sequence number `seq` (null: none). */
export function cdr(chargingId: number, seq: number | null, o: CdrOptions = {}): Nar {
  const r: Nar = {
    recordType: o.type ?? 'pGWRecord',
    chargingId,
    ggsnAddress: o.ggsn ?? '10.0.0.1',
    localSequenceNumber: chargingId * 1000 + (seq ?? 0),
    nodeId: o.node ?? 'pgw-1',
    causeForRecClosing: o.cause ?? 17,
    recordOpeningTime: new Date(o.at ?? T0).toISOString(),
    ...o.extra,
  };
  if (seq !== null) r['recordSequenceNumber'] = seq;
  return r;
}

/** The final record (normalRelease) of session `chargingId`. */
export function last(chargingId: number, seq: number | null, o: CdrOptions = {}): Nar {
  return cdr(chargingId, seq, { cause: 0, ...o });
}

/** "chargingId/seq" of each record, for compact expectations. */
export function ids(records: readonly Nar[]): string[] {
  return records.map((r) => `${String(r['chargingId'])}/${String(r['recordSequenceNumber'] ?? '-')}`);
}

/** Actor directories of runs live under one temporary directory, removed when the process ends. */
const ROOT = join(tmpdir(), `narflow-oe-runs-${process.pid}`);
let dirs = 0;
process.once('exit', () => rmSync(ROOT, { recursive: true, force: true }));

/** A fresh actor directory (created only if the handler writes spill segments). */
export function actorDir(): string {
  return join(ROOT, String(++dirs));
}

export class Run {
  readonly out: Recorded = recorded();
  readonly ctx: HandlerContext & { position: number };
  handler: NodeHandler;
  inCount = 0;
  /** Snapshots taken: the handler is told when each is "committed" (at once, as if durable). */
  #snapshots = 0;
  #batches = 0;

  constructor(
    readonly settingsInput: Record<string, unknown> = {},
    readonly dir: string = actorDir(),
    /** When journal chunks are cut (default: the node type's own). */
    readonly journal?: JournalLimits,
  ) {
    this.ctx = recordingContext(this.out, 1, { nodeId: 'oe' });
    this.handler = Run.create(settingsInput, dir, journal);
    void this.handler.init(undefined);
  }

  static create(
    settingsInput: Record<string, unknown>,
    dir: string = actorDir(),
    journal?: JournalLimits,
  ): NodeHandler {
    const settings = orderEnhancerOeSettings.parse(settingsInput);
    return journal === undefined
      ? orderEnhancerOe.create(settings, nodeEnv(dir))
      : new OrderEnhancerHandler(settings, nodeEnv(dir), journal);
  }

  /** Resolves when the handler's journal chunks being written are durable. */
  async settled(): Promise<void> {
    await (this.handler as OrderEnhancerHandler).settled();
  }

  /** The handler's snapshot, as a checkpoint would take and commit it. */
  snapshot(): unknown {
    const snap = this.handler.snapshot();
    this.handler.checkpointCommitted?.(++this.#snapshots);
    return snap;
  }

  /**
   * Records reach the handler as an actor's input does: encoded as a batch, read in place when the
   * batch allows it (`handlePackedBatch`), else decoded into NAR objects. `objects` always decodes.
   */
  input: 'packed' | 'objects' = 'packed';

  batch(...records: Nar[]): this {
    this.inCount += records.length;
    const bytes = encodeBatch('in', ++this.#batches, records);
    void handleBatchInput(this.handler, readBatchFor(this.handler, bytes, this.input === 'packed'), this.ctx);
    this.expectBalanced();
    return this;
  }

  tick(nowMs: number): this {
    void this.handler.handleTick(nowMs, this.ctx);
    this.expectBalanced();
    return this;
  }

  /** Checkpoint and restart: the snapshot goes through msgpack into a new handler. */
  restart(settingsInput: Record<string, unknown> = this.settingsInput): this {
    const bytes = packValue(this.snapshot());
    void this.handler.terminate?.('restart');
    this.handler = Run.create(settingsInput, this.dir, this.journal);
    this.#snapshots = 0;
    void this.handler.init(unpackValue(bytes));
    this.expectBalanced();
    return this;
  }

  /** Records emitted on the default channel. */
  get emitted(): Nar[] {
    return this.out.emitted.filter((_, i) => this.out.channels[i] === 'default');
  }

  /** Audit copies emitted on the duplicates channel. */
  get audited(): Nar[] {
    return this.out.emitted.filter((_, i) => this.out.channels[i] === 'duplicates');
  }

  get duplicates(): Record<string, number> {
    return this.out.duplicates;
  }

  expectBalanced(): void {
    const c = this.out.counts;
    expect(this.inCount + c.created, 'in + created = out + duplicates + quarantined + held').toBe(
      this.out.emitted.length + c.duplicates + c.quarantined + this.handler.held(),
    );
    expect(c.filtered + c.merged).toBe(0);
  }
}
