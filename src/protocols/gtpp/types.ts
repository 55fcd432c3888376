/**
 * GTP' (3GPP TS 32.295) values: message and IE type numbers, the decoded message shapes and the
 * decoder limits. Numbers are checked against TS 32.295 §6 and Wireshark's `packet-gtp.c`.
 */

/** The registered GTP' port (UDP and TCP). */
export const GTPP_DEFAULT_PORT = 3386;

/** GTP' message types (TS 32.295 §6.2; 1–3 are shared with GTP, TS 29.060). */
export const MessageType = {
  EchoRequest: 1,
  EchoResponse: 2,
  VersionNotSupported: 3,
  NodeAliveRequest: 4,
  NodeAliveResponse: 5,
  RedirectionRequest: 6,
  RedirectionResponse: 7,
  DataRecordTransferRequest: 240,
  DataRecordTransferResponse: 241,
} as const;
export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType];

/** Values of the Packet Transfer Command IE (TS 32.295 §6.2.4.5.2). */
export const PacketTransferCommand = {
  Send: 1,
  SendPossiblyDuplicated: 2,
  Cancel: 3,
  Release: 4,
} as const;
export type PacketTransferCommandValue = (typeof PacketTransferCommand)[keyof typeof PacketTransferCommand];

/** IE types used by GTP'. Types below 128 are TV (fixed length), 128 and above TLV (2-octet length). */
export const IeType = {
  Cause: 1,
  Recovery: 14,
  PacketTransferCommand: 126,
  /** TS 29.060 §7.7.26; may appear in GTP' messages, never required. */
  ChargingId: 127,
  SequenceNumbersOfReleasedPackets: 249,
  SequenceNumbersOfCancelledPackets: 250,
  ChargingGatewayAddress: 251,
  DataRecordPacket: 252,
  RequestsResponded: 253,
  AddressOfRecommendedNode: 254,
  PrivateExtension: 255,
} as const;

export type GtppVersion = 0 | 1 | 2;

export interface GtppHeader {
  version: GtppVersion;
  /** Version 0 only: the 20-octet header (octet 1 bit 1 = 0). Versions 1 and 2 always use 6 octets. */
  longHeader: boolean;
  type: number;
  /** Octets after the header. */
  length: number;
  sequence: number;
}

/** Octets 6–7 (and 8) of the Data Record Packet IE. */
export interface DataRecordFormatVersion {
  /** Application Identifier, 0–15 (1 = GSM/UMTS PS domain). */
  application: number;
  /** Release: 1–15 in the half octet; 0 or 16–255 travel in the Release Identifier Extension octet. */
  release: number;
  /** Version Identifier: second digit of the TS version plus one (or the ASCII code of a letter). */
  version: number;
}

/** The format version of TS 32.298 v17.2.0 CDRs: application 1 (PS domain), release 17, version 2+1. */
export const TS_32298_R17_FORMAT_VERSION: DataRecordFormatVersion = {
  application: 1,
  release: 17,
  version: 3,
};

export interface DataRecordPacket {
  /** Data Record Format: 1 = BER, 2 = unaligned PER, 3 = aligned PER, others operator-defined. */
  format: number;
  formatVersion: DataRecordFormatVersion;
  /** Each record's bytes; on decode these are subarrays of the input (no copy). */
  records: Uint8Array[];
}

/** Private Extension IE (TS 29.060 §7.7.46): an IANA enterprise number and its value. */
export interface PrivateExtension {
  identifier: number;
  value: Uint8Array;
}

interface WithExtensions {
  privateExtensions?: PrivateExtension[];
}

export interface EchoRequest extends WithExtensions {
  type: 'echo-request';
}
export interface EchoResponse extends WithExtensions {
  type: 'echo-response';
  /** Restart counter of the sender (Recovery IE). */
  recovery: number;
}
export interface VersionNotSupported {
  type: 'version-not-supported';
}
export interface NodeAliveRequest extends WithExtensions {
  type: 'node-alive-request';
  nodeAddress: string;
  alternativeNodeAddress?: string;
}
export interface NodeAliveResponse extends WithExtensions {
  type: 'node-alive-response';
}
export interface RedirectionRequest extends WithExtensions {
  type: 'redirection-request';
  cause: number;
  recommendedNode?: string;
  alternativeRecommendedNode?: string;
}
export interface RedirectionResponse extends WithExtensions {
  type: 'redirection-response';
  cause: number;
}
export interface DataRecordTransferRequest extends WithExtensions {
  type: 'data-record-transfer-request';
  command: PacketTransferCommandValue;
  packet?: DataRecordPacket;
  released?: number[];
  cancelled?: number[];
}
export interface DataRecordTransferResponse extends WithExtensions {
  type: 'data-record-transfer-response';
  cause: number;
  requestsResponded: number[];
}

export type GtppMessage =
  | EchoRequest
  | EchoResponse
  | VersionNotSupported
  | NodeAliveRequest
  | NodeAliveResponse
  | RedirectionRequest
  | RedirectionResponse
  | DataRecordTransferRequest
  | DataRecordTransferResponse;

export interface GtppFrame {
  version: GtppVersion;
  longHeader: boolean;
  sequence: number;
  message: GtppMessage;
  /** IEs skipped: TLV types unknown to GTP', IEs not part of this message, and repeats of single IEs. */
  unknownIes: number;
}

export interface GtppLimits {
  /** Largest whole message (header included) accepted. */
  maxMessageBytes: number;
  /** Most data records in one Data Record Packet (the count travels in one octet: at most 255). */
  maxRecordsPerPacket: number;
  /** Most entries in a sequence-number list (Released, Cancelled, Requests Responded). */
  maxSequenceList: number;
}

export const DEFAULT_GTPP_LIMITS: Readonly<GtppLimits> = Object.freeze({
  maxMessageBytes: 65_535 + 20,
  maxRecordsPerPacket: 255,
  maxSequenceList: 4096,
});

/** Fills defaults; a limit that is not a positive integer is a programming error (RangeError). */
export function resolveLimits(limits?: Partial<GtppLimits>): Readonly<GtppLimits> {
  if (limits === undefined) return DEFAULT_GTPP_LIMITS;
  const filled = { ...DEFAULT_GTPP_LIMITS, ...limits };
  for (const key of Object.keys(filled) as (keyof GtppLimits)[]) {
    if (!(key in DEFAULT_GTPP_LIMITS)) throw new RangeError(`GtppLimits.${key}: unknown limit`);
    const v = filled[key];
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`GtppLimits.${key}: expected a positive integer, got ${String(v)}`);
  }
  return filled;
}
