/**
 * `set`: adds or replaces one attribute with a constant or a copy of another attribute, optionally
 * only when a condition holds. A copy of a missing attribute sets null.
 */
import type { AttributeValue, Nar } from '../../../../protocols/nar/nar.js';
import { compileCondition, type Condition } from '../../../rules/expression/index.js';
import type { ValueSource } from './schema.js';
import { CONTINUE, type Outcome, type Step } from './step.js';

/** A value source ready to apply: `copy` undefined means the constant `value`. */
export interface CompiledSource {
  readonly target: string;
  readonly value: AttributeValue;
  readonly copy: string | undefined;
}

export function compileSource(target: string, source: ValueSource): CompiledSource {
  return { target, value: source.value ?? null, copy: source.copy };
}

export function applySource(record: Nar, s: CompiledSource): void {
  record[s.target] = s.copy === undefined ? s.value : (record[s.copy] ?? null);
}

export class SetStep implements Step {
  readonly #source: CompiledSource;
  readonly #when: Condition | undefined;

  constructor(target: string, source: ValueSource, when: string | undefined) {
    this.#source = compileSource(target, source);
    this.#when = when === undefined ? undefined : compileCondition(when);
  }

  apply(record: Nar): Outcome {
    if (this.#when === undefined || this.#when(record)) applySource(record, this.#source);
    return CONTINUE;
  }
}
