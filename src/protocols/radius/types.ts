/**
 * RADIUS (RFC 2865, RFC 2866) values shared by the codec: packet codes, header sizes, limits and the
 * decoded shapes.
 *
 * DecodeError codes raised by this codec (all with protocol 'radius'):
 *   too_short               datagram shorter than the 20-octet header
 *   bad_length              Length field below 20 or above 4096
 *   truncated               datagram shorter than its Length field (RFC 2865 §3: silently discard)
 *   attribute_overrun       an attribute header or value runs past Length
 *   attribute_too_short     an attribute Length field below 2
 *   bad_attribute_length    a value of the wrong size for its type (context.attribute names it)
 *   bad_attribute_value     a value of the right size that its type cannot hold (IPv6 prefix > 128 bits)
 *   vsa_too_short           a Vendor-Specific attribute without its 4-octet Vendor-Id
 *   vsa_overrun             a vendor sub-attribute running past its Vendor-Specific attribute
 *   vsa_bad_length          a vendor sub-attribute Length field below 2
 *   not_accounting_request  decodeAccountingRequest given a code other than 4
 *   missing_attribute       an Accounting-Request without Acct-Status-Type (RFC 2866 §5.1: MUST)
 *   bad_authenticator       Request Authenticator check failed (only when a secret is given)
 *   bad_message_authenticator  Message-Authenticator check failed (only when a secret is given)
 */

/** The registered accounting port (RFC 2866 §3). */
export const RADIUS_ACCOUNTING_PORT = 1813;

/** Packet codes (RFC 2865 §3, RFC 2866 §3, RFC 5176 §3). */
export const RadiusCode = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  StatusServer: 12,
  StatusClient: 13,
  DisconnectRequest: 40,
  DisconnectAck: 41,
  DisconnectNak: 42,
  CoaRequest: 43,
  CoaAck: 44,
  CoaNak: 45,
} as const;
export type RadiusCodeValue = (typeof RadiusCode)[keyof typeof RadiusCode];

/** Code, Identifier, Length (2) and the 16-octet Authenticator. */
export const HEADER_BYTES = 20;
export const AUTHENTICATOR_BYTES = 16;
/** RFC 2865 §3: "The minimum length is 20 and maximum length is 4096." */
export const MAX_PACKET_BYTES = 4096;
/** An attribute's Length octet covers type and length: at most 253 value octets. */
export const MAX_ATTRIBUTE_VALUE_BYTES = 253;
/** Vendor-Specific (RFC 2865 §5.26). */
export const VENDOR_SPECIFIC = 26;
/** Message-Authenticator (RFC 2869 §5.14). */
export const MESSAGE_AUTHENTICATOR = 80;

/**
 * Wire types of attribute values (RFC 8044 names; `byte` is FreeRADIUS' one-octet integer, which
 * several 3GPP attributes of TS 29.061 §16.4.7 use).
 */
export type RadiusValueType =
  | 'string'
  | 'octets'
  | 'ipaddr'
  | 'ipv6addr'
  | 'ipv6prefix'
  | 'integer'
  | 'integer64'
  | 'date'
  | 'ifid'
  | 'byte';

/**
 * A decoded value: text for string (UTF-8), octets (lowercase hex), addresses, prefixes, date
 * (ISO 8601 UTC, whole seconds) and ifid; a number for integer and byte; a bigint for integer64.
 */
export type RadiusValue = string | number | bigint;

/** Where one attribute sits in the packet: type and the value's offset and length. */
export interface RawAttribute {
  readonly type: number;
  /** Offset of the value (after the type and length octets) in the packet bytes. */
  readonly offset: number;
  /** Value length: the attribute's Length field minus 2. */
  readonly length: number;
}

/**
 * One attribute, or one vendor sub-attribute, decoded through the dictionary. Every decoded
 * attribute has all keys (absent ones undefined) so the decoder builds objects of one shape.
 */
export interface RadiusAttribute {
  /** Attribute type; 26 for a vendor sub-attribute. */
  readonly type: number;
  /** Vendor-Id, for type 26 only: of a vendor sub-attribute, or of an unknown vendor's whole value. */
  readonly vendorId?: number;
  /** Vendor sub-attribute type, for sub-attributes of a vendor in the dictionary only. */
  readonly vendorType?: number;
  /** Dictionary name, or FreeRADIUS' form for unknown ones: `Attr-N`, `Attr-26.V.N`, `Attr-26.V`. */
  readonly name: string;
  /** The type the value was decoded as; 'octets' when unknown. */
  readonly dataType: RadiusValueType;
  readonly value: RadiusValue;
  /** The dictionary name of an enumerated value, when there is one. */
  readonly valueName?: string;
  /** False when the dictionary does not know the attribute (its value is then hex). */
  readonly known: boolean;
  /** Offset and length of the value in the packet bytes. */
  readonly offset: number;
  readonly length: number;
}

export interface RadiusPacket {
  readonly code: number;
  readonly identifier: number;
  /** The Length field: octets of the packet; datagram octets past it are padding. */
  readonly length: number;
  /** The 16-octet Authenticator (a subarray of the input). */
  readonly authenticator: Uint8Array;
  /** Every attribute in wire order, Vendor-Specific ones unparsed: nothing is lost. */
  readonly rawAttributes: readonly RawAttribute[];
  /** The typed view: standard attributes and vendor sub-attributes, in wire order. */
  readonly attributes: readonly RadiusAttribute[];
  /** Attributes, vendor sub-attributes and unknown-vendor Vendor-Specific values not in the dictionary. */
  readonly unknownAttributes: number;
  /** The packet's `length` octets (a subarray of the input, padding excluded). */
  readonly bytes: Uint8Array;
}

/** A shared secret: text (encoded as UTF-8) or bytes. */
export type RadiusSecret = string | Uint8Array;
