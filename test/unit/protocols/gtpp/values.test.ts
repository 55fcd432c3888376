/** GTP' constants checked against TS 32.295 / TS 29.060 (as listed in Wireshark packet-gtp.c), and address text forms. */
import { describe, expect, it } from 'vitest';
import {
  parseIpBytes as parseAddress,
  formatIpBytes as formatAddress,
} from '../../../../src/protocols/ip.js';
import {
  Cause,
  causeIsAcceptance,
  causeName,
  GTPP_DEFAULT_PORT,
  IeType,
  MessageType,
  PacketTransferCommand,
} from '../../../../src/protocols/gtpp/index.js';

describe("GTP' numbers", () => {
  it('ensures message, IE and command numbers are those of TS 32.295', () => {
    expect(GTPP_DEFAULT_PORT).toBe(3386);
    expect(MessageType).toEqual({
      EchoRequest: 1,
      EchoResponse: 2,
      VersionNotSupported: 3,
      NodeAliveRequest: 4,
      NodeAliveResponse: 5,
      RedirectionRequest: 6,
      RedirectionResponse: 7,
      DataRecordTransferRequest: 240,
      DataRecordTransferResponse: 241,
    });
    expect(PacketTransferCommand).toEqual({ Send: 1, SendPossiblyDuplicated: 2, Cancel: 3, Release: 4 });
    expect(IeType).toMatchObject({
      Cause: 1,
      Recovery: 14,
      PacketTransferCommand: 126,
      SequenceNumbersOfReleasedPackets: 249,
      SequenceNumbersOfCancelledPackets: 250,
      ChargingGatewayAddress: 251,
      DataRecordPacket: 252,
      RequestsResponded: 253,
      AddressOfRecommendedNode: 254,
      PrivateExtension: 255,
    });
  });

  it('ensures every named cause has the standard number and name', () => {
    const expected: [number, string][] = [
      [Cause.RequestSystemFailure, '59 System failure'],
      [Cause.TransmitBuffersBecomingFull, '60 The transmit buffers are becoming full'],
      [Cause.ReceiveBuffersBecomingFull, '61 The receive buffers are becoming full'],
      [Cause.AnotherNodeAboutToGoDown, '62 Another node is about to go down'],
      [Cause.ThisNodeAboutToGoDown, '63 This node is about to go down'],
      [Cause.RequestAccepted, '128 Request accepted'],
      [Cause.CdrDecodingError, '177 CDR decoding error'],
      [Cause.NonExistent, '192 Non-existent'],
      [Cause.InvalidMessageFormat, '193 Invalid message format'],
      [Cause.VersionNotSupported, '198 Version not supported'],
      [Cause.NoResourcesAvailable, '199 No resources available'],
      [Cause.ServiceNotSupported, '200 Service not supported'],
      [Cause.MandatoryIeIncorrect, '201 Mandatory IE incorrect'],
      [Cause.MandatoryIeMissing, '202 Mandatory IE missing'],
      [Cause.OptionalIeIncorrect, '203 Optional IE incorrect'],
      [Cause.SystemFailure, '204 System failure'],
      [
        Cause.RequestRelatedToPossiblyDuplicatedPacketsAlreadyFulfilled,
        '252 Request related to possibly duplicated packets already fulfilled',
      ],
      [Cause.RequestAlreadyFulfilled, '253 Request already fulfilled'],
      [
        Cause.SequenceNumbersOfReleasedCancelledPacketsIncorrect,
        '254 Sequence numbers of released/cancelled packets IE incorrect',
      ],
      [Cause.RequestNotFulfilled, '255 Request not fulfilled'],
    ];
    expect(expected.map(([n]) => `${n} ${causeName(n)}`)).toEqual(expected.map(([, s]) => s));
    expect(Object.keys(Cause)).toHaveLength(expected.length);
  });

  it('ensures unnamed causes are described by their TS 29.060 class', () => {
    expect(causeName(0)).toBe('unknown request cause (0)');
    expect(causeName(129)).toBe('unknown acceptance cause (129)');
    expect(causeName(194)).toBe('unknown rejection cause (194)');
    expect(causeName(256)).toBe('invalid cause (256)');
    expect([127, 128, 177, 191, 192].map(causeIsAcceptance)).toEqual([false, true, true, true, false]);
  });
});

describe("GTP' address text", () => {
  const fmt = (hex: string): string => {
    const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
    return formatAddress(bytes, 0, bytes.length as 4 | 16);
  };

  it('ensures IPv6 is written in RFC 5952 form', () => {
    expect(fmt('20010db8000000000000000000000001')).toBe('2001:db8::1');
    expect(fmt('20010db8000000010000000000000001')).toBe('2001:db8:0:1::1'); // longest run compressed
    expect(fmt('20010db8000000000001000000000001')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(fmt('20010db8000100010001000100010001')).toBe('2001:db8:1:1:1:1:1:1');
    expect(fmt('20010db8000000010001000100010001')).toBe('2001:db8:0:1:1:1:1:1'); // a single zero group stays
    expect(fmt('00000000000000000000000000000000')).toBe('::');
    expect(fmt('00000000000000000000ffffc0000201')).toBe('::ffff:192.0.2.1');
    expect(fmt('c0000201')).toBe('192.0.2.1');
  });

  it('ensures every text form parses to the bytes it names, and non-addresses do not', () => {
    const hex = (t: string): string | undefined => {
      const a = parseAddress(t);
      return a === undefined ? undefined : Buffer.from(a).toString('hex');
    };
    expect(hex('192.0.2.1')).toBe('c0000201');
    expect(hex('2001:DB8::1')).toBe('20010db8000000000000000000000001');
    expect(hex('::')).toBe('00000000000000000000000000000000');
    expect(hex('::ffff:192.0.2.1')).toBe('00000000000000000000ffffc0000201');
    expect(hex('1:2:3:4:5:6:7:8')).toBe('00010002000300040005000600070008');
    expect(hex('1:2:3:4:5:6:1.2.3.4')).toBe('00010002000300040005000601020304');
    for (const bad of [
      '',
      '1.2.3',
      '01.2.3.4',
      '1.2.3.256',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::8',
      '12345::',
      'g::',
      '::1.2.3',
      'fe80::1%eth0',
    ]) {
      expect(parseAddress(bad), bad).toBeUndefined();
    }
  });
});
