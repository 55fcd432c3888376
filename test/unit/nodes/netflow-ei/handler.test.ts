/**
 * The flow collector's handler: flows from v5, v9 and IPFIX; templates kept in the checkpoint so a
 * restarted collector decodes at once; data before its template held, then retried or quarantined as
 * a datagram that replays; lost export packets per exporter; bad datagrams quarantined.
 */
import { describe, expect, it } from 'vitest';
import { encodeEntries, encodeEntry, KIND_MESSAGE } from '../../../../src/actors/nodes/ei/datagram/entry.js';
import { NetflowEiHandler } from '../../../../src/actors/nodes/ei/netflow/handler.js';
import { netflowEiSettings } from '../../../../src/actors/nodes/ei/netflow/settings.js';
import { packValue, unpackValue } from '../../../../src/protocols/nar/batch.js';
import {
  encodeIpfix,
  encodeV5,
  encodeV9,
  type FieldValues,
  type TemplateDefinition,
} from '../../../../src/protocols/netflow/index.js';
import { recorded, recordingContext, type Recorded } from '../../../helpers/handler-context.js';

const EXPORTER = '192.0.2.7';
const T = 1_700_000_000;

const TEMPLATE: TemplateDefinition = {
  templateId: 300,
  scopeFieldCount: 0,
  fields: [
    { id: 8, length: 4 }, // sourceIPv4Address
    { id: 12, length: 4 }, // destinationIPv4Address
    { id: 7, length: 2 }, // sourceTransportPort
    { id: 11, length: 2 }, // destinationTransportPort
    { id: 4, length: 1 }, // protocolIdentifier
    { id: 1, length: 8 }, // octetDeltaCount
    { id: 2, length: 8 }, // packetDeltaCount
    { id: 152, length: 8 }, // flowStartMilliseconds
    { id: 153, length: 8 }, // flowEndMilliseconds
  ],
};

const flow = (i: number): FieldValues => ({
  sourceIPv4Address: `10.0.0.${i}`,
  destinationIPv4Address: '198.51.100.1',
  sourceTransportPort: 40_000 + i,
  destinationTransportPort: 443,
  protocolIdentifier: 6,
  octetDeltaCount: 1000 * i,
  packetDeltaCount: i,
  flowStartMilliseconds: `2023-11-14T22:13:0${i}.000Z`,
  flowEndMilliseconds: `2023-11-14T22:13:1${i}.000Z`,
});

const ipfix = (sequence: number, sets: Parameters<typeof encodeIpfix>[0]['sets']) =>
  encodeIpfix({ exportTime: T, sequence, observationDomainId: 1, sets });
const templates = { kind: 'templates' as const, templates: [TEMPLATE] };
const data = (...ids: number[]) => ({ kind: 'data' as const, template: TEMPLATE, records: ids.map(flow) });

const entry = (message: Uint8Array, receivedAtMs = T * 1000) =>
  encodeEntries([
    encodeEntry({
      kind: KIND_MESSAGE,
      transport: 'udp',
      address: EXPORTER,
      port: 9995,
      receivedAtMs,
      message,
    }),
  ]);

function collector(over: Record<string, unknown> = {}): {
  h: NetflowEiHandler;
  out: Recorded;
  ctx: ReturnType<typeof recordingContext>;
} {
  const out = recorded();
  const h = new NetflowEiHandler(netflowEiSettings.parse(over), '/nonexistent');
  h.init(undefined);
  return { h, out, ctx: recordingContext(out, 1, { nodeId: 'collector' }) };
}

describe('netflow-ei handler', () => {
  it('ensures IPFIX flows become NARs with the dictionary names, and a restarted collector decodes data at once from its checkpointed templates', () => {
    const { h, out, ctx } = collector();
    h.handleExternal(entry(ipfix(0, [templates, data(1, 2)])), ctx);
    expect(out.emitted).toHaveLength(2);
    expect(out.emitted[0]).toMatchObject({
      exporter: EXPORTER,
      srcIp: '10.0.0.1',
      dstIp: '198.51.100.1',
      srcPort: 40_001,
      dstPort: 443,
      protocol: 6,
      bytes: 1000n,
      packets: 1n,
      flowStart: '2023-11-14T22:13:01.000Z',
      flowEnd: '2023-11-14T22:13:11.000Z',
    });
    // As a checkpoint would keep it (msgpack), then a new handler: data without a template decodes.
    const restarted = collector();
    restarted.h.init(unpackValue(packValue(h.snapshot())));
    restarted.h.handleExternal(entry(ipfix(2, [data(3)])), restarted.ctx);
    expect(restarted.out.emitted.map((r) => r['srcIp'])).toEqual(['10.0.0.3']);
    expect(restarted.h.peerStats()[EXPORTER]).toMatchObject({ sequence_lost: 0, sequence_received: 3 });
  });

  it('ensures data before its template is held, goes out when the template comes, and is quarantined as a replayable datagram when it never does', () => {
    const { h, out, ctx } = collector({ pendingTimeoutMs: 5000 });
    h.handleExternal(entry(ipfix(0, [data(1)])), ctx);
    expect(out.emitted).toEqual([]);
    h.handleExternal(entry(ipfix(1, [templates])), ctx);
    expect(out.emitted.map((r) => r['srcIp'])).toEqual(['10.0.0.1']);

    const other: TemplateDefinition = { ...TEMPLATE, templateId: 301 };
    h.handleExternal(entry(ipfix(2, [{ kind: 'data', template: other, records: [flow(4)] }])), ctx);
    h.handleTick(T * 1000 + 4000, ctx);
    expect(out.quarantined).toEqual([]);
    h.handleTick(T * 1000 + 5000, ctx);
    expect(out.quarantined).toHaveLength(1);
    const q = out.quarantined[0] as Recorded['quarantined'][number];
    expect(q.reason).toBe('template_unknown');
    expect(q.detail).toMatchObject({
      address: EXPORTER,
      templateId: 301,
      version: 10,
      observationDomainId: 1,
    });
    // Replayed once the exporter's template 301 is known, it decodes.
    h.handleExternal(entry(ipfix(3, [{ kind: 'templates', templates: [other] }])), ctx);
    h.handleExternal(entry(q.bytes), ctx);
    expect(out.emitted.map((r) => r['srcIp'])).toEqual(['10.0.0.1', '10.0.0.4']);
  });

  it('ensures a datagram with a bad set has its good part taken and only the undecoded rest quarantined, so a replay emits nothing twice', () => {
    const { h, out, ctx } = collector();
    const named: TemplateDefinition = {
      templateId: 310,
      scopeFieldCount: 0,
      fields: [...TEMPLATE.fields, { id: 82, length: 65_535 }], // interfaceName, variable length
    };
    const namedFlow = (i: number): FieldValues => ({ ...flow(i), interfaceName: `ge-0/0/${i}` });
    const good = encodeIpfix({
      exportTime: T,
      sequence: 0,
      observationDomainId: 1,
      sets: [{ kind: 'data', template: named, records: [1, 2].map(namedFlow) }],
    });
    // The data set's content (after the 16-octet message and 4-octet set headers), then a third
    // record whose interfaceName announces 200 octets that are not there.
    const twoRecords = good.subarray(20);
    const third = encodeIpfix({
      exportTime: T,
      sequence: 0,
      observationDomainId: 1,
      sets: [{ kind: 'data', template: named, records: [namedFlow(3)] }],
    }).subarray(20);
    const broken = Uint8Array.from([...third.subarray(0, third.length - 'ge-0/0/3'.length - 1), 200, 1, 2]);
    const badTemplateSet = Uint8Array.from([0x00, 0x05, 0x00, 0x01, 0x00, 0x08, 0x00, 0x04]); // template id 5
    const datagram = ipfix(0, [
      { kind: 'templates', templates: [TEMPLATE, named] },
      data(1),
      { kind: 'raw', setId: 310, bytes: Uint8Array.from([...twoRecords, ...broken]) },
      { kind: 'raw', setId: 2, bytes: badTemplateSet },
    ]);
    h.handleExternal(entry(datagram), ctx);
    expect(out.emitted.map((r) => r['srcIp'])).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.2']);
    expect(out.quarantined.map((q) => [q.reason, q.detail?.['setId'], q.detail?.['partial']])).toEqual([
      ['record_overrun', 310, true],
      ['bad_template_id', 2, true],
    ]);
    // Each quarantined datagram holds only the rest of its set: the failing record, the bad template.
    const [overrun, template] = out.quarantined as Recorded['quarantined'];
    expect([...(overrun?.bytes ?? new Uint8Array()).subarray(20)]).toEqual([...broken]);
    expect([...(template?.bytes ?? new Uint8Array()).subarray(20)]).toEqual([...badTemplateSet]);
    // Replayed (still bad), they quarantine again and emit none of the flows taken before.
    h.handleExternal(entry(overrun?.bytes as Uint8Array), ctx);
    h.handleExternal(entry(template?.bytes as Uint8Array), ctx);
    expect(out.emitted).toHaveLength(3);
    expect(out.quarantined.map((q) => q.reason)).toEqual([
      'record_overrun',
      'bad_template_id',
      'record_overrun',
      'bad_template_id',
    ]);
  });

  it('ensures a held data set that turns out bad once its template comes has its good records taken and its rest quarantined', () => {
    const { h, out, ctx } = collector();
    const named: TemplateDefinition = {
      templateId: 311,
      scopeFieldCount: 0,
      fields: [...TEMPLATE.fields, { id: 82, length: 65_535 }],
    };
    const one = encodeIpfix({
      exportTime: T,
      sequence: 0,
      observationDomainId: 1,
      sets: [{ kind: 'data', template: named, records: [{ ...flow(5), interfaceName: 'xe-1' }] }],
    }).subarray(20);
    const broken = Uint8Array.from([...one.subarray(0, one.length - 5), 250]);
    h.handleExternal(
      entry(ipfix(0, [{ kind: 'raw', setId: 311, bytes: Uint8Array.from([...one, ...broken]) }])),
      ctx,
    );
    expect(out.emitted).toEqual([]);
    h.handleExternal(entry(ipfix(1, [{ kind: 'templates', templates: [named] }])), ctx);
    expect(out.emitted.map((r) => r['srcIp'])).toEqual(['10.0.0.5']);
    expect(out.quarantined.map((q) => [q.reason, q.detail?.['partial']])).toEqual([['record_overrun', true]]);
    expect([...(out.quarantined[0]?.bytes ?? new Uint8Array()).subarray(20)]).toEqual([...broken]);
  });

  it('ensures lost v9 export packets and v5 flows are counted per exporter', () => {
    const { h, ctx } = collector();
    const v9 = (sequence: number) =>
      encodeV9({
        sysUptime: 10_000 + sequence,
        unixSecs: T,
        sequence,
        sourceId: 3,
        sets: [templates, data(1)],
      });
    for (const seq of [0, 1, 4, 5]) h.handleExternal(entry(v9(seq)), ctx);
    const v5 = (flowSequence: number, n: number) =>
      encodeV5({
        sysUptime: 50_000,
        unixSecs: T,
        flowSequence,
        records: Array.from({ length: n }, () => ({
          sourceIPv4Address: '10.1.1.1',
          destinationIPv4Address: '10.2.2.2',
          octetDeltaCount: 100,
          packetDeltaCount: 1,
          flowStartSysUpTime: 1000,
          flowEndSysUpTime: 2000,
          protocolIdentifier: 17,
        })),
      });
    h.handleExternal(entry(v5(0, 10)), ctx);
    h.handleExternal(entry(v5(15, 5)), ctx); // flows 10–14 never came
    expect(h.peerStats()[EXPORTER]).toMatchObject({ sequence_lost: 2 + 5 });
  });

  it('ensures datagrams that do not decode are quarantined with the decoder code and where they came from', () => {
    const { h, out, ctx } = collector();
    h.handleExternal(entry(Uint8Array.from([0, 7, 1, 2])), ctx);
    h.handleExternal(entry(Uint8Array.from([0, 5, 0, 3])), ctx);
    expect(out.quarantined.map((q) => q.reason)).toEqual(['bad_version', 'truncated']);
    expect(out.quarantined[0]?.detail).toMatchObject({ address: EXPORTER, port: 9995 });
    expect(out.counts.created).toBe(2);
  });
});
