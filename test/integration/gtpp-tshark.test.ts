/**
 * Interoperability with an independent dissector: what `narflow loadgen gtpp` sends, captured with
 * `--pcap`, is read by Wireshark's tshark as GTP' (gtpprime) carrying TS 32.298 CDRs (gprscdr), and
 * the fields tshark shows equal what the generator put in (its ground truth), CDR by CDR. Every
 * request and every CDR must be found; tshark must report nothing malformed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGtppLoad } from '../../src/cluster/loadgen/gtpp/index.js';
import { HAVE_TSHARK, requireTshark, TSHARK } from '../helpers/tshark.js';
import { Responder } from '../unit/loadgen/responder.js';

const CHOICE: Record<string, string> = {
  '20': 'sgsnPDPRecord',
  '21': 'ggsnPDPRecord',
  '70': 'egsnPDPRecord',
  '78': 'sGWRecord',
  '79': 'pGWRecord',
};

const FIELDS = [
  'gtp.prim.flags.version',
  'gtp.seq_number',
  'gtp.number_of_data_records',
  'gprscdr.GPRSRecord',
  'e212.imsi',
  'gprscdr.chargingID',
  'gprscdr.recordSequenceNumber',
  'gprscdr.causeForRecClosing',
  'gprscdr.duration',
  'gprscdr.accessPointNameNI',
  'gprscdr.dataVolumeGPRSUplink',
  'gprscdr.dataVolumeGPRSDownlink',
  '_ws.expert.message',
] as const;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("loadgen captures against Wireshark's GTP' and CDR dissectors", () => {
  requireTshark("the load generator's GTP' against Wireshark");

  for (const version of [0, 1, 2] as const) {
    it.skipIf(!HAVE_TSHARK)(
      `ensures tshark reads every GTP' v${version} request and every CDR of all five record types with the values the generator put in`,
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'narflow-gtpp-tshark-'));
        dirs.push(dir);
        const responder = await new Responder().listenUdp();
        try {
          const pcap = join(dir, 'run.pcap');
          const report = await runGtppLoad({
            target: { host: '127.0.0.1', port: responder.port },
            out: join(dir, 'out'),
            progress: 'off',
            gsns: 5,
            sessions: 40,
            records: { kind: 'uniform', min: 1, max: 4 },
            mix: (['pGWRecord', 'sGWRecord', 'ggsnPDPRecord', 'egsnPDPRecord', 'sgsnPDPRecord'] as const).map(
              (recordType) => ({ recordType, weight: 1 }),
            ),
            cdrsPerMessage: 3,
            gtppVersion: version,
            pcap,
            seed: 20 + version,
            maxSeconds: 20,
          });
          expect(report.summary.unconfirmed).toBe(0);

          const out = execFileSync(
            TSHARK,
            [
              '-r',
              pcap,
              '-d',
              `udp.port==${responder.port},gtpprime`,
              '-Y',
              'gtp.message == 0xf0',
              '-T',
              'fields',
              '-E',
              'aggregator=;',
              ...FIELDS.flatMap((f) => ['-e', f]),
            ],
            { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
          );
          const truth = new Map<string, string[]>();
          const lines = readFileSync(join(dir, 'out', 'truth', 'cdr.csv'), 'utf8')
            .trim()
            .split('\n');
          const header = (lines[0] as string).split(',');
          const col = (name: string): number => header.indexOf(name);
          for (const line of lines.slice(1)) {
            const c = line.split(',');
            truth.set(`${c[col('chargingId')]}/${c[col('recordSequenceNumber')]}`, c);
          }
          const seen = new Set<string>();
          let requests = 0;
          for (const row of out.trim().split('\n')) {
            const f = row.split('\t').map((cell) => cell.split(';'));
            const [ver, seq, count, choice, imsi, chargingId, rsn, cause, duration, apn, up, down, expert] =
              f as string[][];
            requests++;
            expect(
              (expert ?? []).filter((e) => e !== ''),
              `tshark expert messages: ${row}`,
            ).toEqual([]);
            expect(ver?.[0]).toBe(String(version));
            expect(Number(seq?.[0])).toBeGreaterThanOrEqual(0);
            const n = Number(count?.[0]);
            expect(choice).toHaveLength(n);
            let upSum = 0n;
            let downSum = 0n;
            for (let i = 0; i < n; i++) {
              const key = `${chargingId?.[i]}/${rsn?.[i]}`;
              const t = truth.get(key);
              expect(t, `CDR ${key} of request ${seq?.[0]} is in the generator's truth`).toBeDefined();
              const want = t as string[];
              expect([CHOICE[choice?.[i] ?? ''], imsi?.[i], cause?.[i], duration?.[i], apn?.[i]]).toEqual([
                want[col('recordType')],
                want[col('imsi')],
                want[col('causeForRecClosing')],
                want[col('duration')],
                want[col('apn')],
              ]);
              upSum += BigInt(want[col('uplinkBytes')] as string);
              downSum += BigInt(want[col('downlinkBytes')] as string);
              seen.add(key);
            }
            // Container volumes: tshark lists each container's; per request they sum to the CDRs' totals.
            expect((up ?? []).reduce((a, v) => a + BigInt(v), 0n)).toBe(upSum);
            expect((down ?? []).reduce((a, v) => a + BigInt(v), 0n)).toBe(downSum);
          }
          expect(requests).toBeGreaterThan(10);
          expect([...truth.keys()].filter((k) => !seen.has(k))).toEqual([]);
          expect(new Set([...truth.values()].map((c) => c[col('recordType')])).size).toBe(5);
        } finally {
          await responder.close();
        }
      },
      60_000,
    );
  }
});
