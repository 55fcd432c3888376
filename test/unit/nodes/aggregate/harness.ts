/**
 * Drives an `aggregate-ap` handler the way the runtime does (batches, ticks, drain, snapshot and
 * restore) and checks the record-conservation ledger after every step:
 *   in = out + merged + quarantined + held.
 */
import { expect } from 'vitest';
import { aggregateAp, aggregateApSettings } from '../../../../src/actors/nodes/ap/aggregate.js';
import type { HandlerContext, NodeHandler } from '../../../../src/actors/runtime/actor.js';
import { packValue, unpackValue } from '../../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../../helpers/handler-context.js';

export const IP_FLOW_RULES = {
  key: ['srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol'],
  actions: [
    { field: 'bytes', action: 'sum' },
    { field: 'packets', action: 'sum' },
    { field: 'lastSeen', action: 'max' },
  ],
};

/** One IP-flow NAR of the five-tuple 10.0.0.1:<srcPort> → 192.0.2.7:443/TCP. */
export function flow(srcPort: number, bytes: bigint | number | null, extra: Nar = {}): Nar {
  return {
    srcIp: '10.0.0.1',
    srcPort,
    dstIp: '192.0.2.7',
    dstPort: 443,
    protocol: 6,
    bytes,
    packets: 1n,
    lastSeen: 1000,
    ...extra,
  };
}

export class Run {
  readonly out: Recorded = recorded();
  readonly ctx: HandlerContext;
  handler: NodeHandler;
  inCount = 0;

  constructor(
    readonly settingsInput: Record<string, unknown>,
    readonly nodeId = 'agg',
    readonly partition = 0,
  ) {
    this.ctx = recordingContext(this.out, 1, { nodeId, partition });
    this.handler = this.create();
    void this.handler.init(undefined);
  }

  create(): NodeHandler {
    const settings = aggregateApSettings.parse({ flushOnDrain: true, ...this.settingsInput });
    return aggregateAp.create(
      settings,
      nodeEnv('/nonexistent', { nodeId: this.nodeId, partition: this.partition }),
    );
  }

  async batch(...records: Nar[]): Promise<this> {
    this.inCount += records.length;
    await this.handler.handleBatch(
      records.map((r) => ({ ...r })),
      this.ctx,
    );
    this.expectBalanced();
    return this;
  }

  async tick(nowMs: number): Promise<this> {
    await this.handler.handleTick(nowMs, this.ctx);
    this.expectBalanced();
    return this;
  }

  async drain(): Promise<this> {
    await this.handler.drain?.(this.ctx);
    this.expectBalanced();
    return this;
  }

  /** Checkpoint and restart: the snapshot goes through msgpack into a new handler. */
  async restart(settingsInput: Record<string, unknown> = this.settingsInput): Promise<this> {
    const bytes = packValue(this.handler.snapshot());
    const settings = aggregateApSettings.parse({ flushOnDrain: true, ...settingsInput });
    this.handler = aggregateAp.create(
      settings,
      nodeEnv('/nonexistent', { nodeId: this.nodeId, partition: this.partition }),
    );
    await this.handler.init(unpackValue(bytes));
    this.expectBalanced();
    return this;
  }

  get emitted(): Nar[] {
    return this.out.emitted;
  }

  expectBalanced(): void {
    const c = this.out.counts;
    expect(this.inCount, 'in = out + merged + quarantined + held').toBe(
      this.out.emitted.length + c.merged + c.quarantined + this.handler.held(),
    );
    expect(c.created + c.filtered + c.duplicates).toBe(0);
  }
}
