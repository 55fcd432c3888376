/**
 * The hand-built CDR vectors against an independent decoder: Wireshark's gprscdr dissector (tshark),
 * fed the records inside GTP' Data Record Transfer Requests. Skipped where tshark is not installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_TSHARK, requireTshark, TSHARK } from '../../../helpers/tshark.js';
import { decodeCdr, type CdrRecord } from '../../../../src/protocols/cdr/index.js';
import { TABLE_BY_NAME } from '../../../../src/protocols/cdr/tables.js';
import { encodeFrame } from '../../../../src/protocols/gtpp/encode.js';
import { encodePcapHeader, PcapUdpEncoder } from '../../../../src/protocols/pcap/writer.js';
import { vector } from '../../../helpers/vectors.js';

const VECTORS = [
  'ggsn-pdp-record.hex',
  'pgw-record-indefinite.hex',
  'sgsn-pdp-record.hex',
  'egsn-pdp-record.hex',
  'sgw-record.hex',
];
const FIELDS = [
  'gprscdr.GPRSRecord',
  'gprscdr.recordType',
  'e212.imsi',
  'gprscdr.chargingID',
  'gprscdr.accessPointNameNI',
  'gprscdr.nodeID',
  'gprscdr.duration',
  'gprscdr.causeForRecClosing',
  'gprscdr.iPBinV4Address',
  'gprscdr.iPBinV6Address',
  'gprscdr.iPTextV4Address',
  'gprscdr.ratingGroup',
];

/** What tshark should show for a record narflow decoded, in the order of FIELDS. */
function expected(r: CdrRecord): string[] {
  const table = TABLE_BY_NAME.get(r.recordType);
  const addresses = [
    r.ggsnAddress,
    r.sGWAddress,
    ...(r.sgsnAddress ?? []),
    r.servedPDPAddress?.split('/')[0],
  ];
  const v4 = addresses.filter((a): a is string => a !== undefined && a.includes('.'));
  const v6 = addresses.filter((a): a is string => a !== undefined && a.includes(':'));
  return [
    String(table?.tag),
    String(table?.recordTypeValue),
    r.servedIMSI ?? '',
    String(r.chargingID ?? ''),
    r.accessPointNameNI ?? '',
    r.nodeID ?? '',
    String(r.duration ?? ''),
    String(r.causeForRecClosing ?? ''),
    v4.sort().join(','),
    v6.sort().join(','),
    '',
    (r.listOfServiceData ?? []).map((s) => String(s.ratingGroup)).join(','),
  ];
}

describe('CDR vectors against tshark', () => {
  requireTshark('the CDR vectors against Wireshark');

  it.skipIf(!HAVE_TSHARK)('ensures Wireshark decodes each vector to the values narflow decodes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'narflow-cdr-'));
    try {
      const enc = new PcapUdpEncoder();
      const frames = VECTORS.map((name, i) =>
        enc.encode({
          timestampUs: 1_700_000_000_000_000 + i,
          source: { address: '127.0.0.10', port: 40000 },
          destination: { address: '127.0.0.1', port: 3386 },
          payload: encodeFrame({
            version: 2,
            longHeader: false,
            sequence: i + 1,
            message: {
              type: 'data-record-transfer-request',
              command: 1,
              packet: {
                format: 1,
                formatVersion: { application: 1, release: 8, version: 1 },
                records: [vector(`cdr/${name}`)],
              },
            },
          }),
        }),
      );
      const file = join(dir, 'cdrs.pcap');
      writeFileSync(file, Buffer.concat([encodePcapHeader(), ...frames]));
      const args = ['-r', file, '-d', 'udp.port==3386,gtpprime', '-T', 'fields', '-E', 'occurrence=a'];
      for (const f of FIELDS) args.push('-e', f);
      const out = execFileSync(TSHARK, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const rows = out
        .replace(/\n$/, '')
        .split('\n')
        .map((line) =>
          line.split('\t').map((cell, i) =>
            // Address columns in sorted order; the text-form address is folded into the IPv4 list.
            i === 8 || i === 9 ? cell.split(',').filter(Boolean).sort().join(',') : cell,
          ),
        );
      const got = rows.map((row) => {
        const text = row[10] ?? '';
        if (text === '') return row;
        const v4 = [...(row[8] ?? '').split(','), ...text.split(',')].filter(Boolean).sort().join(',');
        return [...row.slice(0, 8), v4, row[9] ?? '', '', ...row.slice(11)];
      });
      expect(got).toEqual(VECTORS.map((name) => expected(decodeCdr(vector(`cdr/${name}`)))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
