/** Every GTP' message type round-trips through encodeFrame/decodeFrame in every header form. */
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  decodeHeader,
  encodeFrame,
  MessageType,
  PacketTransferCommand,
  type GtppMessage,
  type GtppVersion,
} from '../../../../src/protocols/gtpp/index.js';

const b = (...octets: number[]): Uint8Array => Uint8Array.from(octets);
const ext = [
  { identifier: 10415, value: b(1, 2, 3) },
  { identifier: 0, value: b() },
];
const packet = {
  format: 1,
  formatVersion: { application: 1, release: 15, version: 3 },
  records: [b(0xbf, 0x4f, 0x00), b(), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)],
};

const MESSAGES: [number, GtppMessage][] = [
  [MessageType.EchoRequest, { type: 'echo-request' }],
  [MessageType.EchoRequest, { type: 'echo-request', privateExtensions: ext }],
  [MessageType.EchoResponse, { type: 'echo-response', recovery: 255, privateExtensions: ext }],
  [MessageType.VersionNotSupported, { type: 'version-not-supported' }],
  [MessageType.NodeAliveRequest, { type: 'node-alive-request', nodeAddress: '10.0.0.1' }],
  [
    MessageType.NodeAliveRequest,
    {
      type: 'node-alive-request',
      nodeAddress: 'fe80::1',
      alternativeNodeAddress: '10.0.0.1',
      privateExtensions: ext,
    },
  ],
  [MessageType.NodeAliveResponse, { type: 'node-alive-response', privateExtensions: ext }],
  [MessageType.RedirectionRequest, { type: 'redirection-request', cause: 63 }],
  [
    MessageType.RedirectionRequest,
    {
      type: 'redirection-request',
      cause: 60,
      recommendedNode: '::ffff:192.0.2.1',
      alternativeRecommendedNode: '2001:db8:0:1::',
    },
  ],
  [MessageType.RedirectionResponse, { type: 'redirection-response', cause: 128, privateExtensions: ext }],
  [
    MessageType.DataRecordTransferRequest,
    { type: 'data-record-transfer-request', command: PacketTransferCommand.Send, packet },
  ],
  [
    MessageType.DataRecordTransferRequest,
    {
      type: 'data-record-transfer-request',
      command: PacketTransferCommand.SendPossiblyDuplicated,
      packet: { ...packet, formatVersion: { application: 15, release: 200, version: 66 } },
      privateExtensions: ext,
    },
  ],
  [
    MessageType.DataRecordTransferRequest,
    { type: 'data-record-transfer-request', command: PacketTransferCommand.Cancel, cancelled: [0, 65535] },
  ],
  [
    MessageType.DataRecordTransferRequest,
    {
      type: 'data-record-transfer-request',
      command: PacketTransferCommand.Release,
      released: [1, 2, 3],
      cancelled: [4],
    },
  ],
  [
    MessageType.DataRecordTransferResponse,
    { type: 'data-record-transfer-response', cause: 177, requestsResponded: [7, 8, 9] },
  ],
];

const HEADERS: { version: GtppVersion; longHeader: boolean }[] = [
  { version: 0, longHeader: true },
  { version: 0, longHeader: false },
  { version: 1, longHeader: false },
  { version: 2, longHeader: false },
];

describe("GTP' round trips", () => {
  for (const h of HEADERS) {
    for (const [type, message] of MESSAGES) {
      const label = `v${h.version} ${h.longHeader ? '20' : '6'}-octet header: ${JSON.stringify(message).slice(0, 90)}`;
      it(`ensures ${label} decodes to what was encoded and re-encodes identically`, () => {
        const frame = { ...h, sequence: 0xabcd, message };
        const bytes = encodeFrame(frame);
        const header = decodeHeader(bytes);
        expect(header).toEqual({
          ...h,
          type,
          length: bytes.length - (h.longHeader ? 20 : 6),
          sequence: 0xabcd,
        });
        const decoded = decodeFrame(bytes);
        expect(decoded).toEqual({ ...frame, unknownIes: 0 });
        const { unknownIes: _u, ...again } = decoded;
        expect(encodeFrame(again)).toEqual(bytes);
      });
    }
  }

  it('ensures octet 1 is version | PT 0 | spare 111 | header bit, and the long header pads with 0xFF', () => {
    const m: GtppMessage = { type: 'echo-request' };
    expect(encodeFrame({ version: 0, longHeader: true, sequence: 0, message: m })).toEqual(
      b(0x0e, 1, 0, 0, 0, 0, ...new Array<number>(14).fill(0xff)),
    );
    expect(encodeFrame({ version: 0, longHeader: false, sequence: 0, message: m })[0]).toBe(0x0f);
    expect(encodeFrame({ version: 1, longHeader: false, sequence: 0, message: m })[0]).toBe(0x2e);
    expect(encodeFrame({ version: 2, longHeader: false, sequence: 0, message: m })[0]).toBe(0x4e);
  });

  it('ensures IEs are written in ascending type order (126, 249, 250, 252, 255)', () => {
    const bytes = encodeFrame({
      version: 2,
      longHeader: false,
      sequence: 1,
      message: {
        type: 'data-record-transfer-request',
        command: 2,
        packet: { format: 1, formatVersion: { application: 1, release: 8, version: 1 }, records: [b(5)] },
        released: [1],
        cancelled: [2],
        privateExtensions: [{ identifier: 1, value: b() }],
      },
    });
    const types: number[] = [];
    for (let p = 6; p < bytes.length;) {
      const t = bytes[p] as number;
      types.push(t);
      p += t < 128 ? 2 : 3 + (((bytes[p + 1] as number) << 8) | (bytes[p + 2] as number));
    }
    expect(types).toEqual([126, 249, 250, 252, 255]);
  });

  it('ensures the decoder accepts IEs out of order, as long as they are whole', () => {
    // Data Record Transfer Response with Requests Responded before Cause.
    const bytes = b(0x4e, 241, 0, 7, 0, 5, 253, 0, 2, 0, 5, 1, 128);
    expect(decodeFrame(bytes).message).toEqual({
      type: 'data-record-transfer-response',
      cause: 128,
      requestsResponded: [5],
    });
  });

  it('ensures version 1 and 2 headers with bit 1 set still mean 6 octets (the bit is unused there)', () => {
    expect(decodeFrame(b(0x4f, 1, 0, 0, 0, 9))).toEqual({
      version: 2,
      longHeader: false,
      sequence: 9,
      unknownIes: 0,
      message: { type: 'echo-request' },
    });
  });

  it('ensures unknown TLV IEs, IEs foreign to the message and repeats are skipped and counted', () => {
    // Echo Response: Recovery 4, a second Recovery (repeat), Cause (not in Echo Response), TLV 200 (unknown), Charging ID (TV, 4 octets).
    const bytes = b(0x4e, 2, 0, 15, 0, 1, 14, 4, 14, 9, 1, 128, 127, 1, 2, 3, 4, 200, 0, 1, 0xaa);
    expect(decodeFrame(bytes)).toEqual({
      version: 2,
      longHeader: false,
      sequence: 1,
      unknownIes: 4,
      message: { type: 'echo-response', recovery: 4 },
    });
  });
});
