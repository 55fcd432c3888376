/**
 * A compiled rule: built once in `create()`, then applied to records in place. Steps allocate
 * nothing per record; the chain (`chain.ts`) runs them in order and handles split and route.
 */
import type { Nar } from '../../../../protocols/nar/nar.js';
import type { HandlerContext } from '../../../runtime/actor.js';

/** The record goes on to the next rule. */
export const CONTINUE = 0;
/** The record leaves the chain as filtered (the chain counts it). */
export const FILTERED = 1;
/** The step quarantined the record itself (ctx.quarantine counts it). */
export const QUARANTINED = 2;
export type Outcome = typeof CONTINUE | typeof FILTERED | typeof QUARANTINED;

export interface Step {
  apply(record: Nar, ctx: HandlerContext): Outcome;
}
