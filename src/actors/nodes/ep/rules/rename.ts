/** `rename`: moves an attribute to a new name; a record without it is left as it is. */
import type { Nar } from '../../../../protocols/nar/nar.js';
import type { RenameRule } from './schema.js';
import { CONTINUE, type Outcome, type Step } from './step.js';

export class RenameStep implements Step {
  readonly #from: string;
  readonly #to: string;

  constructor(rule: RenameRule) {
    this.#from = rule.from;
    this.#to = rule.to;
  }

  apply(record: Nar): Outcome {
    const value = record[this.#from];
    if (value === undefined || this.#from === this.#to) return CONTINUE;
    record[this.#to] = value;
    delete record[this.#from];
    return CONTINUE;
  }
}
