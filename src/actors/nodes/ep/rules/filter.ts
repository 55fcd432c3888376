/** `filter`: removes whole records, `{ drop: <condition> }` or `{ keep: <condition> }`. */
import type { Nar } from '../../../../protocols/nar/nar.js';
import { compileCondition, type Condition } from '../../../rules/expression/index.js';
import type { FilterRule } from './schema.js';
import { CONTINUE, FILTERED, type Outcome, type Step } from './step.js';

export class FilterStep implements Step {
  readonly #condition: Condition;
  /** True for `keep` (the record stays when the condition holds), false for `drop`. */
  readonly #keepWhen: boolean;

  constructor(rule: FilterRule) {
    this.#keepWhen = rule.keep !== undefined;
    const source = rule.keep ?? rule.drop;
    if (source === undefined)
      throw new TypeError('filter: expected drop or keep (the settings schema demands one)');
    this.#condition = compileCondition(source);
  }

  apply(record: Nar): Outcome {
    return this.#condition(record) === this.#keepWhen ? CONTINUE : FILTERED;
  }
}
