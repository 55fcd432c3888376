/**
 * NetFlow v9 (RFC 3954): the hand-built export packet (template, options template with System
 * scope, options data, data, padding), byte round trip, uptime-relative times across a wrap, data
 * before its template, template replacement, and the error codes.
 */
import { describe, expect, it } from 'vitest';
import {
  decodePendingSet,
  decodeV9,
  encodeV9,
  TemplateCache,
  type FieldValues,
  type PendingSet,
  type SetInput,
  type V9Header,
} from '../../../../src/protocols/netflow/index.js';
import { vector } from '../../../helpers/vectors.js';
import { codeOf, EXPORTER, template, toHex, v9Raw } from './helpers.js';

const RFC = vector('netflow/rfc3954-v9.hex');
const T256 = template(256, [
  [1, 4],
  [2, 4],
  [4, 1],
  [5, 1],
  [6, 1],
  [7, 2],
  [8, 4],
  [9, 1],
  [10, 2],
  [11, 2],
  [12, 4],
  [13, 1],
  [14, 2],
  [15, 4],
  [21, 4],
  [22, 4],
]);
const O257 = template(
  257,
  [
    [1, 4],
    [34, 4],
    [35, 1],
  ],
  1,
);
const HEADER = { sysUptime: 3_600_000, unixSecs: 1_704_164_645, sequence: 42, sourceId: 7 };

const decode = (bytes: Uint8Array, cache = new TemplateCache()) => decodeV9(bytes, EXPORTER, cache);
const packet = (sets: SetInput[], over: Partial<typeof HEADER> = {}) =>
  encodeV9({ ...HEADER, ...over, sets });

describe('RFC 3954 layout vector', () => {
  it('ensures the header, template, options template and both data FlowSets decode', () => {
    const m = decode(RFC);
    expect(m.header).toEqual({
      version: 9,
      count: 5,
      sysUptime: 3_600_000,
      unixSecs: 1_704_164_645,
      sequence: 42,
      sourceId: 7,
    });
    expect(m.templatesLearned).toBe(2);
    expect(m.dataRecords).toBe(3);
    expect(m.errors).toEqual([]);
    expect(m.counters.paddingOctets).toBe(7);
    expect(m.optionRecords.map((r) => r.fields)).toEqual([
      { scopeSystem: 0x0a000001, samplingInterval: 100, samplingAlgorithm: 2 },
    ]);
    expect(m.records.map((r) => r.fields)).toEqual([
      {
        octetDeltaCount: 1500,
        packetDeltaCount: 3,
        protocolIdentifier: 6,
        ipClassOfService: 0,
        tcpControlBits: 0x1b,
        sourceTransportPort: 40_000,
        sourceIPv4Address: '192.0.2.10',
        sourceIPv4PrefixLength: 24,
        ingressInterface: 1,
        destinationTransportPort: 443,
        destinationIPv4Address: '198.51.100.20',
        destinationIPv4PrefixLength: 24,
        egressInterface: 2,
        ipNextHopIPv4Address: '192.0.2.1',
        flowEndSysUpTime: 3_598_000,
        flowStartSysUpTime: 3_590_000,
      },
      {
        octetDeltaCount: 72,
        packetDeltaCount: 1,
        protocolIdentifier: 17,
        ipClassOfService: 0xb8,
        tcpControlBits: 0,
        sourceTransportPort: 123,
        sourceIPv4Address: '192.0.2.12',
        sourceIPv4PrefixLength: 32,
        ingressInterface: 1,
        destinationTransportPort: 123,
        destinationIPv4Address: '203.0.113.123',
        destinationIPv4PrefixLength: 32,
        egressInterface: 3,
        ipNextHopIPv4Address: '192.0.2.2',
        flowEndSysUpTime: 3_600_000,
        flowStartSysUpTime: 3_600_000,
      },
    ]);
  });

  it('ensures FIRST/LAST_SWITCHED become absolute times and the System-scoped sampling applies', () => {
    const [a, b] = decode(RFC).records;
    expect(a).toMatchObject({
      version: 9,
      exporter: EXPORTER,
      observationDomainId: 7,
      sequence: 42,
      templateId: 256,
      flowStart: '2024-01-02T03:03:55.000Z',
      flowEnd: '2024-01-02T03:04:03.000Z',
      samplingInterval: 100,
    });
    expect(b).toMatchObject({ flowStart: '2024-01-02T03:04:05.000Z', flowEnd: '2024-01-02T03:04:05.000Z' });
  });

  it('ensures the vector re-encodes byte for byte (options template padded to 4 octets)', () => {
    const m = decode(RFC);
    const again = packet([
      { kind: 'templates', templates: [T256] },
      { kind: 'options-templates', templates: [O257] },
      { kind: 'data', template: O257, records: m.optionRecords.map((r) => r.fields), padding: 3 },
      { kind: 'data', template: T256, records: m.records.map((r) => r.fields), padding: 2 },
    ]);
    expect(toHex(again)).toBe(toHex(RFC));
  });
});

describe('NetFlow v9 decoding', () => {
  const T = template(300, [
    [8, 4],
    [22, 4],
    [21, 4],
    [1, 8],
  ]);
  const rec = (over: FieldValues = {}): FieldValues => ({
    sourceIPv4Address: '10.0.0.1',
    flowStartSysUpTime: 1000,
    flowEndSysUpTime: 2000,
    octetDeltaCount: 99,
    ...over,
  });

  it('ensures times stay right when sysUptime wrapped after the flow started', () => {
    const m = decode(
      packet(
        [
          { kind: 'templates', templates: [T] },
          {
            kind: 'data',
            template: T,
            records: [rec({ flowStartSysUpTime: 0xffffffff - 999, flowEndSysUpTime: 250 })],
          },
        ],
        { sysUptime: 500 },
      ),
    );
    expect(m.records[0]).toMatchObject({
      flowStart: '2024-01-02T03:04:03.500Z',
      flowEnd: '2024-01-02T03:04:04.750Z',
    });
  });

  it('ensures data before its template is pending and decodes with its own header once learned', () => {
    const cache = new TemplateCache();
    const first = decode(
      packet([{ kind: 'data', template: T, records: [rec()] }], { sysUptime: 10_000, sequence: 5 }),
      cache,
    );
    expect(first.records).toEqual([]);
    expect(first.pending).toHaveLength(1);
    expect(first.pending[0]).toMatchObject({
      version: 9,
      exporter: EXPORTER,
      observationDomainId: 7,
      templateId: 300,
    });
    decode(packet([{ kind: 'templates', templates: [T] }], { sysUptime: 20_000, sequence: 6 }), cache);
    const retry = decodePendingSet(first.pending[0] as PendingSet & { header: V9Header }, cache);
    expect(retry.records[0]).toMatchObject({
      sequence: 5,
      flowStart: '2024-01-02T03:03:56.000Z',
      flowEnd: '2024-01-02T03:03:57.000Z',
    });
  });

  it('ensures templates are per source id, and a re-sent template with other fields replaces the old', () => {
    const cache = new TemplateCache();
    decode(packet([{ kind: 'templates', templates: [T] }]), cache);
    expect(
      decode(packet([{ kind: 'data', template: T, records: [rec()] }], { sourceId: 8 }), cache).pending,
    ).toHaveLength(1);
    const other = template(300, [[12, 4]]);
    const m = decode(
      packet([
        { kind: 'templates', templates: [other] },
        { kind: 'data', template: other, records: [{ destinationIPv4Address: '10.9.9.9' }] },
      ]),
      cache,
    );
    expect(m.records[0]?.fields).toEqual({ destinationIPv4Address: '10.9.9.9' });
  });

  it('ensures the header count is not checked and IPv6 records decode', () => {
    const t6 = template(301, [
      [27, 16],
      [28, 16],
      [62, 16],
    ]);
    const m = decode(
      encodeV9({
        ...HEADER,
        count: 99,
        sets: [
          { kind: 'templates', templates: [t6] },
          {
            kind: 'data',
            template: t6,
            records: [
              {
                sourceIPv6Address: '2001:db8::1',
                destinationIPv6Address: '::ffff:192.0.2.1',
                ipNextHopIPv6Address: 'fe80::1',
              },
            ],
          },
        ],
      }),
    );
    expect(m.header.count).toBe(99);
    expect(m.records[0]?.fields).toEqual({
      sourceIPv6Address: '2001:db8::1',
      destinationIPv6Address: '::ffff:192.0.2.1',
      ipNextHopIPv6Address: 'fe80::1',
    });
  });

  it('ensures v9 field types above 127 are read with their IANA IPFIX names', () => {
    const t = template(302, [
      [152, 8],
      [225, 4],
      [233, 1],
    ]);
    const m = decode(
      packet([
        { kind: 'templates', templates: [t] },
        {
          kind: 'data',
          template: t,
          records: [
            {
              flowStartMilliseconds: '2024-01-02T03:04:05.006Z',
              postNATSourceIPv4Address: '203.0.113.9',
              firewallEvent: 2,
            },
          ],
        },
      ]),
    );
    expect(m.records[0]).toMatchObject({ flowStart: '2024-01-02T03:04:05.006Z' });
    expect(m.records[0]?.fields).toMatchObject({ postNATSourceIPv4Address: '203.0.113.9', firewallEvent: 2 });
  });
});

describe('NetFlow v9 errors', () => {
  const data = '0100 0008 0a000001';
  const good = '0000 000c 0100 0001 0008 0004';

  it('ensures header problems and broken FlowSet framing are DecodeErrors with protocol netflow', () => {
    expect(codeOf(() => decode(RFC.subarray(0, 19)), 'netflow')).toBe('truncated');
    const v10 = Uint8Array.from(RFC);
    v10[1] = 10;
    expect(codeOf(() => decode(v10), 'netflow')).toBe('bad_version');
    expect(codeOf(() => decode(v9Raw([good, '0100 0002'])), 'netflow')).toBe('bad_set_length');
    expect(codeOf(() => decode(v9Raw([good, '0100 0010 0a000001'])), 'netflow')).toBe('set_overrun');
    expect(
      codeOf(
        () => decodeV9(RFC, EXPORTER, new TemplateCache(), undefined, { maxMessageBytes: 200 }),
        'netflow',
      ),
    ).toBe('message_too_large');
  });

  it('ensures problems inside one FlowSet are collected and the next FlowSet is still decoded', () => {
    const cases: [string, string][] = [
      ['bad_template_id', '0000 000c 0005 0001 0008 0004'],
      ['empty_template', '0000 0008 0101 0000'],
      ['empty_template', '0000 000c 0101 0001 0008 0000'],
      ['template_overrun', '0000 000c 0101 0002 0008 0004'],
      ['bad_options_template', '0001 0010 0101 0003 0004 0001 0004 0022'],
      ['bad_scope', '0001 000e 0101 0000 0004 0022 0004'],
      ['template_overrun', '0001 000e 0101 0004 0004 0001 0004'],
      ['bad_template_id', '0001 0012 0001 0004 0004 0001 0004 0022 0004'],
    ];
    for (const [code, set] of cases) {
      const m = decode(v9Raw([set, good, data]));
      expect(
        m.errors.map((e) => [e.code, e.protocol]),
        code,
      ).toEqual([[code, 'netflow']]);
      expect(
        m.records.map((r) => r.fields),
        code,
      ).toEqual([{ sourceIPv4Address: '10.0.0.1' }]);
    }
  });

  it('ensures a template with more fields than the limit is refused before its fields are read', () => {
    const m = decodeV9(
      v9Raw(['0000 0014 0101 0003 0008 0004 000c 0004 0001 0004']),
      EXPORTER,
      new TemplateCache(),
      undefined,
      {
        maxFieldsPerTemplate: 2,
      },
    );
    expect(m.errors.map((e) => e.code)).toEqual(['field_count_limit']);
    expect(m.templatesLearned).toBe(0);
  });

  it('ensures reserved FlowSet ids 2–255 are skipped and counted', () => {
    const m = decode(v9Raw(['0002 0004', '00ff 0008 00000000', good, data]));
    expect(m.counters.unknownSets).toBe(2);
    expect(m.records).toHaveLength(1);
  });
});
