/**
 * `route`: picks the output channel of records matching `when` (every record, without it). The
 * first route that matches wins; later rules still apply, and the record is emitted once, at the
 * end of the chain, on that channel ('default' when no route matched).
 */
import type { Nar } from '../../../../protocols/nar/nar.js';
import { compileCondition, type Condition } from '../../../rules/expression/index.js';
import type { EnhanceRule, RouteRule } from './schema.js';

export const DEFAULT_CHANNEL = 'default';

export class Route {
  readonly channel: string;
  readonly #when: Condition | undefined;

  constructor(rule: RouteRule) {
    this.channel = rule.channel;
    this.#when = rule.when === undefined ? undefined : compileCondition(rule.when);
  }

  matches(record: Nar): boolean {
    return this.#when === undefined || this.#when(record);
  }
}

/** The named channels the routes of a rules list can pick, without 'default', first use first. */
export function routeChannels(rules: readonly EnhanceRule[]): string[] {
  const channels = new Set<string>();
  for (const rule of rules) {
    if (rule.route !== undefined && rule.route.channel !== DEFAULT_CHANNEL) channels.add(rule.route.channel);
  }
  return [...channels];
}
