/**
 * Which rule a record follows, by its record type: each tracked type (the `complete` and `timeout`
 * lists) gets an index, and sessions and processed sessions are kept per type, because sequence
 * numbers count per record stream (a P-GW's and an S-GW's records for one bearer are two
 * sessions). Pass-through types are forwarded untracked; a type in no list (or a record without
 * one) is forwarded too, and reported (`unknown_record_types` alarm).
 */
import type { AttributeValue } from '../../../protocols/nar/nar.js';
import type { OrderEnhancerOeSettings } from './settings.js';

/** `kindOf` result for a type in `passThrough`. */
export const PASS_THROUGH = -1;

/** G-CDR rule: complete when the final record and sequence numbers 1..n are there. */
export const RULE_COMPLETE = 0;
/** S-CDR rule: complete after the inactivity timeout. */
export const RULE_TIMEOUT = 1;
export type Rule = typeof RULE_COMPLETE | typeof RULE_TIMEOUT;

export class RecordKinds {
  /** Tracked type names by index: `complete` types first, then `timeout` types. */
  readonly names: readonly string[];
  readonly #rules: Uint8Array;
  readonly #byName = new Map<string, number>();
  readonly #final: ReadonlySet<number | string>;

  constructor(s: Pick<OrderEnhancerOeSettings, 'recordTypes' | 'finalCauses'>) {
    const names = [...s.recordTypes.complete, ...s.recordTypes.timeout];
    this.names = names;
    this.#rules = new Uint8Array(names.length);
    names.forEach((name, i) => {
      this.#byName.set(name, i);
      this.#rules[i] = i < s.recordTypes.complete.length ? RULE_COMPLETE : RULE_TIMEOUT;
    });
    for (const name of s.recordTypes.passThrough) this.#byName.set(name, PASS_THROUGH);
    this.#final = new Set(s.finalCauses);
  }

  /** A tracked type's index, PASS_THROUGH, or undefined for a type in no list. */
  kindOf(recordType: AttributeValue | undefined): number | undefined {
    return typeof recordType === 'string' ? this.#byName.get(recordType) : undefined;
  }

  /** The index of a tracked type name, or undefined. */
  indexOf(name: string): number | undefined {
    const i = this.#byName.get(name);
    return i === undefined || i === PASS_THROUGH ? undefined : i;
  }

  ruleOf(type: number): Rule {
    return this.#rules[type] as Rule;
  }

  /**
   * Whether a closing value is final: a cause number (integer, bigint or decimal text) in
   * `finalCauses`, or text equal to one of its text values.
   */
  isFinal(cause: AttributeValue | undefined): boolean {
    switch (typeof cause) {
      case 'number':
        return this.#final.has(cause);
      case 'bigint':
        return cause <= 0x7fffffffn && cause >= 0n && this.#final.has(Number(cause));
      case 'string':
        return cause.length > 0 && (this.#final.has(cause) || this.#final.has(Number(cause)));
      default:
        return false;
    }
  }
}
