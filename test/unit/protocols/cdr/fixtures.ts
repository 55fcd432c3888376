/** Shared fixtures of the CDR tests: one full record per type, vector loading, error codes, fields. */
import { BerBudget, CLASS_CONTEXT, readTlv, Tlv } from '../../../../src/protocols/ber/reader.js';
import { concat, tlv } from '../../../../src/protocols/ber/writer.js';
import type { CdrRecord } from '../../../../src/protocols/cdr/index.js';
import { DecodeError } from '../../../../src/protocols/errors.js';
import { vector as vectorFile } from '../../../helpers/vectors.js';

export const vector = (name: string): Uint8Array => vectorFile(`cdr/${name}`);

export function errorOf(f: () => unknown): DecodeError | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  return undefined;
}

export const codeOf = (f: () => unknown): string => errorOf(f)?.code ?? 'decoded';

const base = {
  servedIMSI: '262011234567890',
  chargingID: 4_000_000_000,
  accessPointNameNI: 'internet.mnc001.mcc262.gprs',
  servedPDPAddress: '100.64.1.2',
  recordOpeningTime: '2026-12-04T23:59:59-03:30',
  duration: 1800,
  causeForRecClosing: 17,
  diagnostics: '800124',
  recordSequenceNumber: 4,
  nodeID: 'node-1',
  localSequenceNumber: 4_294_967_295,
  servedMSISDN: '4917012345678',
  apnSelectionMode: 1,
  chargingCharacteristics: '0400',
  rATType: 6,
  unknownFields: 0,
} as const;

const volumes = [
  {
    dataVolumeUplink: 2n ** 40n,
    dataVolumeDownlink: 0n,
    changeCondition: 2,
    changeTime: '2026-12-05T00:10:00-03:30',
  },
  {
    qosNegotiated: '0123',
    dataVolumeUplink: 5n,
    dataVolumeDownlink: 7n,
    changeCondition: 0,
    changeTime: '2026-12-05T00:20:00-03:30',
  },
];

export const records: CdrRecord[] = [
  {
    ...base,
    recordType: 'sgsnPDPRecord',
    pdpType: 'f001',
    servedPDPAddress: '4930123456', // X.121 eTSIAddress
    servedIMEI: '35345601234567',
    sgsnAddress: ['10.1.1.1'],
    ggsnAddress: '10.2.2.2',
    listOfTrafficVolumes: volumes,
    servingNodePLMNIdentifier: '310410',
  },
  {
    ...base,
    recordType: 'ggsnPDPRecord',
    ggsnAddress: '10.2.2.2',
    sgsnAddress: ['10.1.1.1', '2001:db8::5'],
    listOfTrafficVolumes: volumes,
    servingNodePLMNIdentifier: '26201',
    dynamicAddressFlag: true,
  },
  {
    ...base,
    recordType: 'egsnPDPRecord',
    ggsnAddress: '10.2.2.3',
    sgsnAddress: ['10.1.1.1'],
    listOfTrafficVolumes: volumes,
    listOfServiceData: [
      {
        ratingGroup: 100,
        datavolumeFBCUplink: 10n,
        datavolumeFBCDownlink: 20n,
        timeOfReport: '2026-12-05T00:20:00-03:30',
        serviceConditionChange: '0700',
      },
    ],
  },
  {
    ...base,
    recordType: 'sGWRecord',
    sGWAddress: '192.0.2.30',
    sgsnAddress: ['192.0.2.10'],
    servingNodeType: [5],
    servedPDPAddress: '2001:db8:1::/48',
    ggsnAddress: '192.0.2.20',
    pdpType: 'f157',
    listOfTrafficVolumes: volumes,
    servedIMEI: '3534560123456789',
  },
  {
    ...base,
    recordType: 'pGWRecord',
    ggsnAddress: 'fe80::1',
    sgsnAddress: ['192.0.2.10', '192.0.2.11'],
    servingNodeType: [2, 5],
    listOfServiceData: [
      {
        ratingGroup: 1,
        chargingRuleBaseName: 'rb',
        resultCode: 2001,
        localSequenceNumber: 1,
        timeOfFirstUsage: '2026-12-05T00:00:00+00:00',
        timeOfLastUsage: '2026-12-05T00:01:00+00:00',
        timeUsage: 60,
        serviceConditionChange: '0700',
        datavolumeFBCUplink: 3n,
        datavolumeFBCDownlink: 4n,
        timeOfReport: '2026-12-05T00:01:00+00:00',
      },
    ],
  },
];

/** The record in `bytes` with `fields` (whole TLVs) added at the end of its SET. */
export function withFields(bytes: Uint8Array, ...fields: Uint8Array[]): Uint8Array {
  const t = new Tlv();
  readTlv(bytes, 0, bytes.length, t, 0, new BerBudget());
  return tlv(CLASS_CONTEXT, true, t.tag, concat([bytes.subarray(t.contentStart, t.contentEnd), ...fields]));
}

/** The whole TLV of the record field with context tag `tag` in `bytes`. */
export function fieldOf(bytes: Uint8Array, tag: number): Uint8Array {
  const t = new Tlv();
  const f = new Tlv();
  const budget = new BerBudget();
  readTlv(bytes, 0, bytes.length, t, 0, budget);
  for (let p = t.contentStart; p < t.contentEnd; p = f.end) {
    readTlv(bytes, p, t.contentEnd, f, 1, budget);
    if (f.tag === tag) return bytes.slice(f.start, f.end);
  }
  throw new Error(`no field [${tag}]`);
}
