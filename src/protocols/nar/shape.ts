/**
 * Fixed-shape NAR objects. Records built by setting attributes one by one from names known only at
 * run time can fall into V8's slow dictionary mode, and msgpackr encodes those 3–4× slower; records
 * msgpackr decodes from per-batch structures re-encode about 2× slower than fixed-shape ones
 * (PERF-NOTES). A factory made once per attribute list builds records that share one hidden class.
 * (Copying decoded records into such objects before re-encoding was measured in the whole chain:
 * the faster encode only paid for the copy, so decoded records are re-encoded as they are.)
 */
import type { AttributeValue, Nar } from './nar.js';

export type RecordFactory = (values: ArrayLike<AttributeValue>) => Nar;

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  readonly code = 'bad_attribute_name';
}

/** A constructor generated for exactly these attribute names, in this order. */
export function recordFactory(names: readonly string[]): RecordFactory {
  for (const n of names) {
    if (!ATTRIBUTE_NAME.test(n))
      throw new ShapeError(`attribute name ${JSON.stringify(n)}: expected letters, digits, _`);
  }
  // Names are checked identifiers and are written as JSON string literals: no code can be injected.
  const body = names.map((n, i) => `this[${JSON.stringify(n)}] = v[${i}];`).join('\n');
  const Shape = new Function('v', body) as unknown as new (v: ArrayLike<AttributeValue>) => Nar;
  return (values) => new Shape(values);
}
