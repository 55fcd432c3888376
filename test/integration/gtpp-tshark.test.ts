/**
 * Interoperability with an independent dissector: what `narflow loadgen gtpp` sends, captured with
 * `--pcap`, is read by Wireshark's tshark as GTP' (gtpprime) carrying TS 32.298 CDRs (gprscdr), and
 * what tshark shows equals what the generator put in — request by request and CDR by CDR, field by
 * field — with nothing malformed and no expert info. Runs GTP' v0, v1 and v2 with all five record
 * types against the in-test charging gateway (no narflow process).
 *
 * Expected values never come from decoding the captured bytes with narflow's codecs: they are the
 * generator's ground truth (`truth/cdr.csv`) and the `CdrRecord`s it built, rebuilt from its pure
 * planning functions with the run's seed and the wall clock it read (spied on: read once, while it
 * prepares). How tshark's values are normalised is described in test/helpers/gprscdr-view.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gsnCdrs, peersOf, runIdentity } from '../../src/cluster/loadgen/gtpp/cdrs.js';
import {
  runGtppLoad,
  TRUTH_CDR_HEADER,
  type GtppLoadOptions,
  type LoadReport,
} from '../../src/cluster/loadgen/gtpp/index.js';
import { sessionLimit } from '../../src/cluster/loadgen/gtpp/options.js';
import { planGsns, planSessions, RECORD_TYPES } from '../../src/cluster/loadgen/gtpp/plan.js';
import { DATA_RECORD_FORMAT, DATA_RECORD_FORMAT_VERSION } from '../../src/cluster/loadgen/gtpp/requests.js';
import type { CdrRecord } from '../../src/protocols/cdr/index.js';
import { parseCsvLine } from '../../src/protocols/csv/csv.js';
import type { GtppVersion } from '../../src/protocols/gtpp/index.js';
import { recordView, tsharkCdrView, type CdrView } from '../helpers/gprscdr-view.js';
import { find, parsePdml, type PdmlNode } from '../helpers/pdml.js';
import { HAVE_TSHARK, requireTshark, TSHARK } from '../helpers/tshark.js';
import { Responder } from '../unit/loadgen/responder.js';

/** One Data Record Transfer Request as tshark shows it. */
interface Request {
  readonly frame: string;
  readonly version: string | undefined;
  readonly messageType: string | undefined;
  readonly sequence: number;
  readonly command: string | undefined;
  readonly records: string | undefined;
  readonly format: string | undefined;
  readonly formatVersion: string;
  readonly cdrs: CdrView[];
}

interface Captured {
  /** Distinct requests per source address, in capture order (retransmissions set aside). */
  readonly bySource: Map<string, Request[]>;
  readonly retransmissions: { first: Request; again: Request }[];
  readonly frames: number;
  /** Frames tshark did not dissect as GTP'. */
  readonly notGtpp: string[];
  /** Expert info and malformed-packet marks, as "frame N: text". */
  readonly problems: string[];
}

interface Run {
  readonly report: LoadReport;
  readonly expected: Map<string, CdrRecord[]>;
  readonly truth: Map<string, Record<string, string>>;
  readonly captured: Captured;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The CDRs each GSN of a run sends, in order: the generator's records for the run's seed and clock. */
function generatedRecords(o: GtppLoadOptions, nowMs: number): Map<string, CdrRecord[]> {
  const gsns = planGsns(o.gsns, o.mix, false);
  const plan = planSessions(gsns, o.mix, o.records, sessionLimit(o), o.seed);
  const id = runIdentity(o.seed);
  const peers = peersOf(gsns);
  return new Map(
    gsns.map((g) => {
      const mine = [...plan.gsnOf.keys()].filter((s) => plan.gsnOf[s] === g.index);
      return [g.address, [...gsnCdrs(g, mine, plan, id, peers, nowMs, o.seed)].map((c) => c.record)];
    }),
  );
}

const truthKey = (chargingId: unknown, gateway: unknown, rsn: unknown): string =>
  `${String(chargingId)}|${String(gateway)}|${String(rsn)}`;

function readTruth(dir: string): Map<string, Record<string, string>> {
  const [header, ...lines] = readFileSync(join(dir, 'truth', 'cdr.csv'), 'utf8')
    .trimEnd()
    .split('\n');
  expect(header).toBe(TRUTH_CDR_HEADER);
  const columns = TRUTH_CDR_HEADER.split(',');
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines) {
    const cells = parseCsvLine(line, { delimiter: ',' });
    const row = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
    const key = truthKey(row['chargingId'], row['ggsnAddress'], row['recordSequenceNumber']);
    expect(rows.has(key), `truth key ${key} is unique`).toBe(false);
    rows.set(key, row);
  }
  return rows;
}

function dissect(pcap: string, port: number, configDir: string): PdmlNode[] {
  const pdml = execFileSync(TSHARK, ['-n', '-r', pcap, '-d', `udp.port==${port},gtpprime`, '-T', 'pdml'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A developer's own Wireshark preferences must not change what is dissected.
    env: { ...process.env, WIRESHARK_CONFIG_DIR: configDir },
  });
  return parsePdml(pdml);
}

/**
 * Wireshark's UDP dissector marks any datagram from or to a port in 33434–33534 as a "Possible
 * traceroute" (`udp.possible_traceroute`, Chat level). The GSNs' ports are ephemeral and the kernel
 * sometimes picks one there: that note is about the port number, not about what the generator wrote.
 */
const isPortHeuristic = (expert: PdmlNode): boolean =>
  expert.children.some((c) => c.name === 'udp.possible_traceroute');

/** Expert info (each names its problem), malformed or short packets, and BER errors outside them. */
function problemsOf(node: PdmlNode, frame: string, out: string[]): void {
  for (const c of node.children) {
    if (/^_ws\.(expert|malformed|short)$/.test(c.name) || c.name.startsWith('ber.error')) {
      if (!isPortHeuristic(c)) out.push(`frame ${frame}: ${c.showname || c.name}`);
    } else problemsOf(c, frame, out);
  }
}

function capturedOf(packets: readonly PdmlNode[], gatewayPort: number): Captured {
  const bySource = new Map<string, Request[]>();
  const seen = new Map<string, Request>();
  const retransmissions: Captured['retransmissions'] = [];
  const notGtpp: string[] = [];
  const problems: string[] = [];
  for (const p of packets) {
    const frame = find(p, 'frame.number')?.show ?? '?';
    problemsOf(p, frame, problems);
    const gtpp = p.children.find((c) => c.name === 'gtpprime');
    if (gtpp === undefined) {
      notGtpp.push(frame);
      continue;
    }
    if (Number(find(p, 'udp.dstport')?.show) !== gatewayPort) continue;
    const source = find(p, 'ip.src')?.show ?? '?';
    const packet = gtpp.children.find((c) => c.show === 'Data record packet');
    const request: Request = {
      frame,
      version: find(gtpp, 'gtp.prim.flags.version')?.show,
      messageType: find(gtpp, 'gtp.message')?.show,
      sequence: Number(find(gtpp, 'gtp.seq_number')?.show),
      command: find(gtpp, 'gtp.tr_comm')?.show,
      records: packet === undefined ? undefined : find(packet, 'gtp.number_of_data_records')?.show,
      format: packet === undefined ? undefined : find(packet, 'gtp.data_record_format')?.show,
      formatVersion:
        packet === undefined
          ? '-'
          : ['gtp.cdr_app', 'gtp.cdr_rel_ext', 'gtp.cdr_ver'].map((n) => find(packet, n)?.show).join('/'),
      cdrs: (packet?.children ?? []).filter((c) => /^Data record \d+$/.test(c.show)).map(tsharkCdrView),
    };
    const key = `${source}|${request.sequence}`;
    const first = seen.get(key);
    if (first !== undefined) {
      retransmissions.push({ first, again: request });
      continue;
    }
    seen.set(key, request);
    bySource.set(source, [...(bySource.get(source) ?? []), request]);
  }
  return { bySource, retransmissions, frames: packets.length, notGtpp, problems };
}

async function loadRun(version: GtppVersion, cdrsPerMessage: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'narflow-gtpp-tshark-'));
  dirs.push(dir);
  const responder = await new Responder().listenUdp();
  try {
    const pcap = join(dir, 'run.pcap');
    const clock = vi.spyOn(Date, 'now');
    const running = runGtppLoad({
      target: { host: '127.0.0.1', port: responder.port },
      out: join(dir, 'out'),
      progress: 'off',
      gsns: 6,
      sessions: 60,
      records: { kind: 'uniform', min: 1, max: 4 },
      mix: RECORD_TYPES.map((recordType) => ({ recordType, weight: 1 })),
      cdrsPerMessage,
      gtppVersion: version,
      pcap,
      seed: 40 + version,
      maxSeconds: 20,
    });
    const readings = clock.mock.results.map((r) => r.value as number);
    clock.mockRestore();
    expect(readings, 'the generator reads the wall clock once, while it prepares').toHaveLength(1);
    const report = await running;
    expect(report.ended).toBe('done');
    expect(report.summary.unconfirmed).toBe(0);
    return {
      report,
      expected: generatedRecords(report.options, readings[0] as number),
      truth: readTruth(join(dir, 'out')),
      captured: capturedOf(dissect(pcap, responder.port, dir), responder.port),
    };
  } finally {
    await responder.close();
  }
}

describe("loadgen captures against Wireshark's GTP' and CDR dissectors", () => {
  requireTshark("the load generator's GTP' and CDRs against Wireshark");

  for (const [version, cdrsPerMessage] of [
    [0, 2],
    [1, 5],
    [2, 3],
  ] as const) {
    describe.skipIf(!HAVE_TSHARK)(`GTP' v${version}, ${cdrsPerMessage} CDRs per request`, () => {
      let run: Run;
      beforeAll(async () => {
        run = await loadRun(version, cdrsPerMessage);
      });

      it('ensures tshark dissects every datagram as GTP′ and reports no expert info and nothing malformed, for all five record types', () => {
        const { captured, expected } = run;
        expect(captured.frames).toBeGreaterThan(20);
        expect(captured.notGtpp, 'frames not dissected as gtpprime').toEqual([]);
        expect(captured.problems, 'tshark expert info / malformed').toEqual([]);
        const types = new Set([...expected.values()].flat().map((r) => r.recordType));
        expect([...types].sort()).toEqual([...RECORD_TYPES].sort());
      });

      it("ensures every request shows the GTP' version, type 0xf0, the GSN's sequence number (0, 1, 2… per GSN), Send, BER format 1 and version, and the number of CDRs the generator put in", () => {
        const { captured, expected, report } = run;
        const v = DATA_RECORD_FORMAT_VERSION;
        expect([...captured.bySource.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [source, records] of expected) {
          const requests = captured.bySource.get(source) ?? [];
          const batches = Math.ceil(records.length / cdrsPerMessage);
          expect(
            requests.map((r) => ({ ...r, frame: undefined, cdrs: r.cdrs.length })),
            `requests from ${source}`,
          ).toEqual(
            Array.from({ length: batches }, (_, k) => ({
              frame: undefined,
              version: String(version),
              messageType: '0xf0',
              sequence: k,
              command: '1',
              records: String(Math.min(cdrsPerMessage, records.length - k * cdrsPerMessage)),
              format: String(DATA_RECORD_FORMAT),
              formatVersion: `${v.application}/${v.release}/${v.version}`,
              cdrs: Math.min(cdrsPerMessage, records.length - k * cdrsPerMessage),
            })),
          );
        }
        // A retransmission (same GSN and sequence number) carries the same request.
        for (const { first, again } of captured.retransmissions) {
          expect({ ...again, frame: first.frame }).toEqual(first);
        }
        expect(captured.retransmissions.length).toBe(report.summary.retransmitted);
      });

      it('ensures every CDR shows, field by field, the values of the record the generator built, in the order it sent them', () => {
        for (const [source, records] of run.expected) {
          const shown = (run.captured.bySource.get(source) ?? []).flatMap((r) =>
            r.cdrs.map((c) => ({ frame: r.frame, view: c })),
          );
          expect(shown.length, `CDRs from ${source}`).toBe(records.length);
          records.forEach((record, i) => {
            const got = shown[i];
            expect(
              got?.view,
              `CDR ${i + 1} from ${source} (frame ${got?.frame}, charging id ${record.chargingID}, record ${record.recordSequenceNumber})`,
            ).toEqual(recordView(record));
          });
        }
      });

      it('ensures every CDR of the ground truth (truth/cdr.csv, by charging id + GGSN/P-GW address + record sequence number) is shown once by tshark, with the truth values', () => {
        const { truth, captured } = run;
        const shown = new Map<string, CdrView>();
        for (const requests of captured.bySource.values()) {
          for (const c of requests.flatMap((r) => r.cdrs)) {
            const key = truthKey(c.chargingId, c.gatewayAddress, c.recordSequenceNumber);
            expect(shown.has(key), `CDR ${key} shown once`).toBe(false);
            shown.set(key, c);
          }
        }
        expect([...shown.keys()].sort()).toEqual([...truth.keys()].sort());
        for (const [key, row] of truth) {
          const c = shown.get(key) as CdrView;
          const sum = (f: (v: CdrView['volumes'][number]) => string | undefined): string =>
            c.volumes.every((v) => f(v) !== undefined)
              ? String(c.volumes.reduce((a, v) => a + BigInt(f(v) as string), 0n))
              : 'a container without this volume';
          expect(
            {
              recordType: c.recordType,
              imsi: c.imsi,
              chargingId: String(c.chargingId),
              ggsnAddress: c.gatewayAddress,
              sgsnAddress: c.servingNodeAddresses[0],
              apn: c.apn,
              servedPdpAddress: c.servedPdpAddress,
              recordSequenceNumber: String(c.recordSequenceNumber),
              causeForRecClosing: String(c.causeForRecClosing),
              recordOpeningTime: c.recordOpeningTime,
              duration: String(c.duration),
              uplinkBytes: sum((v) => v.uplink),
              downlinkBytes: sum((v) => v.downlink),
            },
            `truth row ${key}`,
          ).toEqual(row);
        }
      });
    });
  }
});
