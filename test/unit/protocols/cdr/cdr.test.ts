/** TS 32.298 CDRs: hand-built vectors, round trips of every record type, indefinite lengths, unknown tags. */
import { describe, expect, it } from 'vitest';
import { BerBudget, readTlv, Tlv } from '../../../../src/protocols/ber/reader.js';
import { lengthOctets } from '../../../../src/protocols/ber/writer.js';
import { decodeCdr, encodeCdr, type CdrRecord } from '../../../../src/protocols/cdr/index.js';
import { records, vector } from './fixtures.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The same value with every constructed element in the indefinite-length form. */
function toIndefinite(buf: Uint8Array, pos = 0, limit = buf.length): number[] {
  const out: number[] = [];
  while (pos < limit) {
    const t = new Tlv();
    readTlv(buf, pos, limit, t, 0, new BerBudget());
    const id = [...buf.subarray(t.start, t.start + headerIdLength(buf, t.start))];
    if (t.constructed) out.push(...id, 0x80, ...toIndefinite(buf, t.contentStart, t.contentEnd), 0, 0);
    else
      out.push(
        ...id,
        ...lengthOctets(t.contentEnd - t.contentStart),
        ...buf.subarray(t.contentStart, t.contentEnd),
      );
    pos = t.end;
  }
  return out;
}

function headerIdLength(buf: Uint8Array, at: number): number {
  if (((buf[at] as number) & 0x1f) !== 0x1f) return 1;
  let n = 1;
  while (((buf[at + n] as number) & 0x80) !== 0) n++;
  return n + 1;
}

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

  it('ensures the hand-built S-CDR decodes to its documented values and re-encodes byte for byte', () => {
    const bytes = vector('sgsn-pdp-record.hex');
    const r = decodeCdr(bytes);
    expect(r).toEqual({
      recordType: 'sgsnPDPRecord',
      servedIMSI: '262019876543210',
      servedIMEI: '3534560123456780',
      sgsnAddress: ['10.10.0.1'],
      chargingID: 2882400018,
      ggsnAddress: '10.20.0.1',
      accessPointNameNI: 'web.example',
      pdpType: 'f121',
      servedPDPAddress: '100.70.1.2',
      listOfTrafficVolumes: [
        {
          qosNegotiated: '0b921f9196fefe74fbffff0000',
          dataVolumeUplink: 1500n,
          dataVolumeDownlink: 64000n,
          changeCondition: 2,
          changeTime: '2026-12-04T10:15:30+01:00',
        },
        {
          dataVolumeUplink: 2n ** 32n,
          dataVolumeDownlink: 3n * 2n ** 32n,
          changeCondition: 0,
          changeTime: '2026-12-04T10:20:00+01:00',
        },
      ],
      recordOpeningTime: '2026-12-04T10:00:00+01:00',
      duration: 1200,
      causeForRecClosing: 0,
      diagnostics: '800124',
      recordSequenceNumber: 1,
      nodeID: 'SGSN-01',
      localSequenceNumber: 99,
      apnSelectionMode: 0,
      servedMSISDN: '4915112345678',
      chargingCharacteristics: '0400',
      rATType: 1,
      dynamicAddressFlag: true,
      servingNodePLMNIdentifier: '26201',
      unknownFields: 0,
    });
    expect(hex(encodeCdr(r))).toBe(hex(bytes));
  });

  it('ensures the hand-built eG-CDR decodes its V750 service data, skipping the container fields it does not read', () => {
    const r = decodeCdr(vector('egsn-pdp-record.hex'));
    expect(r).toMatchObject({
      recordType: 'egsnPDPRecord',
      servedIMSI: '234150999999999',
      ggsnAddress: '192.168.50.1',
      chargingID: 1,
      sgsnAddress: ['192.168.60.1'],
      servedPDPAddress: '10.99.0.7',
      recordOpeningTime: '2026-12-31T23:00:00-08:00',
      causeForRecClosing: 18,
      apnSelectionMode: 2,
      servedMSISDN: '447700900123',
      servingNodePLMNIdentifier: '23415',
      servedIMEI: '3534560123456789',
      rATType: 2,
      unknownFields: 0,
    });
    expect(r.listOfServiceData).toEqual([
      {
        ratingGroup: 7,
        chargingRuleBaseName: 'video',
        resultCode: 2001,
        timeUsage: 60,
        serviceConditionChange: '0000800000',
        datavolumeFBCUplink: 5000n,
        datavolumeFBCDownlink: 7000000n,
        timeOfReport: '2026-12-31T23:59:59-08:00',
      },
    ]);
  });

  it('ensures the hand-built SGW-CDR reads text-form and prefixed IPv6 addresses in canonical text', () => {
    const r = decodeCdr(vector('sgw-record.hex'));
    expect(r).toMatchObject({
      recordType: 'sGWRecord',
      servedIMSI: '310410123456789',
      sGWAddress: '198.51.100.4',
      sgsnAddress: ['198.51.100.9', '198.51.100.10'],
      pdpType: 'f157',
      servedPDPAddress: '2001:db8:77::/56',
      recordOpeningTime: '2026-02-28T23:55:00+00:00',
      servingNodePLMNIdentifier: '310410',
      servingNodeType: [5],
      ggsnAddress: '2001:db8::20',
      unknownFields: 0,
    });
    expect(decodeCdr(encodeCdr(r))).toEqual(r);
  });
});

describe('TS 32.298 CDR round trips', () => {
  for (const r of records) {
    it(`ensures a full ${r.recordType} round-trips`, () => {
      expect(decodeCdr(encodeCdr(r))).toEqual(r);
    });
  }

  it('ensures every record in the indefinite-length form decodes to the same record as in the definite form', () => {
    const names = ['ggsn-pdp-record.hex', 'sgsn-pdp-record.hex', 'egsn-pdp-record.hex', 'sgw-record.hex'];
    const inputs = [...names.map(vector), ...records.map(encodeCdr)];
    for (const definite of inputs) {
      const indefinite = Uint8Array.from(toIndefinite(definite));
      expect(indefinite.length).toBeGreaterThan(definite.length);
      expect(decodeCdr(indefinite)).toEqual(decodeCdr(definite));
    }
  });

  it('ensures unknown context tags are skipped and counted, and known ones a record type does not read are not counted', () => {
    const r = records[4] as CdrRecord;
    const bytes = encodeCdr(r);
    // Append [100] (unknown to the PGW-CDR), an application-class element, and [32] (userLocationInformation, known).
    const extra = [0x9f, 0x64, 0x01, 0x00, 0x41, 0x00, 0x9f, 0x20, 0x02, 0x01, 0x02];
    const body = [...bytes.subarray(headerLength(bytes))];
    const content = [...body, ...extra];
    const patched = Uint8Array.from([0xbf, 0x4f, ...lengthOctets(content.length), ...content]);
    expect(decodeCdr(patched)).toEqual({ ...r, unknownFields: 2 });
  });
});

function headerLength(b: Uint8Array): number {
  const id = headerIdLength(b, 0);
  const first = b[id] as number;
  return id + 1 + (first < 0x80 ? 0 : first & 0x7f);
}
