/**
 * A flat NAR's values written as MessagePack, in the order of a shape's attribute names: what the
 * record packer writes after a record's shape id, and what a `PackedNar` holds. Values are only
 * strings, numbers, bigints (up to 64 bits), booleans and null.
 */
import type { MsgpackWriter } from './msgpack-writer.js';
import type { Nar } from './nar.js';

/** The record's values were written. */
export const MATCHED = 0;
/** The record's attribute names differ from the shape's (what was written is to be dropped). */
export const OTHER_SHAPE = 1;
/** A value that is not flat (nested, or a bigint past 64 bits): the record cannot be written so. */
export const NOT_FLAT = 2;

export type ValuesWritten = typeof MATCHED | typeof OTHER_SHAPE | typeof NOT_FLAT;

/** Writes the record's values while its attribute names match `keys`, in order. */
export function writeNarValues(w: MsgpackWriter, r: Nar, keys: readonly string[]): ValuesWritten {
  let i = 0;
  for (const k in r) {
    if (k !== keys[i]) return OTHER_SHAPE;
    if (!writeNarValue(w, r[k])) return NOT_FLAT;
    i++;
  }
  return i === keys.length ? MATCHED : OTHER_SHAPE;
}

/** Writes one value; false when it is not one a flat NAR holds. */
export function writeNarValue(w: MsgpackWriter, v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      w.string(v);
      return true;
    case 'number':
      w.number(v);
      return true;
    case 'bigint':
      return w.bigint(v);
    case 'boolean':
      w.boolean(v);
      return true;
    case 'object':
      if (v !== null) return false;
      w.nil();
      return true;
    default:
      return false;
  }
}
