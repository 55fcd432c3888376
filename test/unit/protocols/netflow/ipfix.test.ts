/**
 * IPFIX (RFC 7011): the Appendix A style vectors (template + data, enterprise IE, options with scope,
 * variable length, withdrawal), reduced-size encoding, value types, time sources, data before its
 * template, cache snapshot/restore, template replacement, and the error codes.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeIpfix,
  decodePendingSet,
  encodeIpfix,
  TemplateCache,
  type FieldValues,
  type IpfixHeader,
  type PendingSet,
  type SetInput,
  type TemplateDefinition,
} from '../../../../src/protocols/netflow/index.js';
import { vector } from '../../../helpers/vectors.js';
import { codeOf, EXPORTER, hex, ipfixRaw, template, toHex } from './helpers.js';

const T256 = template(256, [
  [8, 4],
  [12, 4],
  [15, 4],
  [2, 4],
  [1, 4],
]);
const HEADER = { exportTime: 1_136_073_600, observationDomainId: 12_345 };

function decode(bytes: Uint8Array, cache = new TemplateCache()) {
  return decodeIpfix(bytes, EXPORTER, cache);
}

function roundTrip(sets: SetInput[], cache = new TemplateCache(), sequence = 0) {
  return decode(encodeIpfix({ ...HEADER, sequence, sets }), cache);
}

describe('RFC 7011 Appendix A style vectors', () => {
  it('ensures the template set and data set (A.2.1, A.3) decode with reduced-size counters', () => {
    const m = decode(vector('netflow/rfc7011-template-data.hex'));
    expect(m.header).toEqual({
      version: 10,
      length: 108,
      exportTime: 1_136_073_600,
      sequence: 0,
      observationDomainId: 12_345,
    });
    expect(m.templatesLearned).toBe(1);
    expect(m.dataRecords).toBe(3);
    expect(m.errors).toEqual([]);
    expect(m.records.map((r) => r.fields)).toEqual([
      {
        sourceIPv4Address: '192.0.2.12',
        destinationIPv4Address: '192.0.2.254',
        ipNextHopIPv4Address: '192.0.2.1',
        packetDeltaCount: 5009,
        octetDeltaCount: 5_344_385,
      },
      {
        sourceIPv4Address: '192.0.2.27',
        destinationIPv4Address: '192.0.2.23',
        ipNextHopIPv4Address: '192.0.2.2',
        packetDeltaCount: 748,
        octetDeltaCount: 388_934,
      },
      {
        sourceIPv4Address: '192.0.2.56',
        destinationIPv4Address: '192.0.2.65',
        ipNextHopIPv4Address: '192.0.2.3',
        packetDeltaCount: 5,
        octetDeltaCount: 6534,
      },
    ]);
    expect(m.records[0]).toMatchObject({
      version: 10,
      exporter: EXPORTER,
      observationDomainId: 12_345,
      sequence: 0,
      templateId: 256,
    });
  });

  it('ensures the template and data vector re-encodes byte for byte', () => {
    const bytes = vector('netflow/rfc7011-template-data.hex');
    const m = decode(bytes);
    const again = encodeIpfix({
      ...HEADER,
      sequence: 0,
      sets: [
        { kind: 'templates', templates: [T256] },
        { kind: 'data', template: T256, records: m.records.map((r) => r.fields) },
      ],
    });
    expect(toHex(again)).toBe(toHex(bytes));
  });

  it('ensures an enterprise IE (E bit, PEN) is kept as hex under e<pen>.<id> and counted', () => {
    const bytes = vector('netflow/rfc7011-enterprise.hex');
    const m = decode(bytes);
    expect(m.records.map((r) => r.fields)).toEqual([
      {
        sourceIPv4Address: '192.0.2.12',
        destinationIPv4Address: '192.0.2.254',
        octetDeltaCount: 5_344_385,
        'e12345.15': '0000000a',
      },
      {
        sourceIPv4Address: '192.0.2.27',
        destinationIPv4Address: '192.0.2.23',
        octetDeltaCount: 388_934,
        'e12345.15': 'deadbeef',
      },
    ]);
    expect(m.counters.enterpriseFields).toBe(2);
    const t: TemplateDefinition = {
      templateId: 257,
      scopeFieldCount: 0,
      fields: [
        { id: 8, length: 4 },
        { id: 12, length: 4 },
        { id: 1, length: 4 },
        { id: 15, length: 4, enterprise: 12_345 },
      ],
    };
    const again = encodeIpfix({
      ...HEADER,
      sequence: 3,
      sets: [
        { kind: 'templates', templates: [t] },
        { kind: 'data', template: t, records: m.records.map((r) => r.fields) },
      ],
    });
    expect(toHex(again)).toBe(toHex(bytes));
  });

  it('ensures an options template with a scope decodes into optionRecords, its padding skipped', () => {
    const bytes = vector('netflow/rfc7011-options.hex');
    const m = decode(bytes);
    expect(m.records).toEqual([]);
    expect(m.optionRecords.map((r) => r.fields)).toEqual([
      { meteringProcessId: 1, exportedMessageTotalCount: 345, exportedFlowRecordTotalCount: 10_201 },
      { meteringProcessId: 2, exportedMessageTotalCount: 690, exportedFlowRecordTotalCount: 20_402 },
    ]);
    expect(m.dataRecords).toBe(2);
    expect(m.counters.paddingOctets).toBe(2);
    const t = template(
      258,
      [
        [143, 4],
        [41, 2],
        [42, 2],
      ],
      1,
    );
    const again = encodeIpfix({
      ...HEADER,
      sequence: 2,
      sets: [
        { kind: 'options-templates', templates: [t], padding: 2 },
        { kind: 'data', template: t, records: m.optionRecords.map((r) => r.fields) },
      ],
    });
    expect(toHex(again)).toBe(toHex(bytes));
  });

  it('ensures variable-length IEs decode in the 1-octet and the 255 + 2-octet length forms', () => {
    const m = decode(vector('netflow/rfc7011-varlen.hex'));
    expect(m.errors).toEqual([]);
    expect(m.records.map((r) => r.fields)).toEqual([
      { sourceIPv4Address: '192.0.2.1', applicationName: 'http', interfaceDescription: '' },
      { sourceIPv4Address: '192.0.2.2', applicationName: 'a'.repeat(256), interfaceDescription: 'eth' },
      { sourceIPv4Address: '192.0.2.3', applicationName: 'abc', interfaceDescription: '' },
    ]);
    // The encoder picks the short form below 255 octets: the same records, a shorter message.
    const t = template(260, [
      [8, 4],
      [96, 65_535],
      [83, 65_535],
    ]);
    const again = roundTrip([
      { kind: 'templates', templates: [t] },
      { kind: 'data', template: t, records: m.records.map((r) => r.fields) },
    ]);
    expect(again.records.map((r) => r.fields)).toEqual(m.records.map((r) => r.fields));
  });

  it('ensures withdrawals remove one template, or all options templates, and later data goes pending', () => {
    const cache = new TemplateCache();
    decode(vector('netflow/rfc7011-template-data.hex'), cache);
    decode(vector('netflow/rfc7011-options.hex'), cache);
    decode(vector('netflow/rfc7011-varlen.hex'), cache);
    expect(cache.size).toBe(3);
    const m = decode(vector('netflow/rfc7011-withdrawal.hex'), cache);
    expect(m.templatesWithdrawn).toBe(2);
    expect(cache.get(10, EXPORTER, 12_345, 256)).toBeUndefined();
    expect(cache.get(10, EXPORTER, 12_345, 258)).toBeUndefined();
    expect(cache.get(10, EXPORTER, 12_345, 260)).toBeDefined();
    const late = decode(ipfixRaw(['0100 0018 c000020c c00002fe c0000201 00001391 00518c81']), cache);
    expect(late.records).toEqual([]);
    expect(late.pending.map((p) => p.templateId)).toEqual([256]);
  });

  it('ensures withdrawing an unknown template is counted, all data templates can go at once', () => {
    const cache = new TemplateCache();
    roundTrip([{ kind: 'templates', templates: [T256, template(300, [[1, 8]])] }], cache);
    const m = roundTrip(
      [
        { kind: 'withdrawals', templateIds: [999] },
        { kind: 'withdrawals', templateIds: [], all: true },
      ],
      cache,
    );
    expect(m.counters.unknownWithdrawals).toBe(1);
    expect(m.templatesWithdrawn).toBe(2);
    expect(cache.size).toBe(0);
  });
});

describe('IPFIX values', () => {
  it('ensures reduced-size unsigned values of 1–8 octets decode, bigint only above 2^53 − 1', () => {
    const lengths = [1, 2, 3, 5, 7, 8];
    const records = lengths.map((len) => {
      const t = template(400 + len, [[1, len]]);
      return { t, value: len >= 7 ? (1n << BigInt(8 * len)) - 1n : 2 ** (8 * len) - 1 };
    });
    const m = roundTrip(
      records.flatMap(({ t, value }) => [
        { kind: 'templates', templates: [t] } as SetInput,
        { kind: 'data', template: t, records: [{ octetDeltaCount: value }] } as SetInput,
      ]),
    );
    expect(m.records.map((r) => r.fields['octetDeltaCount'])).toEqual([
      255,
      65_535,
      16_777_215,
      2 ** 40 - 1,
      72_057_594_037_927_935n,
      18_446_744_073_709_551_615n,
    ]);
    const safe = template(420, [[1, 8]]);
    const edge = roundTrip([
      { kind: 'templates', templates: [safe] },
      {
        kind: 'data',
        template: safe,
        records: [{ octetDeltaCount: Number.MAX_SAFE_INTEGER }, { octetDeltaCount: 2n ** 53n }],
      },
    ]);
    expect(edge.records.map((r) => r.fields['octetDeltaCount'])).toEqual([
      Number.MAX_SAFE_INTEGER,
      2n ** 53n,
    ]);
  });

  it('ensures IPv6, MAC, boolean, float, signed, string and hex values keep their types', () => {
    const t = template(430, [
      [27, 16],
      [56, 6],
      [276, 1],
      [311, 8],
      [311, 4],
      [434, 4],
      [82, 16],
      [70, 3],
    ]);
    const values: FieldValues = {
      sourceIPv6Address: '2001:db8::1',
      sourceMacAddress: '00:1b:21:aa:bb:0c',
      dataRecordsReliability: true,
      samplingProbability: 0.001,
      samplingProbability_2: 0.5,
      mibObjectValueInteger: -1234,
      interfaceName: 'eth0',
      mplsTopLabelStackSection: '012341',
    };
    const m = roundTrip([
      { kind: 'templates', templates: [t] },
      {
        kind: 'data',
        template: t,
        records: [values, { ...values, dataRecordsReliability: false, mibObjectValueInteger: 2_147_483_647 }],
      },
    ]);
    expect(m.records[0]?.fields).toEqual(values);
    expect(m.records[1]?.fields).toMatchObject({
      dataRecordsReliability: false,
      mibObjectValueInteger: 2_147_483_647,
    });
  });

  it('ensures unknown IEs are hex under their number, wrong-length IEs too, paddingOctets are dropped', () => {
    const t = template(440, [
      [999, 3],
      [8, 3],
      [210, 2],
      [12, 4],
    ]);
    const m = roundTrip([
      { kind: 'templates', templates: [t] },
      {
        kind: 'data',
        template: t,
        records: [{ '999': 'abcdef', '8': '0a0b0c', destinationIPv4Address: '10.0.0.1' }],
      },
    ]);
    expect(m.records[0]?.fields).toEqual({
      '999': 'abcdef',
      '8': '0a0b0c',
      destinationIPv4Address: '10.0.0.1',
    });
    expect(m.counters.unknownFields).toBe(2);
  });

  it('ensures a fixed-length string loses its trailing NULs and invalid UTF-8 is replaced, not fatal', () => {
    const m = decode(ipfixRaw(['0002 000c 01c2 0001 0052 0006', '01c2 0010 657468300000 ff6100000000']));
    expect(m.records.map((r) => r.fields['interfaceName'])).toEqual(['eth0', '\ufffda']);
  });
});

describe('IPFIX flow times', () => {
  const at = (t: TemplateDefinition, rec: FieldValues, cache?: TemplateCache) =>
    roundTrip(
      [
        { kind: 'templates', templates: [t] },
        { kind: 'data', template: t, records: [rec] },
      ],
      cache,
    ).records[0];

  it('ensures flowStart/EndMilliseconds and Seconds give ISO values and the flow times', () => {
    const ms = at(
      template(500, [
        [152, 8],
        [153, 8],
      ]),
      { flowStartMilliseconds: '2024-01-02T03:04:05.123Z', flowEndMilliseconds: '2024-01-02T03:04:06.004Z' },
    );
    expect(ms).toMatchObject({ flowStart: '2024-01-02T03:04:05.123Z', flowEnd: '2024-01-02T03:04:06.004Z' });
    const s = at(
      template(501, [
        [150, 4],
        [151, 4],
      ]),
      { flowStartSeconds: '2024-01-02T03:04:05Z', flowEndSeconds: '2024-01-02T03:04:09Z' },
    );
    expect(s?.fields).toEqual({
      flowStartSeconds: '2024-01-02T03:04:05Z',
      flowEndSeconds: '2024-01-02T03:04:09Z',
    });
    expect(s).toMatchObject({ flowStart: '2024-01-02T03:04:05.000Z', flowEnd: '2024-01-02T03:04:09.000Z' });
  });

  it('ensures NTP micro/nanosecond timestamps decode at their precision (RFC 7011 §6.1.9–6.1.10)', () => {
    const m = decode(
      ipfixRaw(['0002 0010 01f6 0002 009a 0008 009d 0008', '01f6 0014 e93dfba5 80000000 e93dfba5 ffffffff']),
    );
    expect(m.records[0]?.fields).toEqual({
      flowStartMicroseconds: '2024-01-02T03:04:05.500000Z',
      flowEndNanoseconds: '2024-01-02T03:04:05.999999999Z',
    });
    expect(m.records[0]).toMatchObject({
      flowStart: '2024-01-02T03:04:05.500Z',
      flowEnd: '2024-01-02T03:04:05.999Z',
    });
    // NTP seconds with the top bit clear are era 1 (after 2036-02-07T06:28:16Z).
    const era1 = decode(ipfixRaw(['0002 000c 01f7 0001 009a 0008', '01f7 000c 00000010 00000000']));
    expect(era1.records[0]?.fields['flowStartMicroseconds']).toBe('2036-02-07T06:28:32.000000Z');
    const t = template(502, [
      [154, 8],
      [157, 8],
    ]);
    const rt = at(t, {
      flowStartMicroseconds: '2024-01-02T03:04:05.123456Z',
      flowEndNanoseconds: '2024-01-02T03:04:05.123456789Z',
    });
    expect(rt?.fields).toEqual({
      flowStartMicroseconds: '2024-01-02T03:04:05.123456Z',
      flowEndNanoseconds: '2024-01-02T03:04:05.123456789Z',
    });
  });

  it('ensures sysUpTime-relative times use systemInitTimeMilliseconds from the record or from options', () => {
    const inRecord = at(
      template(503, [
        [160, 8],
        [22, 4],
        [21, 4],
      ]),
      {
        systemInitTimeMilliseconds: '2024-01-02T00:00:00.000Z',
        flowStartSysUpTime: 1500,
        flowEndSysUpTime: 2500,
      },
    );
    expect(inRecord).toMatchObject({
      flowStart: '2024-01-02T00:00:01.500Z',
      flowEnd: '2024-01-02T00:00:02.500Z',
    });
    const cache = new TemplateCache();
    const flow = template(504, [
      [22, 4],
      [21, 4],
    ]);
    expect(at(flow, { flowStartSysUpTime: 1, flowEndSysUpTime: 2 }, cache)?.flowStart).toBeUndefined();
    const opt = template(
      505,
      [
        [143, 4],
        [160, 8],
      ],
      1,
    );
    roundTrip(
      [
        { kind: 'options-templates', templates: [opt] },
        {
          kind: 'data',
          template: opt,
          records: [{ meteringProcessId: 9, systemInitTimeMilliseconds: '2024-01-01T00:00:00.000Z' }],
        },
      ],
      cache,
    );
    expect(at(flow, { flowStartSysUpTime: 60_000, flowEndSysUpTime: 61_000 }, cache)).toMatchObject({
      flowStart: '2024-01-01T00:01:00.000Z',
      flowEnd: '2024-01-01T00:01:01.000Z',
    });
  });

  it('ensures flowStart/EndDeltaMicroseconds count back from the export time, durations fill a missing end', () => {
    const d = at(
      template(506, [
        [158, 4],
        [159, 4],
      ]),
      { flowStartDeltaMicroseconds: 1_500_000, flowEndDeltaMicroseconds: 250 },
    );
    // export time 2006-01-01T00:00:00Z
    expect(d).toMatchObject({ flowStart: '2005-12-31T23:59:58.500Z', flowEnd: '2005-12-31T23:59:59.999Z' });
    const dur = at(
      template(507, [
        [152, 8],
        [161, 4],
      ]),
      { flowStartMilliseconds: '2024-01-02T03:04:05.000Z', flowDurationMilliseconds: 1234 },
    );
    expect(dur).toMatchObject({ flowStart: '2024-01-02T03:04:05.000Z', flowEnd: '2024-01-02T03:04:06.234Z' });
  });
});

describe('IPFIX template state', () => {
  const data = (t: TemplateDefinition, recs: FieldValues[]): SetInput => ({
    kind: 'data',
    template: t,
    records: recs,
  });

  it('ensures data before its template is pending with its bytes, and decodes once the template is learned', () => {
    const cache = new TemplateCache();
    const first = roundTrip(
      [data(T256, [{ sourceIPv4Address: '10.0.0.1', packetDeltaCount: 4, octetDeltaCount: 400 }])],
      cache,
      10,
    );
    expect(first.records).toEqual([]);
    expect(first.pending).toHaveLength(1);
    const p = first.pending[0] as PendingSet & { header: IpfixHeader };
    expect(p).toMatchObject({
      version: 10,
      exporter: EXPORTER,
      observationDomainId: 12_345,
      templateId: 256,
    });
    expect(p.bytes.length).toBe(20);
    expect(decodePendingSet(p, cache).pending).toHaveLength(1);
    roundTrip([{ kind: 'templates', templates: [T256] }], cache, 11);
    const retry = decodePendingSet(p, cache);
    expect(retry.pending).toEqual([]);
    expect(retry.records[0]).toMatchObject({ sequence: 10, templateId: 256 });
    expect(retry.records[0]?.fields).toMatchObject({ sourceIPv4Address: '10.0.0.1', octetDeltaCount: 400 });
  });

  it('ensures a cache snapshot restored from JSON decodes data at once, without a template refresh', () => {
    const cache = new TemplateCache();
    const opt = template(
      600,
      [
        [143, 4],
        [305, 4],
        [306, 4],
      ],
      1,
    );
    roundTrip(
      [
        { kind: 'templates', templates: [T256] },
        { kind: 'options-templates', templates: [opt] },
        data(opt, [{ meteringProcessId: 3, samplingPacketInterval: 1, samplingPacketSpace: 9 }]),
      ],
      cache,
    );
    const restored = TemplateCache.restore(JSON.parse(JSON.stringify(cache)));
    expect(restored.snapshot()).toEqual(cache.snapshot());
    const m = roundTrip([data(T256, [{ sourceIPv4Address: '10.9.9.9', octetDeltaCount: 5 }])], restored);
    expect(m.pending).toEqual([]);
    expect(m.records[0]?.fields['sourceIPv4Address']).toBe('10.9.9.9');
    expect(m.records[0]?.samplingInterval).toBe(10);
  });

  it('ensures a template re-sent with other fields replaces the old one', () => {
    const cache = new TemplateCache();
    const a = template(700, [[8, 4]]);
    const b = template(700, [
      [12, 4],
      [7, 2],
    ]);
    expect(
      roundTrip([{ kind: 'templates', templates: [a] }, data(a, [{ sourceIPv4Address: '1.1.1.1' }])], cache)
        .records[0]?.fields,
    ).toEqual({ sourceIPv4Address: '1.1.1.1' });
    const m = roundTrip(
      [
        { kind: 'templates', templates: [b] },
        data(b, [{ destinationIPv4Address: '2.2.2.2', sourceTransportPort: 53 }]),
      ],
      cache,
    );
    expect(m.records[0]?.fields).toEqual({ destinationIPv4Address: '2.2.2.2', sourceTransportPort: 53 });
    expect(cache.size).toBe(1);
  });

  it('ensures templates are per observation domain and per exporter', () => {
    const cache = new TemplateCache();
    decodeIpfix(
      encodeIpfix({ ...HEADER, sequence: 0, sets: [{ kind: 'templates', templates: [T256] }] }),
      'a',
      cache,
    );
    const onlyData = encodeIpfix({
      exportTime: 1,
      sequence: 0,
      observationDomainId: 12_345,
      sets: [data(T256, [{}])],
    });
    expect(decodeIpfix(onlyData, 'a', cache).records).toHaveLength(1);
    expect(decodeIpfix(onlyData, 'b', cache).pending).toHaveLength(1);
    const otherDomain = encodeIpfix({
      exportTime: 1,
      sequence: 0,
      observationDomainId: 1,
      sets: [data(T256, [{}])],
    });
    expect(decodeIpfix(otherDomain, 'a', cache).pending).toHaveLength(1);
  });
});

describe('IPFIX errors', () => {
  const ok = vector('netflow/rfc7011-template-data.hex');

  it('ensures header problems are DecodeErrors with protocol ipfix', () => {
    expect(codeOf(() => decode(ok.subarray(0, 15)), 'ipfix')).toBe('truncated');
    const v9 = Uint8Array.from(ok);
    v9[1] = 9;
    expect(codeOf(() => decode(v9), 'ipfix')).toBe('bad_version');
    expect(codeOf(() => decode(ok.subarray(0, 100)), 'ipfix')).toBe('truncated');
    expect(codeOf(() => decode(Uint8Array.from([...ok, 0, 0, 0, 0])), 'ipfix')).toBe('length_mismatch');
    const short = Uint8Array.from(ok);
    short[3] = 8;
    expect(codeOf(() => decode(short), 'ipfix')).toBe('length_mismatch');
    expect(
      codeOf(
        () => decodeIpfix(ok, EXPORTER, new TemplateCache(), undefined, { maxMessageBytes: 100 }),
        'ipfix',
      ),
    ).toBe('message_too_large');
  });

  it('ensures a set length below 4 or past the message is fatal and nothing of the message is learned', () => {
    const cache = new TemplateCache();
    expect(
      codeOf(() => decode(ipfixRaw(['0002 000c 0100 0001 0008 0004', '0100 0003']), cache), 'ipfix'),
    ).toBe('bad_set_length');
    expect(
      codeOf(() => decode(ipfixRaw(['0002 000c 0100 0001 0008 0004', '0100 0010 c0000201']), cache), 'ipfix'),
    ).toBe('set_overrun');
    expect(cache.size).toBe(0);
  });

  it('ensures problems inside one set are collected and the next set is still decoded', () => {
    const cases: [string, string][] = [
      ['bad_scope', '0003 000e 0101 0001 0000 0008 0004'],
      ['bad_scope', '0003 000e 0101 0001 0002 0008 0004'],
      ['template_overrun', '0002 000c 0101 0002 0008 0004'],
      ['template_overrun', '0002 000c 0101 0001 8008 0004'],
      ['empty_template', '0002 000c 0101 0001 0008 0000'],
      ['bad_template_id', '0002 000c 00ff 0001 0008 0004'],
    ];
    for (const [code, set] of cases) {
      const m = decode(ipfixRaw([set, '0002 000c 0102 0001 0008 0004', '0102 0008 c0000201']));
      expect(
        m.errors.map((e) => [e.code, e.protocol]),
        code,
      ).toEqual([[code, 'ipfix']]);
      expect(
        m.records.map((r) => r.fields),
        code,
      ).toEqual([{ sourceIPv4Address: '192.0.2.1' }]);
    }
  });

  it('ensures a template above the field limit and a variable-length field past its set are collected errors', () => {
    const many = template(
      800,
      Array.from({ length: 5 }, () => [1, 8] as [number, number]),
    );
    const big = decodeIpfix(
      encodeIpfix({ ...HEADER, sequence: 0, sets: [{ kind: 'templates', templates: [many] }] }),
      EXPORTER,
      new TemplateCache(),
      undefined,
      {
        maxFieldsPerTemplate: 4,
      },
    );
    expect(big.errors.map((e) => e.code)).toEqual(['field_count_limit']);
    const m = decode(ipfixRaw(['0002 000c 0103 0001 0060 ffff', '0103 000b 02 6869 09 616263']));
    expect(m.records.map((r) => r.fields)).toEqual([{ applicationName: 'hi' }]);
    expect(m.errors.map((e) => e.code)).toEqual(['record_overrun']);
    expect(m.errors[0]?.context).toMatchObject({
      exporter: EXPORTER,
      observationDomainId: 12_345,
      templateId: 259,
    });
  });

  it('ensures sets 0, 1 and 4–255 are skipped and counted, padding after records is counted', () => {
    const m = decode(
      ipfixRaw([
        '0000 0004',
        '0001 0008 00000000',
        '0004 0004',
        '00ff 0004',
        '0002 000c 0102 0001 0008 0004',
        '0102 000b c0000201 000000',
      ]),
    );
    expect(m.counters.unknownSets).toBe(4);
    expect(m.counters.paddingOctets).toBe(3);
    expect(m.records).toHaveLength(1);
  });

  it('ensures raw bytes of a message are never copied into pending beyond the set', () => {
    const m = decode(ipfixRaw(['0105 0008 01020304']));
    expect(m.pending[0]?.bytes).toEqual(hex('01020304'));
  });
});
