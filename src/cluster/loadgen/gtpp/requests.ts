/** Building the GSN's GTP' messages: sequence-number patching and the less frequent requests. */
import {
  decodeFrame,
  encodeFrame,
  PacketTransferCommand,
  TS_32298_R17_FORMAT_VERSION,
  type DataRecordFormatVersion,
  type GtppMessage,
  type GtppVersion,
} from '../../../protocols/gtpp/index.js';

/** Data Record Format 1 (BER); TS 32.298 v17.2.0: application 1 (PS domain), release 17, version 2+1. */
export const DATA_RECORD_FORMAT = 1;
export const DATA_RECORD_FORMAT_VERSION: DataRecordFormatVersion = TS_32298_R17_FORMAT_VERSION;

/** Octets 5–6 of every GTP' header hold the sequence number (TS 32.295 §6.1.1). */
export function patchSequence(frame: Uint8Array, seq: number): void {
  frame[4] = seq >>> 8;
  frame[5] = seq & 0xff;
}

/** The same Data Record Packet in a Send-possibly-duplicated request with sequence `seq`. */
export function possiblyDuplicated(sendFrame: Uint8Array, seq: number): Uint8Array {
  const f = decodeFrame(sendFrame);
  const m = f.message;
  if (m.type !== 'data-record-transfer-request' || m.packet === undefined) {
    throw new TypeError('possiblyDuplicated: expected a Data Record Transfer Request with a packet');
  }
  return encodeFrame({
    version: f.version,
    longHeader: f.longHeader,
    sequence: seq,
    message: {
      type: 'data-record-transfer-request',
      command: PacketTransferCommand.SendPossiblyDuplicated,
      packet: m.packet,
    },
  });
}

/** A Cancel (3) or Release (4) request naming the possibly duplicated packet `named`. */
export function cancelOrRelease(
  version: GtppVersion,
  seq: number,
  command: 3 | 4,
  named: number,
): Uint8Array {
  return encodeFrame({
    version,
    longHeader: false,
    sequence: seq,
    message:
      command === PacketTransferCommand.Cancel
        ? { type: 'data-record-transfer-request', command, cancelled: [named] }
        : { type: 'data-record-transfer-request', command, released: [named] },
  });
}

/** A message of the GSN's own (Node Alive Request) or an answer (echo, redirection, node alive). */
export function frameOf(version: GtppVersion, seq: number, message: GtppMessage): Uint8Array {
  return encodeFrame({ version, longHeader: false, sequence: seq, message });
}
