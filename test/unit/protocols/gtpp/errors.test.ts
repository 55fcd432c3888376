/** Every GTP' DecodeError/EncodeError code, the limits, and what each error carries. */
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../../../../src/protocols/errors.js';
import {
  decodeFrame,
  decodeHeader,
  encodeFrame,
  resolveLimits,
  type GtppLimits,
  type GtppMessage,
} from '../../../../src/protocols/gtpp/index.js';

const b = (...octets: number[]): Uint8Array => Uint8Array.from(octets);

/** A version 2 message of `type` with the given IE bytes (length computed). */
function msg(type: number, ...ies: number[]): Uint8Array {
  return b(0x4e, type, ies.length >> 8, ies.length & 0xff, 0, 1, ...ies);
}
function tlv(type: number, ...value: number[]): number[] {
  return [type, value.length >> 8, value.length & 0xff, ...value];
}
/** A Data Record Packet IE value: count, format 1, app 1 rel 8, version 1, records. */
function drp(...records: number[][]): number[] {
  return [records.length, 1, 0x18, 1, ...records.flatMap((r) => [r.length >> 8, r.length & 0xff, ...r])];
}

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}
function encodeError(
  message: GtppMessage,
  version: 0 | 1 | 2 = 2,
  longHeader = false,
  sequence = 1,
): EncodeError {
  try {
    encodeFrame({ version, longHeader, sequence, message });
  } catch (err) {
    if (err instanceof EncodeError) return err;
    throw err;
  }
  throw new Error('expected an EncodeError');
}

describe("GTP' header errors", () => {
  it.each([3, 4, 7])('ensures version %i is version_not_supported carrying the version', (version) => {
    const buf = b((version << 5) | 0x0e, 1, 0, 0, 0, 1);
    for (const e of [decodeError(() => decodeHeader(buf)), decodeError(() => decodeFrame(buf))]) {
      expect(e.protocol).toBe('gtpp');
      expect(e.code).toBe('version_not_supported');
      expect(e.context.version).toBe(version);
    }
  });

  it("ensures PT = 1 (GTP, not GTP') is version_not_supported, recognised from the first octet alone", () => {
    const e = decodeError(() => decodeHeader(b(0x30)));
    expect(e.code).toBe('version_not_supported');
    expect(e.context).toEqual({ version: 1, protocolType: 1 });
  });

  it('ensures short buffers are truncated: empty, under 6 octets, a v0 long header under 20', () => {
    expect(decodeError(() => decodeFrame(b())).code).toBe('truncated');
    expect(decodeError(() => decodeHeader(b(0x4e, 1, 0))).code).toBe('truncated');
    expect(decodeError(() => decodeHeader(b(0x0e, 1, 0, 0, 0, 1, 0xff))).code).toBe('truncated');
    expect(decodeError(() => decodeHeader(b(0x4e, 1, 0, 0, 0, 1), 6)).code).toBe('truncated');
  });

  it('ensures a body shorter than the length field is truncated and a longer one length_mismatch', () => {
    const t = decodeError(() => decodeFrame(b(0x4e, 2, 0, 2, 0, 1, 14)));
    expect(t.code).toBe('truncated');
    expect(t.context).toEqual({ expected: 8, actual: 7 });
    const m = decodeError(() => decodeFrame(b(0x4e, 1, 0, 0, 0, 1, 0)));
    expect(m.code).toBe('length_mismatch');
    expect(m.offset).toBe(6);
  });

  it("ensures a message type outside GTP' is unknown_message_type", () => {
    const e = decodeError(() => decodeFrame(msg(16)));
    expect(e.code).toBe('unknown_message_type');
    expect(e.context.messageType).toBe(16);
  });
});

describe("GTP' IE walk errors", () => {
  it('ensures a TV IE of unknown length stops the walk with unknown_tv_ie', () => {
    const e = decodeError(() => decodeFrame(msg(1, 2, 0, 0)));
    expect(e.code).toBe('unknown_tv_ie');
    expect(e.context).toEqual({ ie: 2, messageType: 1 });
    expect(e.offset).toBe(6);
  });

  it('ensures IEs running past the end of the message are length_mismatch', () => {
    expect(decodeError(() => decodeFrame(msg(2, 14))).code).toBe('length_mismatch'); // TV value missing
    expect(decodeError(() => decodeFrame(msg(1, 255, 0))).code).toBe('length_mismatch'); // TLV length cut
    expect(decodeError(() => decodeFrame(msg(1, 255, 0, 9, 0, 0))).code).toBe('length_mismatch'); // TLV value cut
  });
});

describe("GTP' mandatory and optional IEs", () => {
  it.each([
    ['Echo Response without Recovery', msg(2), 14],
    ['Node Alive Request without Node Address', msg(4), 251],
    ['Redirection Request without Cause', msg(6, ...tlv(254, 1, 2, 3, 4)), 1],
    ['Redirection Response without Cause', msg(7), 1],
    ['Data Record Transfer Request without Packet Transfer Command', msg(240, ...tlv(252, ...drp([1]))), 126],
    ['Send without Data Record Packet', msg(240, 126, 1), 252],
    ['Send possibly duplicated without Data Record Packet', msg(240, 126, 2), 252],
    ['Cancel without Sequence Numbers of Cancelled Packets', msg(240, 126, 3, ...tlv(249, 0, 1)), 250],
    ['Release without Sequence Numbers of Released Packets', msg(240, 126, 4, ...tlv(250, 0, 1)), 249],
    ['Data Record Transfer Response without Cause', msg(241, ...tlv(253, 0, 1)), 1],
    ['Data Record Transfer Response without Requests Responded', msg(241, 1, 128), 253],
  ])('ensures %s is mandatory_ie_missing naming the IE', (_label, buf, ie) => {
    const e = decodeError(() => decodeFrame(buf));
    expect(e.code).toBe('mandatory_ie_missing');
    expect(e.context.ie).toBe(ie);
  });

  it.each([
    ['Packet Transfer Command 0', msg(240, 126, 0), 126],
    ['Packet Transfer Command 5', msg(240, 126, 5, ...tlv(252, ...drp([1]))), 126],
    ['Node Address of 5 octets', msg(4, ...tlv(251, 1, 2, 3, 4, 5)), 251],
    ['an empty Data Record Packet with Send', msg(240, 126, 1, ...tlv(252)), 252],
    ['a Data Record Packet of 3 octets', msg(240, 126, 1, ...tlv(252, 1, 1, 0x18)), 252],
    ['a Data Record Packet declaring 0 records', msg(240, 126, 1, ...tlv(252, 0, 1, 0x18, 1)), 252],
    ['a record length running past the IE', msg(240, 126, 1, ...tlv(252, 1, 1, 0x18, 1, 0, 9, 1)), 252],
    ['a record length cut in half', msg(240, 126, 1, ...tlv(252, 2, 1, 0x18, 1, 0, 1, 7, 0)), 252],
    ['octets after the declared records', msg(240, 126, 1, ...tlv(252, ...drp([1]), 0)), 252],
    ['release identifier 0 without its extension octet', msg(240, 126, 2, ...tlv(252, 1, 1, 0x10, 1)), 252],
    ['an odd-length released list with Release', msg(240, 126, 4, ...tlv(249, 0, 1, 2)), 249],
    ['an empty cancelled list with Cancel', msg(240, 126, 3, ...tlv(250)), 250],
    ['an empty Requests Responded', msg(241, 1, 128, ...tlv(253)), 253],
  ])('ensures %s is mandatory_ie_incorrect naming the IE', (_label, buf, ie) => {
    const e = decodeError(() => decodeFrame(buf));
    expect(e.code).toBe('mandatory_ie_incorrect');
    expect(e.context.ie).toBe(ie);
  });

  it.each([
    ['a Private Extension shorter than its identifier', msg(1, ...tlv(255, 1)), 255],
    ['an Alternative Node Address of 3 octets', msg(4, ...tlv(251, 1, 2, 3, 4), ...tlv(251, 1, 2, 3)), 251],
    ['an Address of Recommended Node of 0 octets', msg(6, 1, 61, ...tlv(254)), 254],
    ['a cancelled list with Send', msg(240, 126, 1, ...tlv(250, 1), ...tlv(252, ...drp([1]))), 250],
    ['a broken Data Record Packet with Release', msg(240, 126, 4, ...tlv(249, 0, 1), ...tlv(252, 1, 1)), 252],
  ])('ensures %s is optional_ie_incorrect naming the IE', (_label, buf, ie) => {
    const e = decodeError(() => decodeFrame(buf));
    expect(e.code).toBe('optional_ie_incorrect');
    expect(e.context.ie).toBe(ie);
  });

  it('ensures the IE error offset points at the IE type octet', () => {
    const e = decodeError(() => decodeFrame(msg(240, 126, 9)));
    expect(e.offset).toBe(6);
    const f = decodeError(() => decodeFrame(msg(240, 126, 1, ...tlv(252, 0, 1, 0x18, 1))));
    expect(f.offset).toBe(8);
  });
});

describe("GTP' limits", () => {
  it('ensures a message above maxMessageBytes is message_too_large before any IE is read', () => {
    const buf = msg(1, ...tlv(255, 0, 1, ...new Array<number>(100).fill(0)));
    expect(decodeFrame(buf, { maxMessageBytes: buf.length }).message.type).toBe('echo-request');
    const e = decodeError(() => decodeFrame(buf, { maxMessageBytes: buf.length - 1 }));
    expect(e.code).toBe('message_too_large');
    expect(e.context).toEqual({ bytes: buf.length, limit: buf.length - 1 });
  });

  it('ensures a packet with more records than maxRecordsPerPacket is too_many_records', () => {
    const buf = msg(240, 126, 1, ...tlv(252, ...drp([1], [2], [3])));
    expect(decodeFrame(buf, { maxRecordsPerPacket: 3 }).message).toMatchObject({
      packet: { records: [b(1), b(2), b(3)] },
    });
    const e = decodeError(() => decodeFrame(buf, { maxRecordsPerPacket: 2 }));
    expect(e.code).toBe('too_many_records');
    expect(e.context).toEqual({ ie: 252, count: 3, limit: 2 });
  });

  it('ensures the record count is checked before the records are walked (a lying count with no records)', () => {
    const e = decodeError(() =>
      decodeFrame(msg(240, 126, 1, ...tlv(252, 200, 1, 0x18, 1)), { maxRecordsPerPacket: 10 }),
    );
    expect(e.code).toBe('too_many_records');
  });

  it.each([
    ['Requests Responded', 241, [1, 128, ...tlv(253, 0, 1, 0, 2, 0, 3)], 253],
    ['Released', 240, [126, 4, ...tlv(249, 0, 1, 0, 2, 0, 3)], 249],
    ['Cancelled', 240, [126, 3, ...tlv(250, 0, 1, 0, 2, 0, 3)], 250],
  ])(
    'ensures a %s list longer than maxSequenceList is too_many_sequence_numbers',
    (_label, type, ies, ie) => {
      const buf = msg(type, ...ies);
      expect(() => decodeFrame(buf, { maxSequenceList: 3 })).not.toThrow();
      const e = decodeError(() => decodeFrame(buf, { maxSequenceList: 2 }));
      expect(e.code).toBe('too_many_sequence_numbers');
      expect(e.context).toEqual({ ie, count: 3, limit: 2 });
    },
  );

  it('ensures limits must be positive integers and known', () => {
    expect(resolveLimits()).toEqual({
      maxMessageBytes: 65_555,
      maxRecordsPerPacket: 255,
      maxSequenceList: 4096,
    });
    expect(resolveLimits({ maxSequenceList: 5 }).maxSequenceList).toBe(5);
    expect(() => resolveLimits({ maxRecordsPerPacket: 0 })).toThrow(
      /maxRecordsPerPacket: expected a positive integer/,
    );
    expect(() => resolveLimits({ maxMessageBytes: 1.5 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxBogus: 1 } as unknown as Partial<GtppLimits>)).toThrow(/unknown limit/);
  });
});

describe("GTP' encode errors", () => {
  const send = (records: Uint8Array[], release = 8): GtppMessage => ({
    type: 'data-record-transfer-request',
    command: 1,
    packet: { format: 1, formatVersion: { application: 1, release, version: 1 }, records },
  });

  it('ensures out-of-range values are invalid_value naming the field', () => {
    expect(encodeError({ type: 'echo-response', recovery: 256 }).context.field).toBe('recovery');
    expect(encodeError({ type: 'redirection-response', cause: -1 }).context.field).toBe('cause');
    expect(encodeError({ type: 'node-alive-request', nodeAddress: '10.0.0.256' }).context.field).toBe(
      'nodeAddress',
    );
    expect(encodeError({ type: 'node-alive-request', nodeAddress: '1::2::3' }).code).toBe('invalid_value');
    expect(
      encodeError({ type: 'data-record-transfer-response', cause: 128, requestsResponded: [] }).context.field,
    ).toBe('requestsResponded');
    expect(
      encodeError({ type: 'data-record-transfer-response', cause: 128, requestsResponded: [65536] }).context
        .field,
    ).toBe('requestsResponded[0]');
    expect(
      encodeError({ type: 'data-record-transfer-request', command: 5 as 1, packet: undefined }).context.field,
    ).toBe('command');
    expect(encodeError({ type: 'data-record-transfer-request', command: 1 }).context.field).toBe('packet');
    expect(encodeError({ type: 'data-record-transfer-request', command: 3 }).context.field).toBe('cancelled');
    expect(encodeError({ type: 'data-record-transfer-request', command: 4 }).context.field).toBe('released');
    expect(encodeError(send([])).context.field).toBe('packet.records');
    expect(encodeError(send(new Array<Uint8Array>(256).fill(b(1)))).context.field).toBe('packet.records');
    expect(encodeError(send([b(1)], 256)).context.field).toBe('packet.formatVersion.release');
    expect(
      encodeError({ type: 'echo-request', privateExtensions: [{ identifier: 70000, value: b() }] }).context
        .field,
    ).toBe('privateExtensions[0].identifier');
    expect(
      encodeError({ type: 'redirection-request', cause: 61, alternativeRecommendedNode: '10.0.0.1' }).context
        .field,
    ).toBe('alternativeRecommendedNode');
    expect(encodeError({ type: 'bogus' } as unknown as GtppMessage).context.field).toBe('message.type');
    expect(encodeError({ type: 'echo-request' }, 3 as 2).context.field).toBe('version');
    expect(encodeError({ type: 'echo-request' }, 2, false, 65536).context.field).toBe('sequence');
  });

  it('ensures the 20-octet header is refused outside version 0', () => {
    expect(encodeError({ type: 'echo-request' }, 1, true).code).toBe('invalid_header');
    expect(encodeError({ type: 'echo-request' }, 2, true).code).toBe('invalid_header');
  });

  it('ensures IEs and messages beyond 65535 octets are refused', () => {
    expect(encodeError(send([new Uint8Array(65_536)])).context.field).toBe('packet.records[0]');
    expect(encodeError(send([new Uint8Array(40_000), new Uint8Array(40_000)])).code).toBe('ie_too_large');
    expect(
      encodeError({
        type: 'echo-request',
        privateExtensions: [{ identifier: 1, value: new Uint8Array(65_534) }],
      }).code,
    ).toBe('ie_too_large');
    const big = { identifier: 1, value: new Uint8Array(40_000) };
    expect(encodeError({ type: 'echo-request', privateExtensions: [big, big] }).code).toBe(
      'message_too_large',
    );
  });
});
