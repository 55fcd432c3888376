/**
 * Benchmark records: 24 attributes shaped like a PGW-CDR summary, deterministic from a record id.
 * The same values serve the chain (as CSV lines the file EI parses back into these types) and the
 * bare-path baseline (as msgpackr batches), so both paths move the same records.
 */
import type { Nar } from '../src/protocols/nar/nar.js';

export type ColumnType = 'string' | 'integer' | 'bigint';

export interface BenchColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** In CSV order. `chargingId` is the record id: unique, so an output row names its input file. */
export const COLUMNS: readonly BenchColumn[] = [
  { name: 'recordType', type: 'string' },
  { name: 'imsi', type: 'string' },
  { name: 'msisdn', type: 'string' },
  { name: 'imei', type: 'string' },
  { name: 'chargingId', type: 'integer' },
  { name: 'ggsnAddress', type: 'string' },
  { name: 'sgsnAddress', type: 'string' },
  { name: 'servedPdpAddress', type: 'string' },
  { name: 'apn', type: 'string' },
  { name: 'recordSequenceNumber', type: 'integer' },
  { name: 'localSequenceNumber', type: 'integer' },
  { name: 'causeForRecClosing', type: 'integer' },
  { name: 'recordOpeningTime', type: 'string' },
  { name: 'duration', type: 'integer' },
  { name: 'uplinkBytes', type: 'bigint' },
  { name: 'downlinkBytes', type: 'bigint' },
  { name: 'nodeId', type: 'string' },
  { name: 'ratType', type: 'integer' },
  { name: 'servingPlmn', type: 'string' },
  { name: 'chargingCharacteristics', type: 'string' },
  { name: 'qci', type: 'integer' },
  { name: 'servingNodeType', type: 'string' },
  { name: 'userLocationInfo', type: 'string' },
  { name: 'pdpPdnType', type: 'string' },
];

/** The attribute the chain's EP sets on every record; the OI writes it after the 24 columns. */
export const EP_ATTRIBUTE = 'zone';

export const CHARGING_ID_COLUMN = COLUMNS.findIndex((c) => c.name === 'chargingId');

const APNS = ['internet', 'ims', 'mms', 'corp.example.mnc001.mcc262.gprs'];
const RAT = [1, 2, 6, 6, 6, 10];
const CAUSES = [0, 4, 16, 17, 18];

/** mulberry32: a small deterministic generator, so every run moves the same bytes. */
function mix(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

function digits(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Record `id` (≥ 1), typed as the file EI produces it from the CSV line. */
export function makeRecord(id: number): Nar {
  const a = mix(id);
  const b = mix(a);
  const c = mix(b);
  const subscriber = a % 2_000_000;
  const opening = Date.UTC(2026, 10, 24, 10, 0, 0) + (id % 86_400) * 1000;
  return {
    recordType: 'pGWRecord',
    imsi: `26201${digits(subscriber, 10)}`,
    msisdn: `4917${digits(subscriber, 8)}`,
    imei: `35${digits(b % 100_000_000, 8)}${digits(c % 1_000_000, 6)}`,
    chargingId: id,
    ggsnAddress: `10.0.${a % 4}.1`,
    sgsnAddress: `10.1.${b % 16}.${c % 250}`,
    servedPdpAddress: `100.${64 + (a % 64)}.${b % 256}.${c % 256}`,
    apn: APNS[a % APNS.length] as string,
    recordSequenceNumber: (b % 8) + 1,
    localSequenceNumber: id,
    causeForRecClosing: CAUSES[c % CAUSES.length] as number,
    recordOpeningTime: new Date(opening).toISOString(),
    duration: b % 3600,
    uplinkBytes: BigInt(a % 5_000_000),
    downlinkBytes: BigInt((b % 20_000_000) + (c % 1000) * 1_000_000),
    nodeId: `pgw-${(a % 8) + 1}`,
    ratType: RAT[b % RAT.length] as number,
    servingPlmn: '26201',
    chargingCharacteristics: '0800',
    qci: (c % 9) + 1,
    servingNodeType: c % 3 === 0 ? 'SGSN' : 'SGW',
    userLocationInfo: `8262f210${(a & 0xffff).toString(16).padStart(4, '0')}62f210${(b & 0xfffffff).toString(16).padStart(7, '0')}`,
    pdpPdnType: a % 5 === 0 ? 'IPv4v6' : 'IPv4',
  };
}

/** The CSV line of a record, in COLUMNS order (no value needs quoting). */
export function csvLine(r: Nar): string {
  let line = '';
  for (let i = 0; i < COLUMNS.length; i++) {
    if (i > 0) line += ',';
    line += String(r[(COLUMNS[i] as BenchColumn).name]);
  }
  return line;
}

export function csvHeader(): string {
  return COLUMNS.map((c) => c.name).join(',');
}
