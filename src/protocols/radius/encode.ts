/**
 * Encoders: an Accounting-Request from attribute descriptions, signed with the shared secret; the
 * Accounting-Response to a request; and any packet with a given authenticator (unsigned), for tests
 * and tools. Attributes are written in the order given; each vendor sub-attribute gets its own
 * Vendor-Specific attribute (as radclient sends them).
 */
import { EncodeError } from '../errors.js';
import { encodeAttribute, type AttributeInput } from './attributes.js';
import { signAccountingRequest, signResponse, type MessageAuthenticatorVector } from './authenticator.js';
import { assemblePacket, type AttributeBytes } from './packet.js';
import { AUTHENTICATOR_BYTES, HEADER_BYTES, MESSAGE_AUTHENTICATOR, RadiusCode } from './types.js';
import type { RadiusSecret } from './types.js';

export interface EncodeOptions {
  /**
   * Add a Message-Authenticator at the end and compute it. One already in `attributes` (any
   * value, e.g. `{ name: 'Message-Authenticator', value: '00…' }`) is computed where it stands.
   */
  readonly messageAuthenticator?: boolean;
}

export interface AccountingRequestInput extends EncodeOptions {
  readonly identifier: number;
  readonly attributes: readonly AttributeInput[];
}

const PLACEHOLDER = new Uint8Array(AUTHENTICATOR_BYTES);

/** Encodes the descriptions; returns the attributes and whether a Message-Authenticator is among them. */
function encodeAll(
  attributes: readonly AttributeInput[],
  addMessageAuthenticator: boolean,
): { list: AttributeBytes[]; ma: boolean } {
  if (!Array.isArray(attributes)) {
    throw new EncodeError('radius', 'invalid_value', 'attributes: expected a list of attribute descriptions');
  }
  const list: AttributeBytes[] = [];
  let ma = false;
  for (const a of attributes) {
    const isMa =
      a.name === 'Message-Authenticator' || (a.name === undefined && a.type === MESSAGE_AUTHENTICATOR);
    if (isMa) {
      if (ma)
        throw new EncodeError('radius', 'invalid_attribute', 'Message-Authenticator: at most one per packet');
      ma = true;
      list.push({ type: MESSAGE_AUTHENTICATOR, value: PLACEHOLDER });
    } else {
      list.push(encodeAttribute(a));
    }
  }
  if (addMessageAuthenticator && !ma) {
    list.push({ type: MESSAGE_AUTHENTICATOR, value: PLACEHOLDER });
    ma = true;
  }
  return { list, ma };
}

/** Offset of the Message-Authenticator value in a packet assembled from `list`; -1 when absent. */
function maOffset(list: readonly AttributeBytes[]): number {
  let p = HEADER_BYTES;
  for (const a of list) {
    if (a.type === MESSAGE_AUTHENTICATOR) return p + 2;
    p += 2 + a.value.length;
  }
  return -1;
}

/** Encodes an Accounting-Request (code 4) with its Request Authenticator and optional Message-Authenticator. */
export function encodeAccountingRequest(input: AccountingRequestInput, secret: RadiusSecret): Uint8Array {
  const { list, ma } = encodeAll(input.attributes, input.messageAuthenticator === true);
  const packet = assemblePacket(RadiusCode.AccountingRequest, input.identifier, list);
  return signAccountingRequest(packet, secret, ma ? maOffset(list) : -1);
}

export interface ResponseOptions extends EncodeOptions {
  /** Authenticator field value the Message-Authenticator is computed with; see authenticator.ts. */
  readonly messageAuthenticatorVector?: MessageAuthenticatorVector;
}

/**
 * Encodes the Accounting-Response (code 5) to a request: same Identifier, Response Authenticator
 * computed with the request's authenticator. RFC 2866 §4.2: a response carries no attributes other
 * than Proxy-State and Vendor-Specific ones; that choice is left to the caller.
 */
export function encodeAccountingResponse(
  request: { readonly identifier: number; readonly authenticator: Uint8Array },
  secret: RadiusSecret,
  attributes: readonly AttributeInput[] = [],
  options: ResponseOptions = {},
): Uint8Array {
  const { list, ma } = encodeAll(attributes, options.messageAuthenticator === true);
  const packet = assemblePacket(RadiusCode.AccountingResponse, request.identifier, list);
  return signResponse(
    packet,
    request.authenticator,
    secret,
    ma ? maOffset(list) : -1,
    options.messageAuthenticatorVector ?? 'request',
  );
}

export interface PacketInput {
  readonly code: number;
  readonly identifier: number;
  /** The Authenticator field as given (16 zero octets when omitted); nothing is computed. */
  readonly authenticator?: Uint8Array;
  readonly attributes: readonly AttributeInput[];
}

/** Encodes any packet without computing authenticators: for tests, vectors and malformed-input tools. */
export function encodePacket(input: PacketInput): Uint8Array {
  const list: AttributeBytes[] = [];
  for (const a of input.attributes) list.push(encodeAttribute(a));
  return assemblePacket(input.code, input.identifier, list, input.authenticator);
}
