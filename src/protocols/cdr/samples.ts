/**
 * Representative CDRs, deterministic from their index: the five record types (P-GW twice as
 * often), three traffic-volume containers each, service-data containers on every fourth P-GW CDR,
 * IPv4 and (every seventh) IPv6 addresses. The gateway decodes them to warm its code up before it
 * takes traffic; the benchmarks time the decoder on them.
 */
import type { CdrRecord, CdrRecordType } from './types.js';

const TYPES: readonly CdrRecordType[] = [
  'pGWRecord',
  'pGWRecord',
  'ggsnPDPRecord',
  'sgsnPDPRecord',
  'sGWRecord',
  'egsnPDPRecord',
];

export function sampleCdr(i: number): CdrRecord {
  const recordType = TYPES[i % TYPES.length] as CdrRecordType;
  const epc = recordType === 'pGWRecord' || recordType === 'sGWRecord';
  const v6 = i % 7 === 6;
  const low = `${(i >> 8) & 255}.${i & 255}`;
  return {
    recordType,
    servedIMSI: `26201${String(1_000_000_000 + i)}`,
    servedMSISDN: `49170${String(1_000_000 + i)}`,
    servedIMEI: '3534560123456789',
    chargingID: 100_000 + i,
    ggsnAddress: v6 ? `2001:db8::${(i & 0xffff).toString(16)}` : `10.20.${low}`,
    sgsnAddress: ['10.30.0.7'],
    ...(recordType === 'sGWRecord' ? { sGWAddress: '10.40.0.1' } : {}),
    ...(epc ? { servingNodeType: [2] } : {}),
    accessPointNameNI: 'internet.mnc001.mcc262.gprs',
    servedPDPAddress: v6 ? `2001:db8:1::${(i & 0xffff).toString(16)}` : `100.64.${low}`,
    recordOpeningTime: '2026-12-04T10:15:30+01:00',
    duration: 600 + (i % 3000),
    causeForRecClosing: i % 4 === 0 ? 0 : 16,
    recordSequenceNumber: 1 + (i % 4),
    nodeID: 'GW-FRA-01',
    localSequenceNumber: i,
    chargingCharacteristics: '0800',
    rATType: 6,
    listOfTrafficVolumes: [1, 2, 3].map((k) => ({
      dataVolumeUplink: BigInt(1000 * k + i),
      dataVolumeDownlink: BigInt(50_000 * k + i),
      changeCondition: 2,
      changeTime: '2026-12-04T10:25:30+01:00',
    })),
    ...(recordType === 'pGWRecord' && i % 4 === 0
      ? {
          listOfServiceData: [
            {
              ratingGroup: 10,
              localSequenceNumber: 1,
              timeOfFirstUsage: '2026-12-04T10:15:31+01:00',
              timeOfLastUsage: '2026-12-04T10:24:59+01:00',
              datavolumeFBCUplink: BigInt(700 + i),
              datavolumeFBCDownlink: BigInt(90_000 + i),
            },
          ],
        }
      : {}),
    unknownFields: 0,
  };
}
