/**
 * `order-enhancer-oe`: de-duplication and sequencing per session (seed 002, FIG. 16). See
 * order-enhancer.ts for the rules, snapshot.ts for its state per key group.
 */
import type { NodeType } from '../registry.js';
import { DUPLICATES_CHANNEL, OrderEnhancerHandler } from './order-enhancer.js';
import { repartitionActors } from './repartition.js';
import { orderEnhancerOeSettings, type OrderEnhancerOeSettings } from './settings.js';

export { orderEnhancerOeSettings, type OrderEnhancerOeSettings };

export const orderEnhancerOe: NodeType<OrderEnhancerOeSettings> = {
  name: 'order-enhancer-oe',
  kind: 'OE',
  description:
    'drops duplicate records and emits each session in sequence order (G-CDR completeness, S-CDR inactivity)',
  settings: orderEnhancerOeSettings,
  channels: (s) => (s.auditDuplicates ? [DUPLICATES_CHANNEL] : []),
  sessionInput: (s) => ({ attributes: s.sessionKey, keyGroups: s.keyGroups }),
  repartition: (s, states, placement, actorDirs) =>
    repartitionActors(states, placement, actorDirs, s.processedWindowMs),
  checkpoint: 'periodic',
  create: (s, env) => new OrderEnhancerHandler(s, env),
};
