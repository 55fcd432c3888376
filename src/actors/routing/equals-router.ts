/**
 * The `equals` router (seed FIG. 11): one value list per channel; a record goes to the channel
 * whose list holds the text of its key attribute. Lookups allocate nothing for string, number and
 * boolean values: numbers are looked up in a numeric index built from the same text rule.
 */
import type { Nar } from '../../protocols/nar/nar.js';
import { RoutingError } from './errors.js';
import { attributeText } from './key-groups.js';
import { ROUTE_NONE, type EdgeRouter, type EqualsRouting, type RouterState } from './types.js';

export class EqualsRouter implements EdgeRouter {
  readonly spec: EqualsRouting;
  readonly targets: readonly string[];
  readonly #attribute: string;
  /** Channel value text → target index. */
  readonly #byText = new Map<string, number>();
  /** Number → target index, for every channel value whose text is the text of that number. */
  readonly #byNumber = new Map<number, number>();

  constructor(spec: EqualsRouting, targets: readonly string[]) {
    this.spec = spec;
    this.targets = targets;
    this.#attribute = spec.attribute;
    if (!Array.isArray(spec.channels) || spec.channels.length !== targets.length) {
      throw new RoutingError(
        'invalid_spec',
        `equals: expected one channel value list per target (${targets.length}), got ${
          Array.isArray(spec.channels) ? spec.channels.length : typeof spec.channels
        }`,
        { targets: targets.length },
      );
    }
    if (spec.unmatched !== 'quarantine' && spec.unmatched !== 'drop') {
      throw new RoutingError(
        'invalid_spec',
        `equals: expected unmatched to be "quarantine" or "drop", got ${JSON.stringify(spec.unmatched)}`,
      );
    }
    spec.channels.forEach((values, channel) => this.#addChannel(values, channel));
  }

  #addChannel(values: ReadonlyArray<string | number>, channel: number): void {
    if (!Array.isArray(values) || values.length === 0) {
      throw new RoutingError(
        'invalid_spec',
        `equals: expected channels[${channel}] to list at least one value`,
        {
          channel,
        },
      );
    }
    for (const value of values) {
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
        throw new RoutingError(
          'invalid_spec',
          `equals: expected channels[${channel}] values to be strings or finite numbers, got ${String(value)}`,
          { channel },
        );
      }
      const text = attributeText(value);
      const owner = this.#byText.get(text);
      if (owner !== undefined && owner !== channel) {
        throw new RoutingError(
          'invalid_spec',
          `equals: expected each value in one channel only, got "${text}" in channels ${owner} and ${channel}`,
          { value: text, channels: [owner, channel] },
        );
      }
      this.#byText.set(text, channel);
      const asNumber = typeof value === 'number' ? value : Number(value);
      if (String(asNumber) === text) this.#byNumber.set(asNumber, channel);
    }
  }

  route(record: Nar): number {
    const value = record[this.#attribute];
    switch (typeof value) {
      case 'string':
        return this.#byText.get(value) ?? ROUTE_NONE;
      case 'number':
        return this.#byNumber.get(value) ?? ROUTE_NONE;
      case 'bigint':
        return this.#byText.get(String(value)) ?? ROUTE_NONE;
      case 'boolean':
        return this.#byText.get(value ? 'true' : 'false') ?? ROUTE_NONE;
      default:
        return ROUTE_NONE; // null or missing
    }
  }

  state(): RouterState {
    return null;
  }

  restore(state: unknown): void {
    restoreStateless(this.spec.type, state);
  }
}

/** Restore for a router without state: accepts only "no state". */
export function restoreStateless(type: string, state: unknown): void {
  if (state !== null && state !== undefined) {
    throw new RoutingError(
      'state_mismatch',
      `${type}: expected no routing state (null) for a stateless router, got ${describe(state)}`,
    );
  }
}

export function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch (error) {
    return `${typeof value} (not printable: ${(error as Error).message})`;
  }
}
