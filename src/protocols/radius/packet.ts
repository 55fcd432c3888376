/**
 * The RADIUS packet (RFC 2865 §3, §5):
 *
 *   octet 1      Code
 *   octet 2      Identifier
 *   octets 3–4   Length: the whole packet, 20–4096
 *   octets 5–20  Authenticator
 *   then         attributes: Type (1), Length (1, covering type and length, at least 2), Value
 *
 * A datagram shorter than Length is an error (RFC 2865 §3 says to discard it silently; the caller
 * does that on DecodeError); octets past Length are padding and ignored. The attributes must fill
 * the packet exactly. Any code is decoded; what a code means is the caller's business.
 */
import { allocOctets } from '../byte-writer.js';
import { DecodeError, EncodeError } from '../errors.js';
import { typeAttributes } from './attributes.js';
import { AUTHENTICATOR_BYTES, HEADER_BYTES, MAX_PACKET_BYTES } from './types.js';
import type { RadiusPacket, RawAttribute } from './types.js';

/** Checks the header and Length of a datagram; returns the packet length. */
export function packetLength(buf: Uint8Array): number {
  if (buf.length < HEADER_BYTES) {
    throw new DecodeError(
      'radius',
      'too_short',
      `expected at least a ${HEADER_BYTES}-octet header, got ${buf.length} octets`,
      0,
      { bytes: buf.length },
    );
  }
  const length = ((buf[2] as number) << 8) | (buf[3] as number);
  if (length < HEADER_BYTES || length > MAX_PACKET_BYTES) {
    throw new DecodeError(
      'radius',
      'bad_length',
      `Length field is ${length}, expected ${HEADER_BYTES}–${MAX_PACKET_BYTES}`,
      2,
      { length },
    );
  }
  if (length > buf.length) {
    throw new DecodeError(
      'radius',
      'truncated',
      `Length field is ${length}, the datagram has ${buf.length} octets`,
      2,
      {
        length,
        bytes: buf.length,
      },
    );
  }
  return length;
}

/** Walks the attributes of buf[20, length): where each one's value sits. */
export function walkAttributes(buf: Uint8Array, length: number): RawAttribute[] {
  const out: RawAttribute[] = [];
  let p = HEADER_BYTES;
  while (p < length) {
    if (length - p < 2) {
      throw new DecodeError(
        'radius',
        'attribute_overrun',
        `an attribute header needs 2 octets, ${length - p} left in the packet`,
        p,
        { left: length - p },
      );
    }
    const type = buf[p] as number;
    const attrLen = buf[p + 1] as number;
    if (attrLen < 2) {
      throw new DecodeError(
        'radius',
        'attribute_too_short',
        `attribute ${type} has length ${attrLen}, at least 2`,
        p,
        {
          type,
          length: attrLen,
        },
      );
    }
    if (p + attrLen > length) {
      throw new DecodeError(
        'radius',
        'attribute_overrun',
        `attribute ${type} needs ${attrLen} octets, ${length - p} left in the packet`,
        p,
        { type, length: attrLen, left: length - p },
      );
    }
    out.push({ type, offset: p + 2, length: attrLen - 2 });
    p += attrLen;
  }
  return out;
}

/** Decodes one datagram: header, every attribute raw, and the typed view through the dictionary. */
export function decodePacket(datagram: Uint8Array): RadiusPacket {
  const length = packetLength(datagram);
  const bytes = datagram.length === length ? datagram : datagram.subarray(0, length);
  const rawAttributes = walkAttributes(bytes, length);
  const { attributes, unknownAttributes } = typeAttributes(bytes, rawAttributes);
  return {
    code: bytes[0] as number,
    identifier: bytes[1] as number,
    length,
    authenticator: bytes.subarray(4, HEADER_BYTES),
    rawAttributes,
    attributes,
    unknownAttributes,
    bytes,
  };
}

/** An attribute as wire parts: type and value (at most 253 octets). */
export interface AttributeBytes {
  readonly type: number;
  readonly value: Uint8Array;
}

/**
 * Assembles a packet: header with the given authenticator (16 zero octets when omitted) and the
 * attributes in order. A packet over 4096 octets is `packet_too_large`. The authenticator is not
 * computed here (see authenticator.ts).
 */
export function assemblePacket(
  code: number,
  identifier: number,
  attributes: readonly AttributeBytes[],
  authenticator?: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(code) || code < 0 || code > 255)
    throw new EncodeError('radius', 'invalid_value', `code: expected an integer 0–255, got ${String(code)}`);
  if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255) {
    throw new EncodeError(
      'radius',
      'invalid_value',
      `identifier: expected an integer 0–255, got ${String(identifier)}`,
    );
  }
  if (authenticator !== undefined && authenticator.length !== AUTHENTICATOR_BYTES) {
    throw new EncodeError(
      'radius',
      'invalid_value',
      `authenticator: expected ${AUTHENTICATOR_BYTES} octets, got ${authenticator.length}`,
    );
  }
  let length = HEADER_BYTES;
  for (const a of attributes) {
    if (a.value.length > 253) {
      throw new EncodeError(
        'radius',
        'value_too_long',
        `attribute ${a.type}: ${a.value.length} octets, at most 253`,
        {
          type: a.type,
          length: a.value.length,
        },
      );
    }
    length += 2 + a.value.length;
  }
  if (length > MAX_PACKET_BYTES) {
    throw new EncodeError(
      'radius',
      'packet_too_large',
      `packet is ${length} octets, at most ${MAX_PACKET_BYTES}`,
      {
        length,
      },
    );
  }
  const out = allocOctets(length);
  out[0] = code;
  out[1] = identifier;
  out[2] = length >>> 8;
  out[3] = length & 0xff;
  if (authenticator !== undefined) out.set(authenticator, 4);
  else out.fill(0, 4, HEADER_BYTES);
  let p = HEADER_BYTES;
  for (const a of attributes) {
    out[p] = a.type;
    out[p + 1] = 2 + a.value.length;
    out.set(a.value, p + 2);
    p += 2 + a.value.length;
  }
  return out;
}
