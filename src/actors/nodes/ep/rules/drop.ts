/** `drop` removes the listed attributes; `keep` removes every attribute it does not list. */
import type { Nar } from '../../../../protocols/nar/nar.js';
import { CONTINUE, type Outcome, type Step } from './step.js';

export function dropAttributes(record: Nar, names: readonly string[]): void {
  for (const name of names) delete record[name];
}

export class DropStep implements Step {
  constructor(private readonly names: readonly string[]) {}

  apply(record: Nar): Outcome {
    dropAttributes(record, this.names);
    return CONTINUE;
  }
}

export class KeepStep implements Step {
  readonly #keep: ReadonlySet<string>;

  constructor(names: readonly string[]) {
    this.#keep = new Set(names);
  }

  apply(record: Nar): Outcome {
    for (const name in record) if (!this.#keep.has(name)) delete record[name];
    return CONTINUE;
  }
}
