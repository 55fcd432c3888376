/**
 * The simulator's datagrams, read back by narflow's own decoders: every flow decodes to its truth row
 * (the columns of the kill-9 fixture's output), the templates follow the schedule, the sequence
 * numbers count what each version counts, and sampling is announced as each version does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SimulatedExporter } from '../../../../src/cluster/loadgen/netflow/exporter.js';
import type { ExportVersion } from '../../../../src/cluster/loadgen/netflow/flows.js';
import { TRUTH_FLOW_COLUMNS, truthRows } from '../../../../src/cluster/loadgen/netflow/truth.js';
import { packetLength, reportedMs } from '../../../../src/cluster/loadgen/netflow/wire.js';
import {
  decodeIpfix,
  decodeV5,
  decodeV9,
  flowToNar,
  SequenceTracker,
  TemplateCache,
  type FlowRecord,
} from '../../../../src/protocols/netflow/index.js';

const START = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const ADDRESS = '127.0.0.10';

function exporter(version: ExportVersion, templateEvery = 3, sampling = 1): SimulatedExporter {
  return new SimulatedExporter(
    { index: 0, address: ADDRESS, version, templateEvery, sampling, seed: 5 },
    START,
  );
}

interface Decoded {
  records: FlowRecord[];
  options: FlowRecord[];
  pending: number;
  errors: number;
}

function decode(version: ExportVersion, bytes: Uint8Array, cache: TemplateCache): Decoded {
  if (version === 5) return { records: decodeV5(bytes, ADDRESS).records, options: [], pending: 0, errors: 0 };
  const m = version === 9 ? decodeV9(bytes, ADDRESS, cache) : decodeIpfix(bytes, ADDRESS, cache);
  return { records: m.records, options: m.optionRecords, pending: m.pending.length, errors: m.errors.length };
}

/** A decoded flow as the fixture's file OI writes it. */
function row(r: FlowRecord): string {
  const n = flowToNar(r);
  return TRUTH_FLOW_COLUMNS.map((c) => String(n[c])).join(',');
}

describe('loadgen netflow datagrams', () => {
  it('ensures the truth columns are those of the kill-9 fixture output', () => {
    const doc = parse(
      readFileSync(join(import.meta.dirname, '../../../fixtures/netflow-flows.yaml'), 'utf8'),
    ) as {
      nodes: { id: string; rules?: { attribute: string }[] }[];
    };
    const rules = doc.nodes.find((n) => n.id === 'flows')?.rules ?? [];
    expect(rules.map((r) => r.attribute)).toEqual([...TRUTH_FLOW_COLUMNS]);
  });

  for (const version of [5, 9, 10] as const) {
    it(`ensures v${version === 10 ? 'IPFIX' : version} packets decode to their truth rows, templates every 3rd packet, sequence without loss`, () => {
      const e = exporter(version);
      const cache = new TemplateCache();
      const seq = new SequenceTracker();
      const templates: boolean[] = [];
      for (let i = 0; i < 8; i++) {
        const p = e.next(START + i * 1234, version === 5 ? 30 : 7);
        expect(p.bytes.length).toBe(packetLength(p.input, p.input.flows.length));
        templates.push(p.input.templates);
        const d = decode(version, p.bytes, cache);
        expect({ pending: d.pending, errors: d.errors }).toEqual({ pending: 0, errors: 0 });
        expect(d.records.map(row)).toEqual(truthRows(ADDRESS, p.input));
        const view = new DataView(p.bytes.buffer);
        const o = seq.observe({
          version,
          exporter: ADDRESS,
          observationDomainId: 1,
          sequence: view.getUint32(version === 10 ? 8 : version === 9 ? 12 : 16),
          count: version === 9 ? 1 : d.records.length + d.options.length,
          ...(version === 10 ? {} : { uptimeMs: view.getUint32(4) }),
        });
        expect(o.outcome).toBe(i === 0 ? 'first' : 'in_order');
      }
      expect(templates).toEqual(
        version === 5 ? Array(8).fill(false) : [true, false, false, true, false, false, true, false],
      );
      expect(e.counts).toMatchObject({
        packets: 8,
        flows: version === 5 ? 240 : 56,
        templatePackets: version === 5 ? 0 : 3,
      });
    });
  }

  it('ensures templates go in the first packet only with templateEvery 0, and again after a restart with a new sequence and sysUptime', () => {
    const e = exporter(9, 0);
    const sent = Array.from({ length: 5 }, (_, i) => e.next(START + i, 2).input);
    expect(sent.map((p) => p.templates)).toEqual([true, false, false, false, false]);
    expect(sent.map((p) => p.sequence)).toEqual([0, 1, 2, 3, 4]);
    e.restart(START + 10_000);
    const after = e.next(START + 10_500, 2).input;
    expect(after).toMatchObject({ templates: true, sequence: 0, bootMs: START + 10_000 });
    const cache = new TemplateCache();
    expect(decode(9, e.next(START + 11_000, 2).bytes, cache).pending).toBe(1); // no template yet here
  });

  it('ensures sampling is announced: v5 header interval, v9 and IPFIX options records with the templates', () => {
    for (const version of [5, 9, 10] as const) {
      const e = exporter(version, 2, 64);
      const cache = new TemplateCache();
      const d = [0, 1, 2].map((i) => decode(version, e.next(START + i, 5).bytes, cache));
      expect(d.map((x) => x.options.length)).toEqual(version === 5 ? [0, 0, 0] : [1, 0, 1]);
      for (const x of d) for (const r of x.records) expect(r.samplingInterval).toBe(64);
    }
  });

  it('ensures elephant flows above 2^32 octets keep 64-bit counters (v9, IPFIX) and v5 counters fit 32 bits', () => {
    for (const version of [5, 9, 10] as const) {
      const e = exporter(version);
      const cache = new TemplateCache();
      let big = 0;
      for (let i = 0; i < 40; i++) {
        const p = e.next(START + i, version === 5 ? 30 : 25);
        const d = decode(version, p.bytes, cache);
        for (const r of d.records) {
          const octets = BigInt(r.fields['octetDeltaCount'] as number | bigint);
          if (octets >= 2n ** 32n) big++;
        }
        expect(d.records.map(row)).toEqual(truthRows(ADDRESS, p.input));
      }
      if (version === 5) expect(big).toBe(0);
      else expect(big).toBeGreaterThan(0);
    }
  });

  it('ensures the times a collector must report: exact for v5 and IPFIX, v9 from whole header seconds', () => {
    const bootMs = START - 5_000_000;
    const exportMs = START;
    const t = START - 1_500;
    expect(reportedMs({ version: 5, exportMs, bootMs }, t)).toBe(t);
    expect(reportedMs({ version: 10, exportMs, bootMs }, t)).toBe(t);
    expect(reportedMs({ version: 9, exportMs, bootMs }, t)).toBe(t - 678);
  });
});
