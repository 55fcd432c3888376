/** Row shapes of the dictionary tables. */
import type { RadiusValueType } from '../types.js';

/** Attribute (or vendor sub-attribute) number, name and value type. */
export type DictionaryRow = readonly [type: number, name: string, dataType: RadiusValueType];
/** Enumerated values of one attribute: number and name. */
export type DictionaryValues = readonly (readonly [value: number, name: string])[];
