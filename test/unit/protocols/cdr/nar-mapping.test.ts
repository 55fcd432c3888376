/** CdrRecord → NAR: the documented attribute names, volumes summed over containers, absent stays absent. */
import { describe, expect, it } from 'vitest';
import {
  cdrToNar,
  decodeCdr,
  decodeCdrToNar,
  encodeCdr,
  type CdrRecord,
} from '../../../../src/protocols/cdr/index.js';
import { DecodeError } from '../../../../src/protocols/errors.js';
import { ATTRIBUTES } from '../../../../src/protocols/nar/nar.js';
import { records } from './fixtures.js';

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
      apnSelectionMode: 1,
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

describe('CDR → NAR attributes', () => {
  it('ensures every attribute the mapping emits is in the shared dictionary with a matching type', () => {
    const seen = new Map<string, string>();
    for (const r of records) {
      for (const [k, v] of Object.entries(cdrToNar({ ...r, unknownFields: 3 }))) seen.set(k, typeof v);
    }
    const jsType = {
      string: 'string',
      ip: 'string',
      timestamp: 'string',
      integer: 'number',
      bigint: 'bigint',
    };
    for (const [name, type] of seen) {
      const def = ATTRIBUTES[name];
      expect(def, name).toBeDefined();
      expect(type, name).toBe(jsType[def?.type as keyof typeof jsType]);
    }
    expect([...seen.keys()].sort()).toContain('unknownFields');
  });

  it('ensures the serving-node address is the first of the list and only IP PDP addresses reach the NAR', () => {
    const sgw = cdrToNar(records[3] as CdrRecord);
    expect([sgw['sgsnAddress'], sgw['ggsnAddress'], sgw['servedPdpAddress']]).toEqual([
      '192.0.2.10',
      '192.0.2.20',
      '2001:db8:1::',
    ]);
    const sgsn = cdrToNar(records[0] as CdrRecord);
    expect(sgsn['servedPdpAddress']).toBeUndefined();
    expect('servedPdpAddress' in sgsn).toBe(false);
  });

  it('ensures decodeCdrToNar gives the NAR of the whole record, and still refuses a CDR whose unkept fields are malformed', () => {
    for (const r of records) {
      const bytes = encodeCdr(r);
      expect(decodeCdrToNar(bytes)).toEqual(cdrToNar(decodeCdr(bytes)));
    }
    // A traffic-volume container whose changeTime (not in the NAR) has month 13.
    const bad = encodeCdr({
      ...(records[1] as CdrRecord),
      listOfTrafficVolumes: [{ dataVolumeUplink: 1n, changeTime: '2026-12-04T10:00:00+01:00' }],
    });
    const month = Buffer.from(bad).indexOf(Buffer.from([0x26, 0x12, 0x04, 0x10]));
    expect(month).toBeGreaterThan(0);
    bad[month + 1] = 0x13;
    const error = (run: () => unknown): string => {
      try {
        run();
      } catch (err) {
        if (err instanceof DecodeError) return `${err.code} ${String(err.context['field'])}: ${err.message}`;
        throw err;
      }
      return 'decoded';
    };
    expect(error(() => decodeCdrToNar(bad))).toBe(error(() => decodeCdr(bad)));
    expect(error(() => decodeCdrToNar(bad))).toMatch(/^invalid_timestamp listOfTrafficVolumes.changeTime/);
  });
});
