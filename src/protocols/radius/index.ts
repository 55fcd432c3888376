/** RADIUS accounting (RFC 2865, 2866, 2869, 3162; 3GPP TS 29.061 §16.4.7): pure decode/encode and authenticators. */
export {
  AUTHENTICATOR_BYTES,
  HEADER_BYTES,
  MAX_ATTRIBUTE_VALUE_BYTES,
  MAX_PACKET_BYTES,
  MESSAGE_AUTHENTICATOR,
  RADIUS_ACCOUNTING_PORT,
  RadiusCode,
  VENDOR_SPECIFIC,
} from './types.js';
export type {
  RadiusAttribute,
  RadiusCodeValue,
  RadiusPacket,
  RadiusSecret,
  RadiusValue,
  RadiusValueType,
  RawAttribute,
} from './types.js';
export {
  attributeByName,
  attributeByType,
  valueName,
  VENDOR_3GPP,
  type AttributeDefinition,
} from './dictionary.js';
export { decodeValue, encodeValue, formatDate } from './values.js';
export { encodeAttribute, typeAttributes, type AttributeInput, type EncodedAttribute } from './attributes.js';
export { assemblePacket, decodePacket, packetLength, walkAttributes, type AttributeBytes } from './packet.js';
export {
  accountingRequestAuthenticator,
  checkAccountingRequest,
  messageAuthenticator,
  responseAuthenticator,
  signAccountingRequest,
  signResponse,
  verifyAccountingRequest,
  verifyResponse,
  type AccountingRequestCheck,
  type MessageAuthenticatorVector,
} from './authenticator.js';
export {
  encodeAccountingRequest,
  encodeAccountingResponse,
  encodePacket,
  type AccountingRequestInput,
  type EncodeOptions,
  type PacketInput,
  type ResponseOptions,
} from './encode.js';
export {
  accountingToNar,
  decodeAccountingRequest,
  type AccountingDecodeOptions,
  type AccountingRequest,
} from './accounting.js';
