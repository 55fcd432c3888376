/**
 * The compiled rules list of one `enhance-ep` actor and the loop that runs a record through it:
 * steps change the record in place or take it out (filtered, quarantined); a split continues the
 * chain with every part; the first matching route picks the channel; whatever reaches the end is
 * emitted once. Per record nothing is allocated except the copies a split makes.
 */
import type { Nar } from '../../../../protocols/nar/nar.js';
import type { HandlerContext } from '../../../runtime/actor.js';
import { DropStep, KeepStep } from './drop.js';
import { FilterStep } from './filter.js';
import { IpGroupStep } from './ip-group.js';
import { LookupStep } from './lookup.js';
import { RenameStep } from './rename.js';
import { DEFAULT_CHANNEL, Route } from './route.js';
import type { EnhanceRule } from './schema.js';
import { SetStep } from './set.js';
import { Split } from './split.js';
import { CONTINUE, FILTERED, type Step } from './step.js';
import type { TableFile } from './table-file.js';

type Link =
  | { readonly kind: 'step'; readonly step: Step }
  | { readonly kind: 'split'; readonly split: Split }
  | { readonly kind: 'route'; readonly route: Route };

function compileRule(rule: EnhanceRule, index: number, tables: TableFile<unknown>[]): Link {
  const step = (s: Step): Link => ({ kind: 'step', step: s });
  if (rule.set !== undefined) return step(new SetStep(rule.set, rule, rule.when));
  if (rule.rename !== undefined) return step(new RenameStep(rule.rename));
  if (rule.drop !== undefined) return step(new DropStep(rule.drop));
  if (rule.keep !== undefined) return step(new KeepStep(rule.keep));
  if (rule.filter !== undefined) return step(new FilterStep(rule.filter));
  if (rule.lookup !== undefined) {
    const lookup = new LookupStep(rule.lookup, index);
    tables.push(lookup.table);
    return step(lookup);
  }
  if (rule.ipGroup !== undefined) {
    const ipGroup = new IpGroupStep(rule.ipGroup, index);
    tables.push(ipGroup.table);
    return step(ipGroup);
  }
  if (rule.split !== undefined) return { kind: 'split', split: new Split(rule.split) };
  if (rule.route !== undefined) return { kind: 'route', route: new Route(rule.route) };
  throw new TypeError(`rules[${index}]: expected a rule kind (the settings schema admits none other)`);
}

export class Chain {
  readonly #links: readonly Link[];
  /** The tables the rules read, in rule order (lookups and IP ranges). */
  readonly tables: readonly TableFile<unknown>[];
  #filtered = 0;
  #created = 0;

  /** Compiles the rules and reads their tables; throws RulesFileError when a table is bad. */
  constructor(rules: readonly EnhanceRule[]) {
    const tables: TableFile<unknown>[] = [];
    this.#links = rules.map((rule, i) => compileRule(rule, i, tables));
    this.tables = tables;
  }

  /** Runs every record through the chain; ledger counts go to `ctx` once per batch. */
  runBatch(records: readonly Nar[], ctx: HandlerContext): void {
    this.#filtered = 0;
    this.#created = 0;
    for (const record of records) this.#run(record, 0, undefined, ctx);
    if (this.#created > 0) ctx.count('created', this.#created);
    if (this.#filtered > 0) ctx.count('filtered', this.#filtered);
  }

  #run(record: Nar, from: number, chosen: string | undefined, ctx: HandlerContext): void {
    const links = this.#links;
    let channel = chosen;
    for (let i = from; i < links.length; i++) {
      const link = links[i] as Link;
      if (link.kind === 'step') {
        const outcome = link.step.apply(record, ctx);
        if (outcome === CONTINUE) continue;
        if (outcome === FILTERED) this.#filtered++;
        return;
      }
      if (link.kind === 'route') {
        if (channel === undefined && link.route.matches(record)) channel = link.route.channel;
        continue;
      }
      const split = link.split;
      if (!split.matches(record)) continue;
      // Parts before the last are copies of the unchanged record; the last part is the record itself.
      const last = split.parts - 1;
      for (let p = 0; p < last; p++) {
        const part = { ...record };
        split.applyPart(part, p);
        this.#created++;
        this.#run(part, i + 1, channel, ctx);
      }
      split.applyPart(record, last);
    }
    ctx.emit(record, channel ?? DEFAULT_CHANNEL);
  }
}
