/**
 * Seeded property: any range-table text either throws RulesFileError or parses into a valid table —
 * ranges sorted, start ≤ end, no overlaps within a version — whose binary search agrees with a
 * linear scan of the same ranges for random addresses.
 */
import { describe, expect, it } from 'vitest';
import {
  findIpv4Group,
  findIpv6Group,
  parseIpRanges,
  type IpRangeTable,
} from '../../src/actors/nodes/ep/rules/ip-ranges.js';
import { RulesFileError } from '../../src/actors/nodes/rules-errors.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const GARBAGE = [
  '',
  'x',
  '#',
  '1.2.3',
  '1.2.3.4.5',
  '::1::',
  '256.0.0.1',
  '-1',
  '1.5',
  ':::',
  '01.2.3.4',
  '\t',
  'é',
];

function check(table: IpRangeTable, rnd: () => number, context: string): void {
  const v4 = Array.from(table.v4Starts, (s, i) => ({
    s,
    e: table.v4Ends[i] as number,
    g: table.v4Groups[i],
  }));
  const v6 = table.v6Starts.map((s, i) => ({ s, e: table.v6Ends[i] as bigint, g: table.v6Groups[i] }));
  for (const list of [v4, v6] as Array<Array<{ s: number | bigint; e: number | bigint }>>) {
    list.forEach((r, i) => {
      expect(r.s <= r.e, `${context}: start ≤ end`).toBe(true);
      const next = list[i + 1];
      if (next !== undefined) expect(r.e < next.s, `${context}: sorted, no overlap`).toBe(true);
    });
  }
  for (let k = 0; k < 20; k++) {
    const a = Math.floor(rnd() * 64) + (rnd() < 0.5 ? 0 : 0x0a000000);
    expect(findIpv4Group(table, a), `${context}: v4 ${a}`).toBe(v4.find((r) => a >= r.s && a <= r.e)?.g);
    const b = BigInt(Math.floor(rnd() * 64));
    expect(findIpv6Group(table, b), `${context}: v6 ${b}`).toBe(v6.find((r) => b >= r.s && b <= r.e)?.g);
  }
  for (const r of v4) expect(findIpv4Group(table, r.s), context).toBe(r.g);
}

function address(rnd: () => number): string {
  const pick = rnd();
  const n = Math.floor(rnd() * 64);
  if (pick < 0.45) return `${rnd() < 0.5 ? 0 : 10}.0.0.${n}`;
  if (pick < 0.85) return `::${n.toString(16)}`;
  return GARBAGE[Math.floor(rnd() * GARBAGE.length)] as string;
}

describe(`ip-ranges fuzz (seed ${SEED})`, () => {
  it('ensures random tables throw only RulesFileError or give a valid table that searches like a scan', () => {
    const rnd = prng(SEED);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const lines: string[] = [];
      const count = Math.floor(rnd() * 6);
      for (let j = 0; j < count; j++) {
        const columns = [address(rnd), address(rnd), String(Math.floor(rnd() * 9))];
        if (rnd() < 0.1) columns.pop();
        if (rnd() < 0.05) columns.push('extra');
        lines.push(columns.join(rnd() < 0.5 ? '\t' : '  ') + (rnd() < 0.1 ? ' # note' : ''));
      }
      const text = lines.join(rnd() < 0.8 ? '\n' : '\r\n');
      const type = rnd() < 0.8 ? 'integer' : 'string';
      let table: IpRangeTable;
      try {
        table = parseIpRanges(text, 't', type);
      } catch (err) {
        if (!(err instanceof RulesFileError))
          throw new Error(`seed ${SEED} text ${JSON.stringify(text)}: ${String(err)}`, { cause: err });
        continue;
      }
      accepted++;
      check(table, rnd, `seed ${SEED} text ${JSON.stringify(text)}`);
    }
    expect(accepted, `seed ${SEED}: some tables should be valid`).toBeGreaterThan(100);
  });
});
