import { describe, expect, it } from 'vitest';
import {
  gsnCdrs,
  peersOf,
  RECORD_CLOSURE,
  runIdentity,
  type GeneratedCdr,
} from '../../../src/cluster/loadgen/gtpp/cdrs.js';
import { planGsns, planSessions, type MixEntry } from '../../../src/cluster/loadgen/gtpp/plan.js';
import { cdrToNar, decodeCdr, encodeCdr } from '../../../src/protocols/cdr/index.js';

const MIX: MixEntry[] = [
  { recordType: 'pGWRecord', weight: 50 },
  { recordType: 'sGWRecord', weight: 15 },
  { recordType: 'ggsnPDPRecord', weight: 15 },
  { recordType: 'egsnPDPRecord', weight: 10 },
  { recordType: 'sgsnPDPRecord', weight: 10 },
];
const NOW = Date.parse('2026-12-04T10:00:00Z');

function generate(seed: number): {
  cdrs: GeneratedCdr[];
  byGsn: GeneratedCdr[][];
  gsnAddresses: Map<string, string>;
} {
  const gsns = planGsns(6, MIX, false);
  const plan = planSessions(gsns, MIX, { kind: 'uniform', min: 1, max: 6 }, { sessions: 400 }, seed);
  const id = runIdentity(seed);
  const peers = peersOf(gsns);
  const byGsn = gsns.map((g) => {
    const mine = [...plan.gsnOf.keys()].filter((s) => plan.gsnOf[s] === g.index);
    return [...gsnCdrs(g, mine, plan, id, peers, NOW, seed)];
  });
  return { cdrs: byGsn.flat(), byGsn, gsnAddresses: new Map(gsns.map((g) => [g.address, g.role])) };
}

function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

describe('generated CDRs', () => {
  const { cdrs, byGsn, gsnAddresses } = generate(5);

  it('ensures record k of n has sequence number k, a partial cause (16/17) before the last and 0 on it, and times that follow on', () => {
    const sessions = new Map<number, GeneratedCdr[]>();
    for (const c of cdrs) sessions.set(c.session, [...(sessions.get(c.session) ?? []), c]);
    expect(sessions.size).toBe(400);
    for (const list of sessions.values()) {
      const n = list.length;
      list.forEach(({ record: r }, i) => {
        expect(r.recordSequenceNumber).toBe(i + 1);
        expect(r.causeForRecClosing).toEqual(i + 1 < n ? expect.toBeOneOf([16, 17]) : 0);
        if (i > 0) {
          const prev = list[i - 1]?.record;
          expect(Date.parse(r.recordOpeningTime as string)).toBe(
            Date.parse(prev?.recordOpeningTime as string) + (prev?.duration as number) * 1000,
          );
        }
        expect(r.recordType).toBe(list[0]?.record.recordType);
      });
      const last = list[n - 1]?.record;
      const end = Date.parse(last?.recordOpeningTime as string) + (last?.duration as number) * 1000;
      expect(end).toBeLessThanOrEqual(NOW);
      expect(NOW - Date.parse(list[0]?.record.recordOpeningTime as string)).toBeLessThan(
        6 * 900_000 + 121_000,
      );
    }
  });

  it('ensures subscriber identities are plausible: 15-digit IMSI of the run home network, MSISDN, IMEI with its Luhn digit', () => {
    const { mccMnc } = runIdentity(5);
    for (const { record: r } of cdrs) {
      expect(r.servedIMSI).toMatch(/^\d{15}$/);
      expect(r.servedIMSI?.startsWith(mccMnc)).toBe(true);
      expect(r.servedMSISDN).toMatch(/^\d{11,12}$/);
      expect(r.servedIMEI).toMatch(/^\d{15}$/);
      expect(luhnOk(r.servedIMEI as string)).toBe(true);
      expect(r.servedPDPAddress).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(r.recordOpeningTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    }
  });

  it('ensures (chargingId, ggsnAddress) is unique per session and S-CDR/SGW records name a simulated GGSN/P-GW', () => {
    const owner = new Map<string, number>();
    for (const { record: r, session } of cdrs) {
      const key = `${r.chargingID}|${r.ggsnAddress}`;
      expect(owner.get(key) ?? session).toBe(session);
      owner.set(key, session);
      const role = gsnAddresses.get(r.ggsnAddress as string);
      expect(['pGWRecord', 'ggsnPDPRecord', 'egsnPDPRecord']).toContain(role);
    }
    expect(owner.size).toBe(400);
  });

  it('ensures 1–3 traffic volume containers, service data on P-GW records only (SGW-CDRs have none), and a local sequence number per GSN', () => {
    for (const list of byGsn) {
      expect(list.map((c) => c.record.localSequenceNumber)).toEqual(list.map((_, i) => i + 1));
      for (const { record: r } of list) {
        expect(r.listOfTrafficVolumes?.length).toBeGreaterThanOrEqual(1);
        expect(r.listOfTrafficVolumes?.length).toBeLessThanOrEqual(3);
        expect(r.listOfServiceData !== undefined).toBe(r.recordType === 'pGWRecord');
        expect(r.nodeID).toMatch(/^(PGW|SGW|GGSN|EGSN|SGSN)-\d+$/);
      }
    }
  });

  it('ensures the mandatory fields of TS 32.298 are filled: servingNodeType on S-GW/P-GW records (one per serving node), the S-GW naming itself and its MME apart, service containers closed with recordClosure', () => {
    for (const list of byGsn) {
      const own = list[0]?.record;
      for (const { record: r } of list) {
        const epc = r.recordType === 'sGWRecord' || r.recordType === 'pGWRecord';
        expect(r.servingNodeType !== undefined).toBe(epc);
        if (epc) expect(r.servingNodeType).toHaveLength(r.sgsnAddress?.length ?? -1);
        if (r.recordType === 'pGWRecord') expect(r.servingNodeType).toEqual([2]); // gTPSGW
        if (r.recordType === 'sGWRecord') {
          expect(r.servingNodeType).toEqual([5]); // mME
          expect(gsnAddresses.get(r.sGWAddress as string)).toBe('sGWRecord');
          expect(r.sGWAddress).toBe(own?.sGWAddress);
          expect(r.sgsnAddress).toHaveLength(1);
          expect(gsnAddresses.has(r.sgsnAddress?.[0] as string)).toBe(false);
        } else {
          expect(r.sGWAddress).toBeUndefined();
        }
        for (const s of r.listOfServiceData ?? []) expect(s.serviceConditionChange).toBe(RECORD_CLOSURE);
      }
    }
    // BIT STRING content: no unused bits, then bit 24 (recordClosure) — the first bit of the fourth octet.
    const octets = Buffer.from(RECORD_CLOSURE, 'hex');
    expect(octets[0]).toBe(0);
    const set = [...octets.subarray(1)].flatMap((o, i) =>
      [0, 1, 2, 3, 4, 5, 6, 7].filter((b) => (o & (0x80 >> b)) !== 0).map((b) => i * 8 + b),
    );
    expect(set).toEqual([24]);
  });

  it('ensures every record survives BER encode/decode with the same NAR (the truth is computed from the record)', () => {
    const types = new Set<string>();
    for (const { record } of cdrs) {
      types.add(record.recordType);
      const back = decodeCdr(encodeCdr(record));
      expect(back).toEqual(record);
      expect(cdrToNar(back)).toEqual(cdrToNar(record));
    }
    expect(types.size).toBe(5);
  });

  it('ensures the same seed gives the same CDRs and another seed different ones', () => {
    const again = generate(5).cdrs;
    expect(again.map((c) => c.record)).toEqual(cdrs.map((c) => c.record));
    expect(generate(6).cdrs.map((c) => c.record.servedIMSI)).not.toEqual(
      cdrs.map((c) => c.record.servedIMSI),
    );
  });
});
