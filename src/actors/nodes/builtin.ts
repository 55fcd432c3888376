/** The node types shipped with narflow. */
import { aggregateAp } from './ap/aggregate.js';
import { cdrFileEi } from './ei/cdr-file/index.js';
import { fileEi } from './ei/file-ei.js';
import { gtppEi } from './ei/gtpp/index.js';
import { netflowEi } from './ei/netflow/index.js';
import { radiusEi } from './ei/radius/index.js';
import { enhanceEp } from './ep/enhance.js';
import { orderEnhancerOe } from './oe/index.js';
import { fileOi } from './oi/file-oi.js';
import { postgresOi } from './oi/postgres/node.js';
import type { NodeTypeRegistry } from './registry.js';

export function registerBuiltins(registry: NodeTypeRegistry): void {
  registry.register(fileEi);
  registry.register(cdrFileEi);
  registry.register(gtppEi);
  registry.register(radiusEi);
  registry.register(netflowEi);
  registry.register(enhanceEp);
  registry.register(fileOi);
  registry.register(postgresOi);
  registry.register(aggregateAp);
  registry.register(orderEnhancerOe);
}
