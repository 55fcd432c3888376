/**
 * `ipGroup`: the seed's IP-to-group enhancer. Looks the address in `source` up in the range table
 * and writes the range's group to `destination` (an integer or a string, per `type`).
 */
import type { Nar } from '../../../../protocols/nar/nar.js';
import type { HandlerContext } from '../../../runtime/actor.js';
import { findGroup, parseIpRanges, type IpRangeTable } from './ip-ranges.js';
import { onMissingKey, type MissSite } from './missing.js';
import type { IpGroupRule } from './schema.js';
import { CONTINUE, type Outcome, type Step } from './step.js';
import { TableFile } from './table-file.js';

export function ipRangeTableFile(rule: IpGroupRule): TableFile<IpRangeTable> {
  return new TableFile(rule.table, (text, file) => parseIpRanges(text, file, rule.type));
}

export class IpGroupStep implements Step {
  readonly table: TableFile<IpRangeTable>;
  readonly #source: string;
  readonly #destination: string;
  readonly #miss: MissSite;

  constructor(rule: IpGroupRule, index: number) {
    this.table = ipRangeTableFile(rule);
    this.#source = rule.source;
    this.#destination = rule.destination;
    this.#miss = {
      rule: index,
      mode: rule.onMissing,
      reason: 'ip_group_missing',
      attribute: rule.source,
      keyName: 'address',
    };
  }

  apply(record: Nar, ctx: HandlerContext): Outcome {
    const address = record[this.#source];
    const group = typeof address === 'string' ? findGroup(this.table.current, address) : undefined;
    if (group === undefined) return onMissingKey(record, ctx, this.#miss);
    record[this.#destination] = group;
    return CONTINUE;
  }
}
