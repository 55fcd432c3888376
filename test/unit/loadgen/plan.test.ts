import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/cluster/loadgen/histogram.js';
import { Rng } from '../../../src/cluster/loadgen/rng.js';
import {
  drawRecords,
  gsnAddress,
  MAX_GSN_NUMBER,
  planGsns,
  planSessions,
  type MixEntry,
} from '../../../src/cluster/loadgen/gtpp/plan.js';

const MIX: MixEntry[] = [
  { recordType: 'pGWRecord', weight: 60 },
  { recordType: 'ggsnPDPRecord', weight: 20 },
  { recordType: 'sgsnPDPRecord', weight: 10 },
  { recordType: 'sGWRecord', weight: 5 },
  { recordType: 'egsnPDPRecord', weight: 5 },
];

describe('run plan', () => {
  it('ensures GSN i is at 127.0.0.(10+i), continuing past .255, or ::1 for IPv6', () => {
    expect(gsnAddress(0, false)).toBe('127.0.0.10');
    expect(gsnAddress(245, false)).toBe('127.0.0.255');
    expect(gsnAddress(246, false)).toBe('127.0.1.0');
    expect(gsnAddress(3, true)).toBe('::1');
  });

  it('ensures roles follow the mix with every type present when there are enough GSNs', () => {
    const g = planGsns(20, MIX, false);
    const count = (t: string): number => g.filter((x) => x.role === t).length;
    expect([
      count('pGWRecord'),
      count('ggsnPDPRecord'),
      count('sgsnPDPRecord'),
      count('sGWRecord'),
      count('egsnPDPRecord'),
    ]).toEqual([12, 4, 2, 1, 1]);
    expect(g.map((x) => x.index)).toEqual([...Array(20).keys()]);
    expect(g[0]).toEqual({ index: 0, address: '127.0.0.10', role: 'pGWRecord', nodeId: 'PGW-1' });
    for (let n = 1; n <= 40; n++) expect(planGsns(n, MIX, false)).toHaveLength(n);
    expect(planGsns(2, MIX, false).map((x) => x.role)).toEqual(['pGWRecord', 'ggsnPDPRecord']);
    expect(
      planGsns(5, MIX, false)
        .map((x) => x.role)
        .sort(),
    ).toEqual(['egsnPDPRecord', 'ggsnPDPRecord', 'pGWRecord', 'sGWRecord', 'sgsnPDPRecord']);
  });

  it('ensures GSNs numbered from a first number take their addresses and node ids from it, roles as before', () => {
    const g = planGsns(5, MIX, false, 244);
    expect(g.map((x) => x.index)).toEqual([0, 1, 2, 3, 4]);
    expect(g.map((x) => x.address)).toEqual([
      '127.0.0.254',
      '127.0.0.255',
      '127.0.1.0',
      '127.0.1.1',
      '127.0.1.2',
    ]);
    expect(g[0]?.nodeId).toBe('PGW-245');
    expect(g.map((x) => x.role)).toEqual(planGsns(5, MIX, false).map((x) => x.role));
    expect(planGsns(1, MIX, false, MAX_GSN_NUMBER)[0]?.address).toBe('127.0.255.255');
  });

  it('ensures sessions follow the mix among the types that have a GSN, stay on GSNs of their type, and repeat for a seed', () => {
    const gsns = planGsns(10, MIX, false);
    const p = planSessions(gsns, MIX, { kind: 'fixed', n: 2 }, { sessions: 20_000 }, 3);
    expect(p.totalRecords).toBe(40_000);
    const share = (t: string): number => [...p.gsnOf].filter((g) => gsns[g]?.role === t).length / 20_000;
    expect(share('pGWRecord')).toBeCloseTo(0.6, 1);
    expect(share('ggsnPDPRecord')).toBeCloseTo(0.2, 1);
    expect(share('egsnPDPRecord')).toBeCloseTo(0.05, 1);
    expect(new Set(p.gsnOf).size).toBe(10);
    expect(planSessions(gsns, MIX, { kind: 'fixed', n: 2 }, { sessions: 20_000 }, 3).gsnOf).toEqual(p.gsnOf);
    const byRecords = planSessions(gsns, MIX, { kind: 'fixed', n: 3 }, { minRecords: 100 }, 3);
    expect(byRecords.totalRecords).toBe(102);
    expect(byRecords.recordsOf).toHaveLength(34);
  });

  it('ensures records per session are fixed, uniform within bounds, or geometric with the requested mean', () => {
    const rng = new Rng(11);
    expect(drawRecords({ kind: 'fixed', n: 4 }, rng)).toBe(4);
    const u = Array.from({ length: 10_000 }, () => drawRecords({ kind: 'uniform', min: 1, max: 5 }, rng));
    expect(Math.min(...u)).toBe(1);
    expect(Math.max(...u)).toBe(5);
    const g = Array.from({ length: 50_000 }, () => drawRecords({ kind: 'geometric', mean: 3 }, rng));
    expect(Math.min(...g)).toBe(1);
    expect(g.reduce((a, b) => a + b, 0) / g.length).toBeCloseTo(3, 1);
  });
});

describe('latency histogram', () => {
  it('ensures percentiles are within a bucket (5 %) of the true value and the maximum is exact', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10);
    expect(h.count).toBe(1000);
    expect(h.maxMs).toBe(100);
    expect(h.quantile(0.5) / 50).toBeGreaterThanOrEqual(1);
    expect(h.quantile(0.5) / 50).toBeLessThan(1.05);
    expect(h.quantile(0.99) / 99).toBeLessThan(1.05);
    expect(h.quantile(1)).toBe(100);
    expect(h.buckets().reduce((a, b) => a + b.count, 0)).toBe(1000);
    h.reset();
    expect(h.quantile(0.5)).toBe(0);
  });
});
