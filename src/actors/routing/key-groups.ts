/**
 * Session keys and key groups. A session key is the text of a record's session attributes; it
 * hashes (MurmurHash3 x86_32 over its UTF-8 bytes) into one of a fixed number of key groups, and
 * key groups, not keys, are placed on actors (see hash-ring.ts), so order-enhancer state kept per
 * key group can move with its group.
 */
import type { AttributeValue, Nar } from '../../protocols/nar/nar.js';
import { RoutingError } from './errors.js';
import { hashString } from './murmur3.js';

export { hashBytes, hashString, hashUint32 } from './murmur3.js';

/** Separates fields of a multi-attribute session key, so ("a","bc") and ("ab","c") differ. */
export const SESSION_KEY_SEPARATOR = '\u0001';

/** Key groups of `session` routing (and of an order enhancer) when the config names none. */
export const DEFAULT_KEY_GROUPS = 1024;
/** Virtual nodes per target on the `session` routing ring when the config names none. */
export const DEFAULT_VIRTUAL_NODES = 128;

/** Upper bound on key groups: a key group is a unit of state, and its id must fit a small integer. */
export const MAX_KEY_GROUPS = 1 << 20;

/**
 * The text of one attribute value, as routing compares and hashes it: strings as they are, numbers
 * and bigints in decimal (`String(v)`: 5, 5.0 and 5n all give "5"), booleans as "true"/"false",
 * null and missing as the empty string.
 */
export function attributeText(value: AttributeValue | undefined): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return '';
  }
}

/**
 * The session key of `record`: the text of each attribute in `attributes` (see `attributeText`),
 * joined by U+0001. A value that itself contains U+0001 can make two keys equal; session
 * attributes (IMSI, charging id, addresses, Acct-Session-Id) never do.
 */
export function sessionKey(record: Nar, attributes: readonly string[]): string {
  const n = attributes.length;
  if (n === 1) return attributeText(record[attributes[0] as string]);
  let key = '';
  for (let i = 0; i < n; i++) {
    if (i > 0) key += SESSION_KEY_SEPARATOR;
    key += attributeText(record[attributes[i] as string]);
  }
  return key;
}

/** Throws unless `keyGroups` is an integer in 1..MAX_KEY_GROUPS. */
export function checkKeyGroups(keyGroups: number): void {
  if (!Number.isInteger(keyGroups) || keyGroups < 1 || keyGroups > MAX_KEY_GROUPS) {
    throw new RoutingError(
      'invalid_argument',
      `expected the number of key groups to be an integer 1–${MAX_KEY_GROUPS}, got ${String(keyGroups)}`,
      { keyGroups },
    );
  }
}

/** The key group (0..keyGroups−1) of a session key: its hash modulo the number of key groups. */
export function keyGroupOf(key: string, keyGroups: number): number {
  checkKeyGroups(keyGroups);
  return hashString(key) % keyGroups;
}
