/** The node types shipped with narflow. */
import { csvFileEi } from './ei/csv-file.js';
import { setAttributesEp } from './ep/set-attributes.js';
import { csvFileOi } from './oi/csv-file.js';
import type { NodeTypeRegistry } from './registry.js';

export function registerBuiltins(registry: NodeTypeRegistry): void {
  registry.register(csvFileEi);
  registry.register(setAttributesEp);
  registry.register(csvFileOi);
}
