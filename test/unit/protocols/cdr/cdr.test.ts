/** TS 32.298 CDRs: hand-built vectors, round trips of every record type, unknown tags, errors, NAR mapping. */
import { describe, expect, it } from 'vitest';
import { cdrToNar, decodeCdr, encodeCdr, type CdrRecord } from '../../../../src/protocols/cdr/index.js';
import { DecodeError } from '../../../../src/protocols/errors.js';
import { vector as vectorFile } from '../../../helpers/vectors.js';

const vector = (name: string): Uint8Array => vectorFile(`cdr/${name}`);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof DecodeError) return err.code;
    throw err;
  }
  return 'decoded';
}

const base = {
  servedIMSI: '262011234567890',
  chargingID: 4_000_000_000,
  accessPointNameNI: 'internet.mnc001.mcc262.gprs',
  servedPDPAddress: '100.64.1.2',
  recordOpeningTime: '2026-12-04T23:59:59-03:30',
  duration: 1800,
  causeForRecClosing: 17,
  recordSequenceNumber: 4,
  nodeID: 'node-1',
  localSequenceNumber: 4_294_967_295,
  servedMSISDN: '4917012345678',
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

const records: CdrRecord[] = [
  {
    ...base,
    recordType: 'sgsnPDPRecord',
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
    sgsnAddress: ['192.0.2.10'],
    ggsnAddress: '192.0.2.20',
    pdpType: 'f121',
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

describe('TS 32.298 CDR vectors', () => {
  it('ensures the hand-built G-CDR decodes to its documented values and re-encodes byte for byte', () => {
    const bytes = vector('ggsn-pdp-record.hex');
    const r = decodeCdr(bytes);
    expect(r).toEqual({
      recordType: 'ggsnPDPRecord',
      servedIMSI: '262011234567890',
      ggsnAddress: '10.0.0.1',
      chargingID: 123456789,
      sgsnAddress: ['10.0.1.1'],
      accessPointNameNI: 'internet',
      listOfTrafficVolumes: [
        {
          dataVolumeUplink: 1000n,
          dataVolumeDownlink: 20000n,
          changeCondition: 0,
          changeTime: '2026-12-04T10:15:30+01:00',
        },
      ],
      recordOpeningTime: '2026-12-04T10:00:00+01:00',
      duration: 60,
      causeForRecClosing: 0,
      recordSequenceNumber: 1,
      nodeID: 'GGSN',
      localSequenceNumber: 7,
      servedMSISDN: '49170123456',
      chargingCharacteristics: '0800',
      unknownFields: 0,
    });
    expect(Buffer.from(encodeCdr(r)).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
  });

  it('ensures the indefinite-length PGW-CDR decodes (IPv6, odd IMSI, service data) with its unknown tag counted', () => {
    const r = decodeCdr(vector('pgw-record-indefinite.hex'));
    expect(r).toMatchObject({
      recordType: 'pGWRecord',
      servedIMSI: '310001123456789',
      ggsnAddress: '2001:db8::1',
      chargingID: 16777215,
      sgsnAddress: ['192.0.2.1', '192.0.2.2'],
      accessPointNameNI: 'ims',
      servedPDPAddress: '100.64.0.1',
      recordOpeningTime: '2026-12-04T10:00:00-05:00',
      duration: 288,
      causeForRecClosing: 16,
      recordSequenceNumber: 2,
      rATType: 6,
      unknownFields: 1,
    });
    expect(r.listOfServiceData).toEqual([
      {
        ratingGroup: 10,
        timeOfFirstUsage: '2026-12-04T10:00:05-05:00',
        timeOfLastUsage: '2026-12-04T10:05:00-05:00',
        timeUsage: 299,
        serviceConditionChange: '0700',
        datavolumeFBCUplink: 100000n,
        datavolumeFBCDownlink: 1000000n,
        timeOfReport: '2026-12-04T10:05:00-05:00',
      },
    ]);
    // Re-encoded in the definite form it decodes to the same record (less the unknown tag).
    expect(decodeCdr(encodeCdr(r))).toEqual({ ...r, unknownFields: 0 });
  });
});

describe('TS 32.298 CDR round trips', () => {
  for (const r of records) {
    it(`ensures a full ${r.recordType} round-trips`, () => {
      expect(decodeCdr(encodeCdr(r))).toEqual(r);
    });
  }
});

describe('TS 32.298 CDR errors', () => {
  const good = encodeCdr(records[1] as CdrRecord);
  it('ensures each malformed input is a DecodeError with a code naming the problem', () => {
    expect(codeOf(() => decodeCdr(Uint8Array.from([0x30, 0x00])))).toBe('unsupported_record_type');
    expect(codeOf(() => decodeCdr(good.subarray(0, good.length - 1)))).toBe('length_exceeds_frame');
    expect(codeOf(() => decodeCdr(new Uint8Array([...good, 0])))).toBe('trailing_bytes');
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x03, 0x80, 0x01, 0x55])))).toBe(
      'record_type_mismatch',
    );
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x04, 0x83, 0x02, 0x1a, 0x32])))).toBe(
      'invalid_tbcd',
    );
    expect(
      codeOf(() =>
        decodeCdr(Uint8Array.from([0xb5, 0x0b, 0x8d, 0x09, 0x26, 0x02, 0x30, 0x10, 0, 0, 0x2b, 1, 0])),
      ),
    ).toBe('invalid_timestamp');
    expect(
      codeOf(() =>
        decodeCdr(Uint8Array.from([0xb5, 0x0b, 0x8d, 0x09, 0x26, 0x02, 0x28, 0x10, 0, 0, 0x3d, 1, 0])),
      ),
    ).toBe('invalid_timestamp');
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x05, 0xa4, 0x03, 0x80, 0x01, 0x0a])))).toBe(
      'invalid_address',
    );
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x02, 0x85, 0x00])))).toBe('empty_integer');
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x03, 0x85, 0x01, 0x80])))).toBe('negative_integer');
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x04, 0xa5, 0x02, 0x80, 0x00])))).toBe(
      'unexpected_constructed',
    );
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x04, 0xac, 0x02, 0x04, 0x00])))).toBe(
      'invalid_container',
    );
    // A length that claims 2 GiB inside a few bytes: refused before anything is read.
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x84, 0x80, 0, 0, 0, 0x80])))).toBe(
      'length_exceeds_frame',
    );
  });

  it('ensures nesting and container limits hold before allocation', () => {
    // Indefinite-length values are walked to find their end: 40 levels of them pass the limit.
    let deep: number[] = [0x05, 0x00];
    for (let i = 0; i < 40; i++) deep = [0xa1, 0x80, ...deep, 0x00, 0x00];
    const nested = Uint8Array.from([0xb5, 0x80, ...deep, 0x00, 0x00]);
    expect(codeOf(() => decodeCdr(nested))).toBe('depth_limit');
    const many = encodeCdr({
      ...(records[1] as CdrRecord),
      listOfTrafficVolumes: Array.from({ length: 5 }, () => ({ changeCondition: 1 })),
    });
    expect(codeOf(() => decodeCdr(many, { maxContainers: 4 }))).toBe('container_limit');
    expect(codeOf(() => decodeCdr(many, { maxElements: 10 }))).toBe('element_limit');
  });
});

describe('CDR → NAR', () => {
  it('ensures the documented attributes, volumes summed over containers (service data when there are none)', () => {
    const g = cdrToNar(records[1] as CdrRecord);
    expect(g).toEqual({
      recordType: 'ggsnPDPRecord',
      imsi: '262011234567890',
      msisdn: '4917012345678',
      chargingId: 4_000_000_000,
      ggsnAddress: '10.2.2.2',
      sgsnAddress: '10.1.1.1',
      apn: 'internet.mnc001.mcc262.gprs',
      servedPdpAddress: '100.64.1.2',
      recordSequenceNumber: 4,
      localSequenceNumber: 4_294_967_295,
      causeForRecClosing: 17,
      recordOpeningTime: '2026-12-04T23:59:59-03:30',
      duration: 1800,
      uplinkBytes: 2n ** 40n + 5n,
      downlinkBytes: 7n,
      nodeId: 'node-1',
      ratType: 6,
      chargingCharacteristics: '0400',
      servingNodePlmnId: '26201',
      containers: 2,
    });
    const p = cdrToNar(records[4] as CdrRecord);
    expect([p['uplinkBytes'], p['downlinkBytes'], p['ggsnAddress'], p['containers']]).toEqual([
      3n,
      4n,
      'fe80::1',
      1,
    ]);
    expect(cdrToNar({ recordType: 'sGWRecord', unknownFields: 2 })).toEqual({
      recordType: 'sGWRecord',
      unknownFields: 2,
    });
  });
});
