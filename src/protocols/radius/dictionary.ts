/**
 * The RADIUS dictionary: attribute number → name, value type and enumerated values, built from the
 * data tables in dictionary/ (rfc.ts, vendor-3gpp.ts).
 *
 * Numbers, types and value names were checked against the FreeRADIUS 3.2 dictionaries
 * (dictionary.rfc2865, .rfc2866, .rfc2867, .rfc2869, .rfc3162, .rfc3580, .rfc4372, .rfc4818, .rfc6911,
 * .3gpp) and Wireshark's radius dictionary.3gpp; the tables are our own. Where FreeRADIUS and the RFC
 * spell a name differently we use FreeRADIUS' spelling, which NAS and server configurations use.
 *
 * Unknown attributes are not errors: the decoder keeps them as octets and counts them.
 */
import { STANDARD_ROWS, STANDARD_VALUES } from './dictionary/rfc.js';
import type { DictionaryRow, DictionaryValues } from './dictionary/types.js';
import { VENDOR_3GPP, VENDOR_3GPP_ROWS, VENDOR_3GPP_VALUES } from './dictionary/vendor-3gpp.js';
import type { RadiusValueType } from './types.js';

export { VENDOR_3GPP };

export interface AttributeDefinition {
  readonly name: string;
  /** Attribute type, or the vendor sub-attribute type when `vendorId` is not 0. */
  readonly type: number;
  readonly vendorId: number;
  readonly dataType: RadiusValueType;
  /** A fixed value size for an octets attribute (Message-Authenticator is 16). */
  readonly fixedLength?: number;
  /** Enumerated values: number → name. */
  readonly values?: ReadonlyMap<number, string>;
  /** Enumerated values: name → number (for encoding). */
  readonly valueNumbers?: ReadonlyMap<string, number>;
}

const VALUES: ReadonlyMap<string, DictionaryValues> = new Map([...STANDARD_VALUES, ...VENDOR_3GPP_VALUES]);

const FIXED_LENGTH: ReadonlyMap<string, number> = new Map([
  ['Message-Authenticator', 16], // RFC 2869 §5.14
  ['3GPP-MS-TimeZone', 2], // TS 29.061 §16.4.7.2: Length = 4
]);

function define(vendorId: number, [type, name, dataType]: DictionaryRow): AttributeDefinition {
  const values = VALUES.get(name);
  const fixedLength = FIXED_LENGTH.get(name);
  return {
    name,
    type,
    vendorId,
    dataType,
    ...(fixedLength !== undefined ? { fixedLength } : {}),
    ...(values !== undefined
      ? {
          values: new Map(values),
          valueNumbers: new Map(values.map(([v, n]) => [n, v])),
        }
      : {}),
  };
}

function table(
  vendorId: number,
  rows: readonly DictionaryRow[],
): readonly (AttributeDefinition | undefined)[] {
  const out = new Array<AttributeDefinition | undefined>(256).fill(undefined);
  for (const row of rows) out[row[0]] = define(vendorId, row);
  return out;
}

/** Standard attributes by type (index 0–255). */
export const STANDARD_ATTRIBUTES = table(0, STANDARD_ROWS);

/** Vendors whose sub-attributes are known, by Vendor-Id; each uses the RFC 2865 §5.26 layout. */
export const VENDOR_ATTRIBUTES: ReadonlyMap<number, readonly (AttributeDefinition | undefined)[]> = new Map([
  [VENDOR_3GPP, table(VENDOR_3GPP, VENDOR_3GPP_ROWS)],
]);

const BY_NAME: ReadonlyMap<string, AttributeDefinition> = new Map(
  [...STANDARD_ATTRIBUTES, ...[...VENDOR_ATTRIBUTES.values()].flat()]
    .filter((d): d is AttributeDefinition => d !== undefined)
    .map((d) => [d.name, d]),
);

/** The definition of a dictionary name ('Acct-Status-Type', '3GPP-IMSI'); `undefined` when unknown. */
export function attributeByName(name: string): AttributeDefinition | undefined {
  return BY_NAME.get(name);
}

/** The definition of a standard attribute, or of a vendor sub-attribute when `vendorId` is given. */
export function attributeByType(type: number, vendorId = 0): AttributeDefinition | undefined {
  const t = vendorId === 0 ? STANDARD_ATTRIBUTES : VENDOR_ATTRIBUTES.get(vendorId);
  return t?.[type];
}

/** The name of an enumerated value of a named attribute; `undefined` when it has none. */
export function valueName(attribute: string, value: number): string | undefined {
  return BY_NAME.get(attribute)?.values?.get(value);
}
