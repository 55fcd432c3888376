/**
 * The typed attribute view: raw attributes → dictionary-typed values, and attribute descriptions →
 * wire octets.
 *
 * Vendor-Specific (RFC 2865 §5.26): Vendor-Id (4 octets), then for a vendor in the dictionary one or
 * more sub-attributes of type (1), length (1, covering type and length) and value, which must fill the
 * Vendor-Specific value exactly. A Vendor-Specific of an unknown vendor is kept whole (its octets
 * after the Vendor-Id, as hex) and counted, since its layout is that vendor's business.
 */
import { DecodeError, EncodeError } from '../errors.js';
import {
  attributeByName,
  attributeByType,
  VENDOR_ATTRIBUTES,
  type AttributeDefinition,
} from './dictionary.js';
import { MAX_ATTRIBUTE_VALUE_BYTES, VENDOR_SPECIFIC } from './types.js';
import type { RadiusAttribute, RadiusValue, RadiusValueType, RawAttribute } from './types.js';
import { asBuffer, decodeValue, encodeValue } from './values.js';

export interface TypedAttributes {
  attributes: RadiusAttribute[];
  unknownAttributes: number;
}

// Every attribute object is built with the same keys in the same order (absent ones undefined), so
// the decoder's hot loop sees one object shape.
function typed(
  def: AttributeDefinition,
  buf: Uint8Array,
  at: number,
  len: number,
  vendorId: number,
): RadiusAttribute {
  const value = decodeValue(def.dataType, buf, at, len, def.name, def.fixedLength);
  return {
    type: vendorId === 0 ? def.type : VENDOR_SPECIFIC,
    vendorId: vendorId === 0 ? undefined : vendorId,
    vendorType: vendorId === 0 ? undefined : def.type,
    name: def.name,
    dataType: def.dataType,
    value,
    valueName: def.values !== undefined && typeof value === 'number' ? def.values.get(value) : undefined,
    known: true,
    offset: at,
    length: len,
  };
}

function unknown(
  name: string,
  type: number,
  vendorId: number | undefined,
  vendorType: number | undefined,
  buf: Uint8Array,
  at: number,
  len: number,
): RadiusAttribute {
  return {
    type,
    vendorId,
    vendorType,
    name,
    dataType: 'octets',
    value: decodeValue('octets', buf, at, len, name),
    valueName: undefined,
    known: false,
    offset: at,
    length: len,
  };
}

function vendorSpecific(buf: Uint8Array, raw: RawAttribute, out: TypedAttributes): void {
  const at = raw.offset;
  if (raw.length < 4) {
    throw new DecodeError(
      'radius',
      'vsa_too_short',
      `Vendor-Specific needs a 4-octet Vendor-Id, got ${raw.length} octets`,
      at - 2,
      { attribute: 'Vendor-Specific', length: raw.length },
    );
  }
  const vendorId =
    (buf[at] as number) * 0x1000000 +
    (((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number));
  const defs = VENDOR_ATTRIBUTES.get(vendorId);
  if (defs === undefined) {
    out.attributes.push(
      unknown(`Attr-26.${vendorId}`, VENDOR_SPECIFIC, vendorId, undefined, buf, at + 4, raw.length - 4),
    );
    out.unknownAttributes++;
    return;
  }
  const end = at + raw.length;
  let p = at + 4;
  while (p < end) {
    if (end - p < 2) {
      throw new DecodeError(
        'radius',
        'vsa_overrun',
        `vendor ${vendorId} sub-attribute header needs 2 octets, ${end - p} left in the Vendor-Specific`,
        p,
        { vendorId },
      );
    }
    const subType = buf[p] as number;
    const subLen = buf[p + 1] as number;
    if (subLen < 2) {
      throw new DecodeError(
        'radius',
        'vsa_bad_length',
        `vendor ${vendorId} sub-attribute ${subType} has length ${subLen}, at least 2`,
        p,
        { vendorId, vendorType: subType, length: subLen },
      );
    }
    if (p + subLen > end) {
      throw new DecodeError(
        'radius',
        'vsa_overrun',
        `vendor ${vendorId} sub-attribute ${subType} needs ${subLen} octets, ${end - p} left in the Vendor-Specific`,
        p,
        { vendorId, vendorType: subType, length: subLen },
      );
    }
    const def = defs[subType];
    if (def === undefined) {
      out.attributes.push(
        unknown(`Attr-26.${vendorId}.${subType}`, VENDOR_SPECIFIC, vendorId, subType, buf, p + 2, subLen - 2),
      );
      out.unknownAttributes++;
    } else {
      out.attributes.push(typed(def, buf, p + 2, subLen - 2, vendorId));
    }
    p += subLen;
  }
}

/** Decodes every raw attribute through the dictionary. */
export function typeAttributes(packet: Uint8Array, raw: readonly RawAttribute[]): TypedAttributes {
  const buf = asBuffer(packet);
  const out: TypedAttributes = { attributes: [], unknownAttributes: 0 };
  for (const r of raw) {
    if (r.type === VENDOR_SPECIFIC) {
      vendorSpecific(buf, r, out);
      continue;
    }
    const def = attributeByType(r.type);
    if (def === undefined) {
      out.attributes.push(unknown(`Attr-${r.type}`, r.type, undefined, undefined, buf, r.offset, r.length));
      out.unknownAttributes++;
    } else {
      out.attributes.push(typed(def, buf, r.offset, r.length, 0));
    }
  }
  return out;
}

/**
 * One attribute to encode. By dictionary name ('Acct-Status-Type', '3GPP-IMSI'), or by number:
 * `type` for a standard attribute; `vendorId` + `vendorType` for a vendor sub-attribute (RFC 2865
 * §5.26 layout, one per Vendor-Specific); `vendorId` alone for a whole Vendor-Specific value after
 * the Vendor-Id. A decoded {@link RadiusAttribute} is a valid input: its name is used when the
 * dictionary knows it, its numbers otherwise. Enumerated attributes take a value name ('Start') or
 * the number; a numbered attribute the dictionary does not know is octets unless `dataType` says
 * otherwise.
 */
export interface AttributeInput {
  readonly name?: string;
  readonly type?: number;
  readonly vendorId?: number;
  readonly vendorType?: number;
  readonly dataType?: RadiusValueType;
  readonly value: RadiusValue | Uint8Array;
}

/** An encoded attribute: its type octet and value octets (a vendor sub-attribute is wrapped already). */
export interface EncodedAttribute {
  readonly type: number;
  readonly value: Uint8Array;
}

function badAttribute(what: string, message: string): EncodeError {
  return new EncodeError('radius', 'invalid_attribute', `${what}: ${message}`, { attribute: what });
}

function checkNumber(what: string, v: number | undefined, min: number, max: number): number {
  if (v === undefined || !Number.isInteger(v) || v < min || v > max)
    throw badAttribute(what, `expected an integer ${min}–${max}, got ${String(v)}`);
  return v;
}

function valueOf(def: AttributeDefinition, value: RadiusValue | Uint8Array): Uint8Array {
  let v = value;
  if (def.valueNumbers !== undefined && typeof value === 'string') {
    const n = def.valueNumbers.get(value);
    if (n === undefined) throw badAttribute(def.name, `"${value}" is not one of its value names`);
    v = n;
  }
  const bytes = encodeValue(def.dataType, v, def.name);
  if (def.fixedLength !== undefined && bytes.length !== def.fixedLength)
    throw badAttribute(def.name, `expected ${def.fixedLength} octets, got ${bytes.length}`);
  return bytes;
}

function tooLong(what: string, length: number, max: number): EncodeError {
  return new EncodeError('radius', 'value_too_long', `${what}: ${length} octets, at most ${max}`, {
    attribute: what,
    length,
  });
}

function vendorValue(
  vendorId: number,
  vendorType: number | undefined,
  value: Uint8Array,
  what: string,
): Uint8Array {
  const sub = vendorType === undefined ? 0 : 2;
  const max = MAX_ATTRIBUTE_VALUE_BYTES - 4 - sub;
  if (value.length > max) throw tooLong(what, value.length, max);
  const out = new Uint8Array(4 + sub + value.length);
  out[0] = vendorId >>> 24;
  out[1] = (vendorId >>> 16) & 0xff;
  out[2] = (vendorId >>> 8) & 0xff;
  out[3] = vendorId & 0xff;
  if (vendorType !== undefined) {
    out[4] = vendorType;
    out[5] = 2 + value.length;
  }
  out.set(value, 4 + sub);
  return out;
}

function typedBytes(def: AttributeDefinition | undefined, input: AttributeInput, what: string): Uint8Array {
  return def !== undefined && input.dataType === undefined
    ? valueOf(def, input.value)
    : encodeValue(input.dataType ?? 'octets', input.value, what);
}

/** Encodes one attribute description; an error names the attribute. */
export function encodeAttribute(input: AttributeInput): EncodedAttribute {
  const named = input.name === undefined ? undefined : attributeByName(input.name);
  if (named !== undefined) {
    const bytes = valueOf(named, input.value);
    if (named.vendorId !== 0) {
      return { type: VENDOR_SPECIFIC, value: vendorValue(named.vendorId, named.type, bytes, named.name) };
    }
    if (bytes.length > MAX_ATTRIBUTE_VALUE_BYTES)
      throw tooLong(named.name, bytes.length, MAX_ATTRIBUTE_VALUE_BYTES);
    return { type: named.type, value: bytes };
  }
  if (input.type === undefined && input.vendorId === undefined) {
    throw badAttribute(String(input.name), 'not in the dictionary; give its type (or vendorId) number');
  }
  if (input.vendorId === undefined) {
    const type = checkNumber('type', input.type, 0, 255);
    const def = attributeByType(type);
    const what = def?.name ?? `Attr-${type}`;
    if (type === VENDOR_SPECIFIC) throw badAttribute(what, 'a Vendor-Specific attribute needs vendorId');
    const bytes = typedBytes(def, input, what);
    if (bytes.length > MAX_ATTRIBUTE_VALUE_BYTES)
      throw tooLong(what, bytes.length, MAX_ATTRIBUTE_VALUE_BYTES);
    return { type, value: bytes };
  }
  if (input.type !== undefined && input.type !== VENDOR_SPECIFIC)
    throw badAttribute(`Attr-${input.type}`, 'only type 26 (Vendor-Specific) takes a vendorId');
  const vendorId = checkNumber('vendorId', input.vendorId, 0, 0xffffffff);
  if (input.vendorType === undefined) {
    const what = `Attr-26.${vendorId}`;
    return {
      type: VENDOR_SPECIFIC,
      value: vendorValue(vendorId, undefined, typedBytes(undefined, input, what), what),
    };
  }
  const vendorType = checkNumber('vendorType', input.vendorType, 0, 255);
  const def = attributeByType(vendorType, vendorId);
  const what = def?.name ?? `Attr-26.${vendorId}.${vendorType}`;
  return {
    type: VENDOR_SPECIFIC,
    value: vendorValue(vendorId, vendorType, typedBytes(def, input, what), what),
  };
}
