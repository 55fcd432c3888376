/** NetFlow v5: the hand-built vector (uptime wrap, sampling, engine), byte round trips, limits. */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../src/protocols/errors.js';
import {
  decodeV5,
  encodeV5,
  type FieldValues,
  type V5Input,
} from '../../../../src/protocols/netflow/index.js';
import { vector } from '../../../helpers/vectors.js';

const WRAP = vector('netflow/v5-wrap.hex');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).protocol).toBe('netflow');
    return (err as DecodeError).code;
  }
  throw new Error('expected a DecodeError');
}

const record = (over: FieldValues = {}): FieldValues => ({
  sourceIPv4Address: '10.1.1.1',
  destinationIPv4Address: '10.2.2.2',
  ipNextHopIPv4Address: '0.0.0.0',
  ingressInterface: 3,
  egressInterface: 4,
  packetDeltaCount: 10,
  octetDeltaCount: 4000,
  flowStartSysUpTime: 1000,
  flowEndSysUpTime: 2000,
  sourceTransportPort: 1234,
  destinationTransportPort: 80,
  tcpControlBits: 0x12,
  protocolIdentifier: 6,
  ipClassOfService: 0,
  bgpSourceAsNumber: 0,
  bgpDestinationAsNumber: 0,
  sourceIPv4PrefixLength: 0,
  destinationIPv4PrefixLength: 0,
  ...over,
});

const input = (records: FieldValues[], over: Partial<V5Input> = {}): V5Input => ({
  sysUptime: 10_000,
  unixSecs: 1_700_000_000,
  unixNsecs: 0,
  flowSequence: 7,
  records,
  ...over,
});

describe('NetFlow v5 vector', () => {
  it('ensures the header, engine and sampling fields decode as built', () => {
    const { header } = decodeV5(WRAP, '192.0.2.100');
    expect(header).toEqual({
      version: 5,
      count: 2,
      sysUptime: 3000,
      unixSecs: 1_704_164_645,
      unixNsecs: 500_000_000,
      flowSequence: 100,
      engineType: 1,
      engineId: 2,
      samplingMode: 1,
      samplingInterval: 100,
    });
  });

  it('ensures a flow that started before sysUptime wrapped gets the right absolute start', () => {
    const [a, b] = decodeV5(WRAP, '192.0.2.100').records;
    // export 03:04:05.500; First was 11 s before the packet's uptime across the 2^32 wrap
    expect(a?.flowStart).toBe('2024-01-02T03:03:54.500Z');
    expect(a?.flowEnd).toBe('2024-01-02T03:04:03.500Z');
    expect(b?.flowStart).toBe('2024-01-02T03:04:05.500Z');
    expect(b?.flowEnd).toBe('2024-01-02T03:04:05.500Z');
  });

  it('ensures records carry the v5 fields under IPFIX names, the domain and the sampling interval', () => {
    const [a] = decodeV5(WRAP, '192.0.2.100').records;
    expect(a).toMatchObject({
      version: 5,
      exporter: '192.0.2.100',
      observationDomainId: 0x0102,
      sequence: 100,
      templateId: 0,
      samplingInterval: 100,
    });
    expect(a?.fields).toEqual({
      sourceIPv4Address: '192.0.2.10',
      destinationIPv4Address: '198.51.100.20',
      ipNextHopIPv4Address: '192.0.2.1',
      ingressInterface: 1,
      egressInterface: 2,
      packetDeltaCount: 3,
      octetDeltaCount: 1500,
      flowStartSysUpTime: 0xffffe0c0,
      flowEndSysUpTime: 1000,
      sourceTransportPort: 40_000,
      destinationTransportPort: 443,
      tcpControlBits: 0x1b,
      protocolIdentifier: 6,
      ipClassOfService: 0,
      bgpSourceAsNumber: 65_000,
      bgpDestinationAsNumber: 65_001,
      sourceIPv4PrefixLength: 24,
      destinationIPv4PrefixLength: 24,
    });
  });

  it('ensures the vector re-encodes byte for byte', () => {
    const { header, records } = decodeV5(WRAP, 'x');
    const again = encodeV5({ ...header, records: records.map((r) => r.fields) });
    expect(Buffer.from(again).toString('hex')).toBe(Buffer.from(WRAP).toString('hex'));
  });
});

describe('NetFlow v5 round trips and times', () => {
  it('ensures 30 records round-trip and the header count is 30', () => {
    const recs = Array.from({ length: 30 }, (_, i) =>
      record({ sourceTransportPort: 1000 + i, octetDeltaCount: 0xffffffff - i }),
    );
    const bytes = encodeV5(input(recs));
    expect(bytes.length).toBe(24 + 30 * 48);
    const p = decodeV5(bytes, 'e');
    expect(p.header.count).toBe(30);
    expect(p.records.map((r) => r.fields)).toEqual(recs);
  });

  it('ensures absolute times are export time minus (sysUptime − First), with nanoseconds kept to the ms', () => {
    const p = decodeV5(encodeV5(input([record()], { unixNsecs: 250_999_999 })), 'e');
    // export 1700000000.250; First is 9 s and Last 8 s before sysUptime 10000
    expect(p.records[0]?.flowStart).toBe('2023-11-14T22:13:11.250Z');
    expect(p.records[0]?.flowEnd).toBe('2023-11-14T22:13:12.250Z');
  });

  it('ensures an uptime that wrapped between First and the export keeps the flow 1 s long', () => {
    const p = decodeV5(
      encodeV5(
        input([record({ flowStartSysUpTime: 0xffffffff - 899, flowEndSysUpTime: 100 })], { sysUptime: 100 }),
      ),
      'e',
    );
    expect(p.records[0]?.flowStart).toBe('2023-11-14T22:13:19.000Z');
    expect(p.records[0]?.flowEnd).toBe('2023-11-14T22:13:20.000Z');
  });

  it('ensures a Last a little after sysUptime (clock skew) is a little after the export, not 49 days back', () => {
    const p = decodeV5(encodeV5(input([record({ flowEndSysUpTime: 10_020 })])), 'e');
    expect(p.records[0]?.flowEnd).toBe('2023-11-14T22:13:20.020Z');
  });

  it('ensures no samplingInterval is set when the header has none', () => {
    const p = decodeV5(encodeV5(input([record()])), 'e');
    expect(p.records[0]?.samplingInterval).toBeUndefined();
  });
});

describe('NetFlow v5 limits', () => {
  const one = encodeV5(input([record()]));

  it('ensures short input, another version and a bad count are refused by code', () => {
    expect(codeOf(() => decodeV5(one.subarray(0, 23), 'e'))).toBe('truncated');
    const v9 = Uint8Array.from(one);
    v9[1] = 9;
    expect(codeOf(() => decodeV5(v9, 'e'))).toBe('bad_version');
    for (const count of [0, 31]) {
      const b = Uint8Array.from(one);
      b[3] = count;
      expect(codeOf(() => decodeV5(b, 'e'))).toBe('bad_count');
    }
  });

  it('ensures a datagram whose length does not match the count is count_mismatch', () => {
    expect(codeOf(() => decodeV5(one.subarray(0, one.length - 1), 'e'))).toBe('count_mismatch');
    expect(codeOf(() => decodeV5(Uint8Array.from([...one, 0]), 'e'))).toBe('count_mismatch');
    const two = Uint8Array.from(one);
    two[3] = 2;
    expect(codeOf(() => decodeV5(two, 'e'))).toBe('count_mismatch');
  });

  it('ensures the encoder refuses 0 or 31 records and values that do not fit', () => {
    expect(() => encodeV5(input([]))).toThrow(/1–30/);
    expect(() => encodeV5(input(Array.from({ length: 31 }, () => record())))).toThrow(/1–30/);
    expect(() => encodeV5(input([record({ ingressInterface: 70_000 })]))).toThrow(/does not fit/);
    expect(() => encodeV5(input([record({ sourceIPv4Address: '2001:db8::1' })]))).toThrow(/IPv4/);
  });
});
