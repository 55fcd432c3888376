/** GTP' (3GPP TS 32.295): pure decode/encode of the charging protocol between GSNs and a CGF. */
export {
  DEFAULT_GTPP_LIMITS,
  GTPP_DEFAULT_PORT,
  IeType,
  MessageType,
  PacketTransferCommand,
  resolveLimits,
  TS_32298_R17_FORMAT_VERSION,
} from './types.js';
export type {
  DataRecordFormatVersion,
  DataRecordPacket,
  DataRecordTransferRequest,
  DataRecordTransferResponse,
  EchoRequest,
  EchoResponse,
  GtppFrame,
  GtppHeader,
  GtppLimits,
  GtppMessage,
  GtppVersion,
  MessageTypeValue,
  NodeAliveRequest,
  NodeAliveResponse,
  PacketTransferCommandValue,
  PrivateExtension,
  RedirectionRequest,
  RedirectionResponse,
  VersionNotSupported,
} from './types.js';
export { Cause, causeForDecodeError, causeIsAcceptance, causeName, type CauseValue } from './causes.js';
export { decodeHeader, LONG_HEADER_BYTES, SHORT_HEADER_BYTES } from './header.js';
export { decodeFrame } from './messages.js';
export { encodeFrame } from './encode.js';
export { GtppStreamFramer } from './framer.js';
