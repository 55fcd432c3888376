/**
 * Purpose-built failing node types for tests (a plug-in module: `nodeTypes` export).
 *   crash-on-ep:  passes records through; throws on every record whose `attribute` equals `value`
 *                 (a poison record), and, by setting, throws once per actor start after N batches
 *                 or kills its own thread with process.exit (a hard crash no handler can catch),
 *                 or (`exitOnDrain`) kills its thread once when the host drains it on stop.
 *   slow-oi:      a sink that sleeps per batch (to test back-pressure) and counts rows into a file.
 *   stall-ep:     passes records through; on a record whose `attribute` equals `value` it waits
 *                 `stallMs` (its event loop free: ticks and messages go on) before passing it on.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Nar } from '../../../src/protocols/nar/nar.js';
import type { HandlerContext, NodeHandler } from '../../../src/actors/runtime/actor.js';
import type { NodeType } from '../../../src/actors/nodes/registry.js';

const crashSettings = z.strictObject({
  poison: z.strictObject({ attribute: z.string(), value: z.union([z.string(), z.number()]) }).optional(),
  /** Throw once after this many batches (counted across restarts through a marker file). */
  throwAfterBatches: z.number().int().min(1).optional(),
  /** Exit the worker thread abruptly after this many batches (once, marker file). */
  exitAfterBatches: z.number().int().min(1).optional(),
  /** Exit the worker thread abruptly the first time the actor is drained (once, marker file). */
  exitOnDrain: z.boolean().default(false),
  /** After the planned throw, every restart fails in init: a child that can never come back. */
  failRestart: z.boolean().default(false),
});
type CrashSettings = z.infer<typeof crashSettings>;

class CrashOnEp implements NodeHandler {
  #batches = 0;
  constructor(
    private readonly s: CrashSettings,
    private readonly actorDir: string,
  ) {}
  init(): void {
    if (this.s.failRestart && existsSync(join(this.actorDir, 'crash-on-ep.thrown'))) {
      throw new Error('crash-on-ep: cannot start again');
    }
  }
  snapshot(): unknown {
    return null;
  }
  held(): number {
    return 0;
  }
  handleTick(): void {}
  handleBatch(records: Nar[], ctx: HandlerContext): void {
    this.#batches++;
    this.#once('thrown', this.s.throwAfterBatches, () => {
      throw new Error(`crash-on-ep: planned crash after ${this.#batches} batches`);
    });
    this.#once('exited', this.s.exitAfterBatches, () => process.exit(7));
    for (const r of records) {
      if (this.s.poison !== undefined && String(r[this.s.poison.attribute]) === String(this.s.poison.value)) {
        throw new Error(`crash-on-ep: poison record ${this.s.poison.attribute}=${this.s.poison.value}`);
      }
      ctx.emit(r);
    }
  }
  drain(): void {
    if (this.s.exitOnDrain) this.#once('drain-exited', 0, () => process.exit(7));
  }
  #once(marker: string, after: number | undefined, act: () => void): void {
    if (after === undefined || this.#batches < after) return;
    const file = join(this.actorDir, `crash-on-ep.${marker}`);
    if (existsSync(file)) return;
    writeFileSync(file, String(this.#batches));
    act();
  }
}

/** A node without state or timers: only its batch handling differs. */
abstract class StatelessNode implements NodeHandler {
  init(): void {}
  snapshot(): unknown {
    return null;
  }
  held(): number {
    return 0;
  }
  handleTick(): void {}
  abstract handleBatch(records: Nar[], ctx: HandlerContext): Promise<void>;
}

const slowSettings = z.strictObject({ delayMs: z.number().int().min(0), countFile: z.string() });
type SlowSettings = z.infer<typeof slowSettings>;

class SlowOi extends StatelessNode {
  constructor(private readonly s: SlowSettings) {
    super();
  }
  async handleBatch(records: Nar[], ctx: HandlerContext): Promise<void> {
    await new Promise((r) => setTimeout(r, this.s.delayMs));
    const before = existsSync(this.s.countFile) ? Number(readFileSync(this.s.countFile, 'utf8')) : 0;
    writeFileSync(this.s.countFile, String(before + records.length));
    appendFileSync(`${this.s.countFile}.batches`, `${records.length}\n`);
    ctx.count('out', records.length);
    ctx.requestCheckpoint();
  }
}

const stallSettings = z.strictObject({
  attribute: z.string(),
  value: z.union([z.string(), z.number()]),
  stallMs: z.number().int().min(0),
});
type StallSettings = z.infer<typeof stallSettings>;

class StallEp extends StatelessNode {
  constructor(private readonly s: StallSettings) {
    super();
  }
  async handleBatch(records: Nar[], ctx: HandlerContext): Promise<void> {
    for (const r of records) {
      if (String(r[this.s.attribute]) === String(this.s.value)) {
        await new Promise((done) => setTimeout(done, this.s.stallMs));
      }
      ctx.emit(r);
    }
  }
}

export const nodeTypes: NodeType[] = [
  {
    name: 'crash-on-ep',
    kind: 'EP',
    description: 'test node: passes records, crashes on purpose',
    settings: crashSettings,
    checkpoint: 'periodic',
    create: (s, env) => new CrashOnEp(s as CrashSettings, env.actorDir),
  } as NodeType,
  {
    name: 'stall-ep',
    kind: 'EP',
    description: 'test node: passes records, stalls on a marked one',
    settings: stallSettings,
    checkpoint: 'periodic',
    create: (s) => new StallEp(s as StallSettings),
  } as NodeType,
  {
    name: 'slow-oi',
    kind: 'OI',
    description: 'test node: a slow sink',
    settings: slowSettings,
    checkpoint: 'on-request',
    create: (s) => new SlowOi(s as SlowSettings),
  } as NodeType,
];
