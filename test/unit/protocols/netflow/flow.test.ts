/** flowToNar names and sampling scaling, and the sampling interval each version resolves for a flow. */
import { describe, expect, it } from 'vitest';
import {
  decodeIpfix,
  decodeV5,
  decodeV9,
  encodeIpfix,
  encodeV9,
  flowToNar,
  TemplateCache,
  type FlowRecord,
  type SetInput,
} from '../../../../src/protocols/netflow/index.js';
import { vector } from '../../../helpers/vectors.js';
import { EXPORTER, template } from './helpers.js';

const flow = (fields: FlowRecord['fields'], over: Partial<FlowRecord> = {}): FlowRecord => ({
  version: 10,
  exporter: '192.0.2.1',
  observationDomainId: 4,
  sequence: 9,
  templateId: 256,
  flowStart: '2024-01-02T03:04:05.000Z',
  flowEnd: '2024-01-02T03:04:06.000Z',
  samplingInterval: undefined,
  fields,
  ...over,
});

describe('flowToNar', () => {
  it('ensures an IPv4 flow maps to the NAR names', () => {
    const [rec] = decodeV5(vector('netflow/v5-wrap.hex'), '192.0.2.100').records;
    expect(flowToNar(rec as FlowRecord)).toEqual({
      exporter: '192.0.2.100',
      observationDomainId: 0x0102,
      srcIp: '192.0.2.10',
      dstIp: '198.51.100.20',
      srcPort: 40_000,
      dstPort: 443,
      protocol: 6,
      bytes: 1500n,
      packets: 3n,
      flowStart: '2024-01-02T03:03:54.500Z',
      flowEnd: '2024-01-02T03:04:03.500Z',
      ingressInterface: 1,
      egressInterface: 2,
      tcpFlags: 0x1b,
      tos: 0,
      srcAs: 65_000,
      dstAs: 65_001,
      nextHop: '192.0.2.1',
      samplingInterval: 100,
    });
  });

  it('ensures IPv6 addresses, UDP ports, post counters are used when the primary fields are absent', () => {
    const n = flowToNar(
      flow({
        sourceIPv6Address: '2001:db8::1',
        destinationIPv6Address: '2001:db8::2',
        ipNextHopIPv6Address: 'fe80::1',
        udpSourcePort: 5000,
        udpDestinationPort: 53,
        postOctetDeltaCount: 10,
        postPacketDeltaCount: 1,
      }),
    );
    expect(n).toMatchObject({
      srcIp: '2001:db8::1',
      dstIp: '2001:db8::2',
      nextHop: 'fe80::1',
      srcPort: 5000,
      dstPort: 53,
      bytes: 10n,
      packets: 1n,
    });
  });

  it('ensures absent fields stay absent', () => {
    expect(flowToNar(flow({}, { flowStart: undefined, flowEnd: undefined }))).toEqual({
      exporter: '192.0.2.1',
      observationDomainId: 4,
    });
  });

  it('ensures scaling multiplies octets and packets by N > 1 and marks the NAR sampled', () => {
    const f = flow({ octetDeltaCount: 1500, packetDeltaCount: 3 }, { samplingInterval: 100 });
    expect(flowToNar(f)).toMatchObject({ bytes: 1500n, packets: 3n, samplingInterval: 100 });
    expect(flowToNar(f)).not.toHaveProperty('sampled');
    expect(flowToNar(f, { scaleBySampling: true })).toMatchObject({
      bytes: 150_000n,
      packets: 300n,
      sampled: true,
    });
    const one = flow({ octetDeltaCount: 1500 }, { samplingInterval: 1 });
    expect(flowToNar(one, { scaleBySampling: true })).toEqual(expect.not.objectContaining({ sampled: true }));
    expect(flowToNar(flow({ octetDeltaCount: 1500 }), { scaleBySampling: true })).not.toHaveProperty(
      'sampled',
    );
  });

  it('ensures counters are bigints and scale exactly', () => {
    const big = flow({ octetDeltaCount: 2 ** 50, packetDeltaCount: 2n ** 60n }, { samplingInterval: 1000 });
    const n = flowToNar(big, { scaleBySampling: true });
    expect(n['bytes']).toBe(2n ** 50n * 1000n);
    expect(n['packets']).toBe(2n ** 60n * 1000n);
    const frac = flowToNar(flow({ octetDeltaCount: 3 }, { samplingInterval: 2.5 }), {
      scaleBySampling: true,
    });
    expect(frac['bytes']).toBe(8n); // counts stay integers: rounded
  });
});

describe('sampling resolution while decoding', () => {
  const HEADER = { exportTime: 1_704_164_645, sequence: 0, observationDomainId: 1 };
  const ipfix = (sets: SetInput[], cache: TemplateCache) =>
    decodeIpfix(encodeIpfix({ ...HEADER, sets }), EXPORTER, cache);

  it('ensures PSAMP options scoped by selectorId apply to flows of that selector only', () => {
    const cache = new TemplateCache();
    const opt = template(
      300,
      [
        [302, 8],
        [305, 4],
        [306, 4],
      ],
      1,
    );
    const domainOpt = template(
      301,
      [
        [149, 4],
        [34, 4],
      ],
      1,
    );
    const t = template(400, [
      [302, 8],
      [1, 4],
      [2, 4],
    ]);
    const plain = template(401, [[1, 4]]);
    const m = ipfix(
      [
        { kind: 'options-templates', templates: [opt, domainOpt] },
        {
          kind: 'data',
          template: opt,
          records: [{ selectorId: 7, samplingPacketInterval: 1, samplingPacketSpace: 99 }],
        },
        { kind: 'data', template: domainOpt, records: [{ observationDomainId: 1, samplingInterval: 8 }] },
        { kind: 'templates', templates: [t, plain] },
        {
          kind: 'data',
          template: t,
          records: [
            { selectorId: 7, octetDeltaCount: 64, packetDeltaCount: 1 },
            { selectorId: 8, octetDeltaCount: 64 },
          ],
        },
        { kind: 'data', template: plain, records: [{ octetDeltaCount: 1 }] },
      ],
      cache,
    );
    expect(m.records.map((r) => r.samplingInterval)).toEqual([100, 8, 8]);
    expect(flowToNar(m.records[0] as FlowRecord, { scaleBySampling: true })).toMatchObject({
      bytes: 6400n,
      packets: 100n,
      sampled: true,
    });
  });

  it('ensures a samplingInterval, samplerRandomInterval or samplingProbability in the record itself wins', () => {
    const cache = new TemplateCache();
    const a = template(402, [
      [34, 4],
      [1, 4],
    ]);
    const b = template(403, [
      [50, 4],
      [1, 4],
    ]);
    const c = template(404, [
      [311, 8],
      [1, 4],
    ]);
    const m = ipfix(
      [
        { kind: 'templates', templates: [a, b, c] },
        {
          kind: 'data',
          template: a,
          records: [
            { samplingInterval: 16, octetDeltaCount: 1 },
            { samplingInterval: 0, octetDeltaCount: 1 },
          ],
        },
        { kind: 'data', template: b, records: [{ samplerRandomInterval: 32, octetDeltaCount: 1 }] },
        { kind: 'data', template: c, records: [{ samplingProbability: 0.25, octetDeltaCount: 1 }] },
      ],
      cache,
    );
    expect(m.records.map((r) => r.samplingInterval)).toEqual([16, undefined, 32, 4]);
  });

  it('ensures NetFlow v9 sampler options (FLOW_SAMPLER_ID, FLOW_SAMPLER_RANDOM_INTERVAL) apply by sampler id', () => {
    const cache = new TemplateCache();
    const opt = template(
      500,
      [
        [1, 4],
        [48, 1],
        [49, 1],
        [50, 4],
      ],
      1,
    );
    const t = template(501, [
      [48, 1],
      [1, 4],
      [2, 4],
    ]);
    const m = decodeV9(
      encodeV9({
        sysUptime: 1000,
        unixSecs: 1_704_164_645,
        sequence: 1,
        sourceId: 0,
        sets: [
          { kind: 'options-templates', templates: [opt] },
          {
            kind: 'data',
            template: opt,
            records: [{ scopeSystem: 0, samplerId: 2, samplerMode: 2, samplerRandomInterval: 1000 }],
          },
          { kind: 'templates', templates: [t] },
          {
            kind: 'data',
            template: t,
            records: [
              { samplerId: 2, octetDeltaCount: 100, packetDeltaCount: 2 },
              { samplerId: 3, octetDeltaCount: 1 },
            ],
          },
        ],
      }),
      EXPORTER,
      cache,
    );
    expect(m.records.map((r) => r.samplingInterval)).toEqual([1000, undefined]);
    expect(flowToNar(m.records[0] as FlowRecord, { scaleBySampling: true })).toMatchObject({
      bytes: 100_000n,
      packets: 2000n,
      sampled: true,
    });
  });

  it('ensures sampling learned from options is kept by exporter and domain in the cache', () => {
    const cache = new TemplateCache();
    decodeV9(vector('netflow/rfc3954-v9.hex'), EXPORTER, cache);
    expect(cache.samplingFor(9, EXPORTER, 7)).toBe(100);
    expect(cache.samplingFor(9, EXPORTER, 8)).toBeUndefined();
    expect(cache.samplingFor(9, 'other', 7)).toBeUndefined();
  });
});
