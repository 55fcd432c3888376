/**
 * GTP' messages (TS 32.295 §6.2): one whole message in, a typed frame out, or a DecodeError.
 *
 * Which IEs each message carries, and which are required:
 *   Echo Request                  Private Extension (O)
 *   Echo Response                 Recovery (M), Private Extension (O)
 *   Version Not Supported         header only
 *   Node Alive Request            Node Address (M) and Alternative Node Address (O), both as
 *                                 Charging Gateway Address IEs; Private Extension (O)
 *   Node Alive Response           Private Extension (O)
 *   Redirection Request           Cause (M), Address of Recommended Node (O) and its alternative (O),
 *                                 Private Extension (O)
 *   Redirection Response          Cause (M), Private Extension (O)
 *   Data Record Transfer Request  Packet Transfer Command (M); Data Record Packet (M for Send and
 *                                 Send possibly duplicated, else O and may be empty); Sequence Numbers
 *                                 of Released Packets (M for Release); of Cancelled Packets (M for
 *                                 Cancel); Private Extension (O)
 *   Data Record Transfer Response Cause (M), Requests Responded (M), Private Extension (O)
 */
import { DecodeError } from '../errors.js';
import { decodeHeader, LONG_HEADER_BYTES, SHORT_HEADER_BYTES } from './header.js';
import {
  IeTable,
  ieIncorrect,
  ieName,
  MESSAGE_IES,
  readAddress,
  readDataRecordPacket,
  readPrivateExtension,
  readSequenceList,
  walkIes,
  type IeRole,
} from './ies.js';
import { IeType, MessageType, resolveLimits } from './types.js';
import type {
  DataRecordTransferRequest,
  GtppFrame,
  GtppLimits,
  GtppMessage,
  PacketTransferCommandValue,
  PrivateExtension,
} from './types.js';

/** Reused by every decode: decoding is synchronous, so one table serves all calls. */
const table = new IeTable();

/** Decodes exactly one message; a shorter buffer is `truncated`, a longer one `length_mismatch`. */
export function decodeFrame(buf: Uint8Array, limits?: Partial<GtppLimits>): GtppFrame {
  const lim = resolveLimits(limits);
  if (buf.length > lim.maxMessageBytes) {
    throw new DecodeError(
      'gtpp',
      'message_too_large',
      `${buf.length} octets, limit ${lim.maxMessageBytes}`,
      0,
      {
        bytes: buf.length,
        limit: lim.maxMessageBytes,
      },
    );
  }
  const h = decodeHeader(buf, 0);
  const headerBytes = h.longHeader ? LONG_HEADER_BYTES : SHORT_HEADER_BYTES;
  const total = headerBytes + h.length;
  if (buf.length < total) {
    throw new DecodeError(
      'gtpp',
      'truncated',
      `header announces ${total} octets, got ${buf.length}`,
      buf.length,
      {
        expected: total,
        actual: buf.length,
      },
    );
  }
  if (buf.length > total) {
    throw new DecodeError(
      'gtpp',
      'length_mismatch',
      `header announces ${total} octets, got ${buf.length}`,
      total,
      {
        expected: total,
        actual: buf.length,
      },
    );
  }
  const allowed = MESSAGE_IES.get(h.type);
  if (allowed === undefined) {
    throw new DecodeError('gtpp', 'unknown_message_type', `message type ${h.type} is not a GTP' message`, 1, {
      messageType: h.type,
    });
  }
  walkIes(buf, headerBytes, total, h.type, allowed, table);
  const message = buildMessage(buf, h.type, headerBytes, lim);
  return {
    version: h.version,
    longHeader: h.longHeader,
    sequence: h.sequence,
    message,
    unknownIes: table.skipped,
  };
}

function missing(type: number, messageType: number, at: number): DecodeError {
  return new DecodeError(
    'gtpp',
    'mandatory_ie_missing',
    `message type ${messageType} needs ${ieName(type)}`,
    at,
    {
      ie: type,
      messageType,
    },
  );
}

/** Value offset of a mandatory IE, or mandatory_ie_missing. */
function required(type: number, messageType: number, headerBytes: number): number {
  const at = table.pos[type] as number;
  if (at < 0) throw missing(type, messageType, headerBytes);
  return at;
}

function extensions(buf: Uint8Array): PrivateExtension[] | undefined {
  const n = table.extPos.length;
  if (n === 0) return undefined;
  const out = new Array<PrivateExtension>(n);
  for (let i = 0; i < n; i++)
    out[i] = readPrivateExtension(buf, table.extPos[i] as number, table.extLen[i] as number);
  return out;
}

function withExtensions<T extends object>(
  buf: Uint8Array,
  message: T,
): T & { privateExtensions?: PrivateExtension[] } {
  const ext = extensions(buf);
  return ext === undefined ? message : { ...message, privateExtensions: ext };
}

function address(buf: Uint8Array, type: number, role: IeRole, alt: boolean): string | undefined {
  const at = (alt ? table.altPos[type] : table.pos[type]) as number;
  if (at < 0) return undefined;
  return readAddress(buf, type, role, at, (alt ? table.altLen[type] : table.len[type]) as number);
}

function buildMessage(
  buf: Uint8Array,
  type: number,
  headerBytes: number,
  lim: Readonly<GtppLimits>,
): GtppMessage {
  switch (type) {
    case MessageType.EchoRequest:
      return withExtensions(buf, { type: 'echo-request' as const });
    case MessageType.EchoResponse: {
      const recovery = buf[required(IeType.Recovery, type, headerBytes)] as number;
      return withExtensions(buf, { type: 'echo-response' as const, recovery });
    }
    case MessageType.VersionNotSupported:
      return { type: 'version-not-supported' };
    case MessageType.NodeAliveRequest: {
      required(IeType.ChargingGatewayAddress, type, headerBytes);
      const nodeAddress = address(buf, IeType.ChargingGatewayAddress, 'mandatory', false) as string;
      const alternative = address(buf, IeType.ChargingGatewayAddress, 'optional', true);
      const m = { type: 'node-alive-request' as const, nodeAddress };
      return withExtensions(
        buf,
        alternative === undefined ? m : { ...m, alternativeNodeAddress: alternative },
      );
    }
    case MessageType.NodeAliveResponse:
      return withExtensions(buf, { type: 'node-alive-response' as const });
    case MessageType.RedirectionRequest: {
      const cause = buf[required(IeType.Cause, type, headerBytes)] as number;
      const recommended = address(buf, IeType.AddressOfRecommendedNode, 'optional', false);
      const alternative = address(buf, IeType.AddressOfRecommendedNode, 'optional', true);
      return withExtensions(buf, {
        type: 'redirection-request' as const,
        cause,
        ...(recommended === undefined ? {} : { recommendedNode: recommended }),
        ...(alternative === undefined ? {} : { alternativeRecommendedNode: alternative }),
      });
    }
    case MessageType.RedirectionResponse: {
      const cause = buf[required(IeType.Cause, type, headerBytes)] as number;
      return withExtensions(buf, { type: 'redirection-response' as const, cause });
    }
    case MessageType.DataRecordTransferRequest:
      return dataRecordTransferRequest(buf, headerBytes, lim);
    default: {
      // MESSAGE_IES has no other entries: this is the Data Record Transfer Response.
      const cause = buf[required(IeType.Cause, type, headerBytes)] as number;
      const at = required(IeType.RequestsResponded, type, headerBytes);
      const requestsResponded = readSequenceList(
        buf,
        IeType.RequestsResponded,
        'mandatory',
        at,
        table.len[IeType.RequestsResponded] as number,
        lim.maxSequenceList,
      );
      return withExtensions(buf, {
        type: 'data-record-transfer-response' as const,
        cause,
        requestsResponded,
      });
    }
  }
}

function dataRecordTransferRequest(
  buf: Uint8Array,
  headerBytes: number,
  lim: Readonly<GtppLimits>,
): GtppMessage {
  const type = MessageType.DataRecordTransferRequest;
  const cmdAt = required(IeType.PacketTransferCommand, type, headerBytes);
  const command = buf[cmdAt] as number;
  if (command < 1 || command > 4) {
    throw ieIncorrect(IeType.PacketTransferCommand, 'mandatory', cmdAt, `expected 1–4, got ${command}`, {
      value: command,
    });
  }
  const sends = command <= 2;
  const m: DataRecordTransferRequest = {
    type: 'data-record-transfer-request',
    command: command as PacketTransferCommandValue,
  };

  const released = sequenceList(
    buf,
    IeType.SequenceNumbersOfReleasedPackets,
    command === 4,
    headerBytes,
    lim,
  );
  if (released !== undefined) m.released = released;
  const cancelled = sequenceList(
    buf,
    IeType.SequenceNumbersOfCancelledPackets,
    command === 3,
    headerBytes,
    lim,
  );
  if (cancelled !== undefined) m.cancelled = cancelled;

  const packetAt = table.pos[IeType.DataRecordPacket] as number;
  if (packetAt < 0) {
    if (sends) throw missing(IeType.DataRecordPacket, type, headerBytes);
  } else {
    const role: IeRole = sends ? 'mandatory' : 'optional';
    const packet = readDataRecordPacket(
      buf,
      role,
      packetAt,
      table.len[IeType.DataRecordPacket] as number,
      lim.maxRecordsPerPacket,
    );
    if (packet !== undefined) m.packet = packet;
    else if (sends)
      throw ieIncorrect(
        IeType.DataRecordPacket,
        role,
        packetAt,
        'a Send command needs a non-empty Data Record Packet',
      );
  }
  return withExtensions(buf, m);
}

function sequenceList(
  buf: Uint8Array,
  type: number,
  mandatory: boolean,
  headerBytes: number,
  lim: Readonly<GtppLimits>,
): number[] | undefined {
  const at = table.pos[type] as number;
  if (at < 0) {
    if (mandatory) throw missing(type, MessageType.DataRecordTransferRequest, headerBytes);
    return undefined;
  }
  return readSequenceList(
    buf,
    type,
    mandatory ? 'mandatory' : 'optional',
    at,
    table.len[type] as number,
    lim.maxSequenceList,
  );
}
