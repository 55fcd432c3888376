/** What `lookup` and `ipGroup` do with a record whose key their table does not hold. */
import { packValue } from '../../../../protocols/nar/batch.js';
import type { Nar } from '../../../../protocols/nar/nar.js';
import type { HandlerContext } from '../../../runtime/actor.js';
import type { OnMissing } from './schema.js';
import { CONTINUE, FILTERED, QUARANTINED, type Outcome } from './step.js';

/** Where a miss happened, for the quarantine detail. */
export interface MissSite {
  /** Index of the rule in the node's rules list. */
  readonly rule: number;
  readonly mode: OnMissing;
  /** Quarantine reason, e.g. `lookup_missing`. */
  readonly reason: string;
  /** The record attribute holding the key. */
  readonly attribute: string;
  /** Name of the key in the detail: `key` for lookups, `address` for IP ranges. */
  readonly keyName: string;
}

/**
 * `keep` passes the record on unchanged, `filter` drops it, `quarantine` keeps it (as it is at
 * this rule, earlier rules applied) in the quarantine store with the site's reason and a detail
 * `{ rule, attribute, <keyName>: value or null }`.
 */
export function onMissingKey(record: Nar, ctx: HandlerContext, site: MissSite): Outcome {
  if (site.mode === 'keep') return CONTINUE;
  if (site.mode === 'filter') return FILTERED;
  const value = record[site.attribute];
  ctx.quarantine(packValue(record), site.reason, {
    rule: site.rule,
    attribute: site.attribute,
    [site.keyName]: value === undefined || value === null ? null : String(value),
  });
  return QUARANTINED;
}
