/**
 * Real exporter vectors: NetFlow v5, v9 and IPFIX datagrams softflowd 1.1.0 sent for the traffic
 * mix of test/helpers/flow-pcap.ts (test/vectors/netflow/softflowd*.hex, made by
 * test/vectors/netflow/capture.ts). They must decode to the flows of that pcap.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIpfix, decodeV5, decodeV9, TemplateCache } from '../../../../src/protocols/netflow/index.js';
import { compareFlows, expectedFlows, trafficMix } from '../../../helpers/flow-pcap.js';

const DIR = join(import.meta.dirname, '../../../vectors/netflow');
const META = JSON.parse(readFileSync(join(DIR, 'softflowd.json'), 'utf8')) as { t0Us: number };

function datagrams(version: number): Uint8Array[] {
  const text = readFileSync(join(DIR, `softflowd-v${version}.hex`), 'utf8');
  expect(text.startsWith('# provenance: ')).toBe(true);
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => Uint8Array.from(Buffer.from(l, 'hex')));
}

// softflowd exports both directions of a conversation with the conversation's first and last times.
const packets = trafficMix(META.t0Us, true);
const expected = expectedFlows(packets, true);
const ipv4Only = expected.filter((f) => !f.src.includes(':'));

describe('softflowd vectors', () => {
  it('ensures the NetFlow v5 export decodes to the IPv4 flows of the pcap, times to the millisecond', () => {
    const records = datagrams(5).flatMap((d) => decodeV5(d, '127.0.0.1').records);
    expect(compareFlows(records, ipv4Only)).toEqual([]);
  });

  it('ensures the NetFlow v9 export decodes to all flows, times within the header second', () => {
    const cache = new TemplateCache();
    const messages = datagrams(9).map((d) => decodeV9(d, '127.0.0.1', cache));
    expect(messages.flatMap((m) => [...m.errors, ...m.pending])).toEqual([]);
    expect(
      compareFlows(
        messages.flatMap((m) => m.records),
        expected,
        1000,
      ),
    ).toEqual([]);
    expect(messages.flatMap((m) => m.records).every((r) => r.samplingInterval === 1)).toBe(true);
  });

  it('ensures the IPFIX export decodes to all flows, sysUpTime times made absolute with its options', () => {
    const cache = new TemplateCache();
    const messages = datagrams(10).map((d) => decodeIpfix(d, '127.0.0.1', cache));
    expect(messages.flatMap((m) => [...m.errors, ...m.pending])).toEqual([]);
    expect(messages.flatMap((m) => m.optionRecords).length).toBeGreaterThan(0);
    expect(
      compareFlows(
        messages.flatMap((m) => m.records),
        expected,
      ),
    ).toEqual([]);
  });
});
