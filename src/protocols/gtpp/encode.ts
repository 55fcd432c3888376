/**
 * GTP' encoder: a frame in, the message bytes out. IEs are written in ascending type order
 * (TS 29.060 §7.7.0), every value is range-checked first, and what the decoder would reject
 * (empty sequence lists, an empty packet with a Send command, a 20-octet header in version 1 or 2)
 * is an EncodeError instead, so `decodeFrame(encodeFrame(f))` gives `f` back.
 */
import { ByteWriter } from '../byte-writer.js';
import { EncodeError } from '../errors.js';
import { parseIpBytes } from '../ip.js';
import { LONG_HEADER_BYTES, SHORT_HEADER_BYTES, writeHeader } from './header.js';
import { ieName } from './ies.js';
import { IeType, MessageType } from './types.js';
import type { DataRecordPacket, GtppFrame, GtppMessage, PrivateExtension } from './types.js';

const MAX_U16 = 0xffff;

function invalid(what: string, expected: string, value: unknown): EncodeError {
  return new EncodeError('gtpp', 'invalid_value', `${what}: expected ${expected}, got ${String(value)}`, {
    field: what,
  });
}

function checkInt(what: string, v: number, max: number, min = 0): number {
  if (!Number.isInteger(v) || v < min || v > max) throw invalid(what, `an integer ${min}–${max}`, v);
  return v;
}

function tv(w: ByteWriter, type: number, value: number, what: string): void {
  w.octet(type);
  w.octet(checkInt(what, value, 0xff));
}

function tlvHeader(w: ByteWriter, type: number, length: number): void {
  if (length > MAX_U16) {
    throw new EncodeError(
      'gtpp',
      'ie_too_large',
      `${ieName(type)} value is ${length} octets, at most ${MAX_U16}`,
      { ie: type, length },
    );
  }
  w.octet(type);
  w.u16(length);
}

function address(w: ByteWriter, type: number, text: string, what: string): void {
  const bytes = typeof text === 'string' ? parseIpBytes(text) : undefined;
  if (bytes === undefined) throw invalid(what, 'an IPv4 or IPv6 address', text);
  tlvHeader(w, type, bytes.length);
  w.octets(bytes);
}

function sequenceList(w: ByteWriter, type: number, list: readonly number[], what: string): void {
  if (!Array.isArray(list) || list.length === 0)
    throw invalid(what, 'a non-empty list of sequence numbers', list);
  tlvHeader(w, type, list.length * 2);
  list.forEach((n, i) => w.u16(checkInt(`${what}[${i}]`, n, MAX_U16)));
}

function dataRecordPacket(w: ByteWriter, p: DataRecordPacket): void {
  const { records, formatVersion: v } = p;
  if (!Array.isArray(records) || records.length === 0 || records.length > 0xff) {
    throw invalid('packet.records', 'a list of 1–255 records (the count is one octet)', records?.length);
  }
  const release = checkInt('packet.formatVersion.release', v.release, 0xff);
  const extended = release === 0 || release > 15;
  let length = 4 + (extended ? 1 : 0);
  records.forEach((r, i) => {
    if (!(r instanceof Uint8Array) || r.length > MAX_U16)
      throw invalid(`packet.records[${i}]`, `bytes, at most ${MAX_U16}`, r?.length);
    length += 2 + r.length;
  });
  tlvHeader(w, IeType.DataRecordPacket, length);
  w.octet(records.length);
  w.octet(checkInt('packet.format', p.format, 0xff));
  w.octet(
    (checkInt('packet.formatVersion.application', v.application, 0x0f) << 4) | (extended ? 0 : release),
  );
  w.octet(checkInt('packet.formatVersion.version', v.version, 0xff));
  if (extended) w.octet(release);
  for (const r of records) {
    w.u16(r.length);
    w.octets(r);
  }
}

function privateExtensions(w: ByteWriter, list: readonly PrivateExtension[] | undefined): void {
  if (list === undefined) return;
  list.forEach((e, i) => {
    if (!(e.value instanceof Uint8Array)) throw invalid(`privateExtensions[${i}].value`, 'bytes', e.value);
    tlvHeader(w, IeType.PrivateExtension, 2 + e.value.length);
    w.u16(checkInt(`privateExtensions[${i}].identifier`, e.identifier, MAX_U16));
    w.octets(e.value);
  });
}

/** Bytes the message body needs, roughly; sizes the writer so large packets are not copied while growing. */
/** One writer for every message: `encodeFrame` runs to completion before the next. */
const writer = new ByteWriter(4096);

function body(w: ByteWriter, m: GtppMessage): number {
  switch (m.type) {
    case 'echo-request':
      privateExtensions(w, m.privateExtensions);
      return MessageType.EchoRequest;
    case 'echo-response':
      tv(w, IeType.Recovery, m.recovery, 'recovery');
      privateExtensions(w, m.privateExtensions);
      return MessageType.EchoResponse;
    case 'version-not-supported':
      return MessageType.VersionNotSupported;
    case 'node-alive-request':
      address(w, IeType.ChargingGatewayAddress, m.nodeAddress, 'nodeAddress');
      if (m.alternativeNodeAddress !== undefined)
        address(w, IeType.ChargingGatewayAddress, m.alternativeNodeAddress, 'alternativeNodeAddress');
      privateExtensions(w, m.privateExtensions);
      return MessageType.NodeAliveRequest;
    case 'node-alive-response':
      privateExtensions(w, m.privateExtensions);
      return MessageType.NodeAliveResponse;
    case 'redirection-request':
      tv(w, IeType.Cause, m.cause, 'cause');
      if (m.recommendedNode !== undefined)
        address(w, IeType.AddressOfRecommendedNode, m.recommendedNode, 'recommendedNode');
      if (m.alternativeRecommendedNode !== undefined) {
        if (m.recommendedNode === undefined)
          throw invalid(
            'alternativeRecommendedNode',
            'recommendedNode to be set too',
            'undefined recommendedNode',
          );
        address(
          w,
          IeType.AddressOfRecommendedNode,
          m.alternativeRecommendedNode,
          'alternativeRecommendedNode',
        );
      }
      privateExtensions(w, m.privateExtensions);
      return MessageType.RedirectionRequest;
    case 'redirection-response':
      tv(w, IeType.Cause, m.cause, 'cause');
      privateExtensions(w, m.privateExtensions);
      return MessageType.RedirectionResponse;
    case 'data-record-transfer-request': {
      const command = checkInt('command', m.command, 4, 1);
      tv(w, IeType.PacketTransferCommand, command, 'command');
      if (m.released !== undefined)
        sequenceList(w, IeType.SequenceNumbersOfReleasedPackets, m.released, 'released');
      else if (command === 4) throw invalid('released', 'a list with the Release command', undefined);
      if (m.cancelled !== undefined)
        sequenceList(w, IeType.SequenceNumbersOfCancelledPackets, m.cancelled, 'cancelled');
      else if (command === 3) throw invalid('cancelled', 'a list with the Cancel command', undefined);
      if (m.packet !== undefined) dataRecordPacket(w, m.packet);
      else if (command <= 2) throw invalid('packet', 'a Data Record Packet with a Send command', undefined);
      privateExtensions(w, m.privateExtensions);
      return MessageType.DataRecordTransferRequest;
    }
    case 'data-record-transfer-response':
      tv(w, IeType.Cause, m.cause, 'cause');
      sequenceList(w, IeType.RequestsResponded, m.requestsResponded, 'requestsResponded');
      privateExtensions(w, m.privateExtensions);
      return MessageType.DataRecordTransferResponse;
    default:
      throw invalid('message.type', "a GTP' message type", (m as { type: unknown }).type);
  }
}

/** Encodes one message; the 14 extra octets of a version 0 long header are sent as 0xFF. */
export function encodeFrame(frame: Omit<GtppFrame, 'unknownIes'>): Uint8Array {
  const { version, longHeader, sequence, message } = frame;
  if (version !== 0 && version !== 1 && version !== 2) throw invalid('version', '0, 1 or 2', version);
  if (longHeader && version !== 0) {
    throw new EncodeError(
      'gtpp',
      'invalid_header',
      `the 20-octet header exists only in version 0, got version ${version}`,
      { version },
    );
  }
  checkInt('sequence', sequence, MAX_U16);
  const headerBytes = longHeader ? LONG_HEADER_BYTES : SHORT_HEADER_BYTES;
  const w = writer;
  w.clear();
  w.zeros(headerBytes);
  const type = body(w, message);
  const length = w.length - headerBytes;
  if (length > MAX_U16) {
    throw new EncodeError(
      'gtpp',
      'message_too_large',
      `message body is ${length} octets, at most ${MAX_U16}`,
      { length },
    );
  }
  const out = w.take();
  writeHeader(out, version, longHeader, type, length, sequence);
  return out;
}
