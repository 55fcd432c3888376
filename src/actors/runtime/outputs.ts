/**
 * Where an actor's emitted records go. Each destination group routes a record to one or all of its
 * target actors; records collect per target and are sealed into batches of at most `batchMax`
 * records, and at the end of every input entry. Sealing happens only at those deterministic points
 * and sequences come from the checkpoint, so a replay produces the same batches with the same
 * (producer, sequence) and downstream drops them (DESIGN rules 3, 4).
 */
import { encodeBatch } from '../../protocols/nar/batch.js';
import type { Nar } from '../../protocols/nar/nar.js';
import { PackedNar, type NarRecord } from '../../protocols/nar/packed-nar.js';
import { createRouter, ROUTE_ALL, ROUTE_NONE, type EdgeRouter } from '../routing/edge-router.js';
import type { OutLink } from '../transfer/out-link.js';
import type { OutputSpec } from './protocol.js';

export interface OutputsState {
  /** Next sequence per target actor. */
  readonly next: Record<string, number>;
  /** Router state per destination group (round-robin positions), by group index. */
  readonly routers: unknown[];
}

/** What happened to one emitted record. */
export type EmitOutcome = 'sent' | 'unrouted-drop' | 'unrouted-quarantine' | 'no-destination';

interface Group {
  readonly spec: OutputSpec;
  readonly router: EdgeRouter;
  /** The attributes the router reads (none for all and round-robin). */
  readonly reads: readonly string[];
}

function attributesRead(routing: OutputSpec['routing']): readonly string[] {
  switch (routing.type) {
    case 'hash':
    case 'equals':
      return [routing.attribute];
    case 'session':
      return routing.attributes;
    case 'all':
    case 'round-robin':
      return [];
    default:
      return unknownRouting(routing);
  }
}

function unknownRouting(routing: never): never {
  throw new Error(`routing ${JSON.stringify(routing)}: the attributes it reads are not known`);
}

export class Outputs {
  #groups: Group[] = [];
  readonly #pending = new Map<string, NarRecord[]>();
  readonly #next = new Map<string, number>();
  /** Targets whose link was told where sequences resume (once per actor start). */
  readonly #started = new Set<string>();

  constructor(
    private readonly producer: string,
    private readonly batchMax: number,
    private readonly linkFor: (target: string) => OutLink,
    specs: readonly OutputSpec[],
    state: OutputsState | undefined,
  ) {
    for (const [target, seq] of Object.entries(state?.next ?? {})) this.#next.set(target, seq);
    this.#setSpecs(specs, state?.routers ?? []);
  }

  get specs(): readonly OutputSpec[] {
    return this.#groups.map((g) => g.spec);
  }

  /** Every target actor of every group. */
  targets(): string[] {
    return [...new Set(this.#groups.flatMap((g) => g.spec.targets))];
  }

  emit(record: NarRecord, channel: string): EmitOutcome {
    let outcome: EmitOutcome = 'no-destination';
    for (const g of this.#groups) {
      if (g.spec.channel !== channel) continue;
      const r = g.router.route(record instanceof PackedNar ? routedView(record, g.reads) : record);
      if (r === ROUTE_ALL) {
        for (const t of g.spec.targets) this.#add(t, record);
        outcome = 'sent';
      } else if (r === ROUTE_NONE) {
        if (outcome !== 'sent') {
          const unmatched = g.spec.routing.type === 'equals' ? g.spec.routing.unmatched : 'quarantine';
          outcome = unmatched === 'drop' ? 'unrouted-drop' : 'unrouted-quarantine';
        }
      } else {
        this.#add(g.spec.targets[r] as string, record);
        outcome = 'sent';
      }
    }
    return outcome;
  }

  /** Seal every partial batch (end of an input entry). */
  flush(): void {
    for (const [target, records] of this.#pending) {
      if (records.length > 0) this.#seal(target, records);
    }
  }

  /** Apply new destination groups (a control entry); pending records are sealed first. */
  reconfigure(specs: readonly OutputSpec[]): void {
    this.flush();
    this.#setSpecs(specs, []);
  }

  /**
   * The last sequence sealed per target this actor has sent to since it started: a checkpoint
   * needs all of them acknowledged. Sequences of targets no longer in any destination group (a
   * removed or repartitioned node) are kept, so a target that comes back resumes above what it
   * saw, but they are not required: the checkpoint this actor started from was only committed
   * once they were acknowledged, and no link to them exists any more to acknowledge again.
   */
  sealed(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.#started) out[t] = (this.#next.get(t) as number) - 1;
    return out;
  }

  state(): OutputsState {
    return {
      next: Object.fromEntries(this.#next),
      routers: this.#groups.map((g) => g.router.state()),
    };
  }

  #setSpecs(specs: readonly OutputSpec[], routerStates: readonly unknown[]): void {
    this.#groups = specs.map((spec, i) => {
      const router = createRouter(spec.routing, spec.targets);
      if (routerStates[i] !== undefined) router.restore(routerStates[i]);
      return { spec, router, reads: attributesRead(spec.routing) };
    });
    for (const t of this.targets()) {
      if (this.#started.has(t)) continue;
      if (!this.#next.has(t)) this.#next.set(t, 1);
      this.linkFor(t).startAt(this.#next.get(t) as number);
      this.#started.add(t);
    }
  }

  #add(target: string, record: NarRecord): void {
    let records = this.#pending.get(target);
    if (records === undefined) {
      records = [];
      this.#pending.set(target, records);
    }
    records.push(record);
    if (records.length >= this.batchMax) this.#seal(target, records);
  }

  #seal(target: string, records: NarRecord[]): void {
    const seq = this.#next.get(target) ?? 1;
    this.#next.set(target, seq + 1);
    this.linkFor(target).send(seq, encodeBatch(this.producer, seq, records));
    this.#pending.set(target, []);
  }
}

const NO_ATTRIBUTES: Nar = Object.freeze({});

/** What a router reads of a packed record: just the attributes it routes by. */
function routedView(record: PackedNar, reads: readonly string[]): Nar {
  if (reads.length === 0) return NO_ATTRIBUTES;
  const view: Nar = {};
  for (const a of reads) {
    const v = record.get(a);
    if (v !== undefined) view[a] = v;
  }
  return view;
}
