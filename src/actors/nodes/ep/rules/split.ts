/**
 * `split` (1 → n): a record matching `when` (or every record, without it) becomes one record per
 * part, each a copy of it with the part's `set` applied in the order written, then its `drop`.
 * The chain runs the later rules on every part; parts beyond the first count as `created`.
 */
import type { Nar } from '../../../../protocols/nar/nar.js';
import { compileCondition, type Condition } from '../../../rules/expression/index.js';
import { dropAttributes } from './drop.js';
import type { SplitPart, SplitRule } from './schema.js';
import { applySource, compileSource, type CompiledSource } from './set.js';

interface CompiledPart {
  readonly sets: readonly CompiledSource[];
  readonly drops: readonly string[];
}

function compilePart(part: SplitPart): CompiledPart {
  return {
    sets: Object.entries(part.set ?? {}).map(([target, source]) => compileSource(target, source)),
    drops: part.drop ?? [],
  };
}

export class Split {
  readonly #when: Condition | undefined;
  readonly #parts: readonly CompiledPart[];

  constructor(rule: SplitRule) {
    this.#when = rule.when === undefined ? undefined : compileCondition(rule.when);
    this.#parts = rule.parts.map(compilePart);
  }

  get parts(): number {
    return this.#parts.length;
  }

  matches(record: Nar): boolean {
    return this.#when === undefined || this.#when(record);
  }

  /** Turns `record` (a copy, or the original for the last part) into part `index`. */
  applyPart(record: Nar, index: number): void {
    const part = this.#parts[index];
    if (part === undefined) return;
    for (const s of part.sets) applySource(record, s);
    dropAttributes(record, part.drops);
  }
}
