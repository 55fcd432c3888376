import { describe, expect, it } from 'vitest';
import {
  checkAccountingRequest,
  decodeAccountingRequest,
  type AccountingRequest,
} from '../../../../src/protocols/radius/index.js';
import { laneIdentifiers, nasAddress, planSessions } from '../../../../src/cluster/loadgen/radius/plan.js';
import { prepareRun, releaseOrder, requestBytes } from '../../../../src/cluster/loadgen/radius/prepare.js';

const SECRET = 'narflow-demo-secret';
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);

describe('loadgen radius session plan', () => {
  it('ensures NAS addresses start at 127.0.0.10 and continue into 127.0.1.x', () => {
    expect(nasAddress(0)).toBe('127.0.0.10');
    expect(nasAddress(245)).toBe('127.0.0.255');
    expect(nasAddress(246)).toBe('127.0.1.0');
  });

  it('ensures sessions go to the NASes round robin with interims in range, up to a count of sessions or of records', () => {
    const p = planSessions(3, { min: 1, max: 4 }, { sessions: 300 }, 7);
    expect(p.nasOf.length).toBe(300);
    expect([...p.nasOf.slice(0, 6)]).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Math.min(...p.interimsOf)).toBe(1);
    expect(Math.max(...p.interimsOf)).toBe(4);
    expect(p.totalRecords).toBe([...p.interimsOf].reduce((n, k) => n + k + 2, 0));
    const q = planSessions(2, { min: 0, max: 0 }, { minRecords: 11 }, 7);
    expect(q.nasOf.length).toBe(6);
    expect(q.totalRecords).toBe(12);
    expect(planSessions(3, { min: 1, max: 4 }, { sessions: 300 }, 7)).toEqual(p);
  });

  it('ensures lanes own disjoint Identifiers, at least two each, covering what the window leaves', () => {
    for (const w of [1, 3, 32, 100, 128]) {
      const all = Array.from({ length: w }, (_, l) => laneIdentifiers(l, w));
      for (const ids of all) expect(ids.length).toBeGreaterThanOrEqual(2);
      const flat = all.flat();
      expect(new Set(flat).size).toBe(flat.length);
      expect(Math.max(...flat)).toBeLessThan(256);
    }
    expect(laneIdentifiers(5, 100)).toEqual([5, 105, 205]);
    expect(() => laneIdentifiers(0, 129)).toThrow(RangeError);
  });

  it('ensures the release order spreads each NAS evenly over the run', () => {
    const order = [...releaseOrder([4, 2])];
    expect(order).toEqual([0, 1, 0, 0, 1, 0]);
    expect(releaseOrder([3, 0, 3]).length).toBe(6);
  });
});

describe('loadgen radius prepared requests', () => {
  const run = prepareRun({
    nases: 2,
    interims: { min: 0, max: 3 },
    limit: { sessions: 400 },
    window: 4,
    dupRate: 0.2,
    secret: SECRET,
    seed: 3,
    nowMs: NOW,
  });
  const decoded: AccountingRequest[] = Array.from({ length: run.totalRequests }, (_, r) =>
    decodeAccountingRequest(requestBytes(run, r), { secret: SECRET }),
  );

  it('ensures every request is a signed Accounting-Request from its NAS', () => {
    for (let r = 0; r < run.totalRequests; r++) {
      expect(checkAccountingRequest(requestBytes(run, r), SECRET)).toBe('ok');
      const nas = Math.floor((run.reqLane[r] as number) / run.window);
      expect(decoded[r]?.nasIpAddress).toBe(nasAddress(nas));
      expect(decoded[r]?.ggsnAddress).toBe(nasAddress(nas));
    }
    expect(run.totalRequests).toBe(run.recordLine.length + run.duplicates);
    expect(run.duplicates).toBeGreaterThan(100);
  });

  it('ensures a lane sends each session Start, interims, Stop in order, with Event-Timestamps and usage increasing', () => {
    const bySession = new Map<string, AccountingRequest[]>();
    for (let lane = 0; lane < run.laneFirst.length; lane++) {
      const first = run.laneFirst[lane] as number;
      for (let r = first; r < first + (run.laneCount[lane] as number); r++) {
        if (run.reqDup[r] === 1) continue;
        const d = decoded[r] as AccountingRequest;
        const list = bySession.get(d.acctSessionId as string) ?? [];
        list.push(d);
        bySession.set(d.acctSessionId as string, list);
      }
    }
    expect(bySession.size).toBe(400);
    let gigawords = 0;
    for (const list of bySession.values()) {
      const status = list.map((d) => d.acctStatusTypeName);
      expect(status[0]).toBe('Start');
      expect(status[status.length - 1]).toBe('Stop');
      expect(status.slice(1, -1).every((s) => s === 'Interim-Update')).toBe(true);
      const times = list.map((d) => Date.parse(d.eventTimestamp as string));
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
      expect(times[times.length - 1]).toBeLessThan(NOW);
      expect(list[0]?.inputOctets).toBeUndefined();
      const stop = list[list.length - 1] as AccountingRequest;
      expect(stop.terminateCauseName).toBeDefined();
      expect(stop.sessionTime).toBe((times[times.length - 1]! - times[0]!) / 1000);
      for (let i = 2; i < list.length; i++)
        expect(list[i]!.outputOctets! >= list[i - 1]!.outputOctets!).toBe(true);
      expect(stop.imsi).toMatch(/^26201\d{10}$/);
      expect(stop.chargingId).toBeGreaterThan(0);
      if ((stop.outputOctets as bigint) >= 1n << 32n) gigawords++;
    }
    expect(gigawords).toBeGreaterThan(0);
  });

  it('ensures consecutive requests of a lane have different Identifiers and lanes of a NAS share none', () => {
    for (let nas = 0; nas < 2; nas++) {
      const owner = new Map<number, number>();
      for (let l = 0; l < run.window; l++) {
        const lane = nas * run.window + l;
        const first = run.laneFirst[lane] as number;
        for (let r = first; r < first + (run.laneCount[lane] as number); r++) {
          const id = decoded[r]!.identifier;
          expect(owner.get(id) ?? lane).toBe(lane);
          owner.set(id, lane);
          if (r > first) expect(id).not.toBe(decoded[r - 1]!.identifier);
        }
      }
    }
  });

  it('ensures a re-sent record follows its original with a new Identifier and a grown Acct-Delay-Time only', () => {
    let seen = 0;
    for (let r = 0; r < run.totalRequests; r++) {
      if (run.reqDup[r] !== 1) continue;
      seen++;
      const dup = decoded[r] as AccountingRequest;
      const orig = decoded[r - 1] as AccountingRequest;
      expect(run.reqRecord[r]).toBe(run.reqRecord[r - 1]);
      expect(dup.identifier).not.toBe(orig.identifier);
      expect(orig.acctDelayTime).toBe(0);
      expect(dup.acctDelayTime).toBeGreaterThanOrEqual(2);
      const strip = (d: AccountingRequest) => ({
        ...d,
        identifier: 0,
        authenticator: undefined,
        acctDelayTime: 0,
        packet: undefined,
      });
      expect(strip(dup)).toEqual(strip(orig));
    }
    expect(seen).toBe(run.duplicates);
  });

  it('ensures the same seed and clock give the same requests', () => {
    const again = prepareRun({
      nases: 2,
      interims: { min: 0, max: 3 },
      limit: { sessions: 400 },
      window: 4,
      dupRate: 0.2,
      secret: SECRET,
      seed: 3,
      nowMs: NOW,
    });
    expect(Buffer.from(again.pool).equals(Buffer.from(run.pool))).toBe(true);
    expect(again.recordLine).toEqual(run.recordLine);
  });
});
