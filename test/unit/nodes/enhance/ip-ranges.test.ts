import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS } from '../../../../src/actors/nodes/ep/rules/problems.js';
import { findGroup, parseIpRanges, rangeCount } from '../../../../src/actors/nodes/ep/rules/ip-ranges.js';
import { RulesFileError } from '../../../../src/actors/nodes/rules-errors.js';
import { SEED_TABLE } from './harness.js';

function problems(text: string, type: 'integer' | 'string' = 'integer'): string[] {
  try {
    parseIpRanges(text, 'ipgroups.txt', type);
  } catch (err) {
    if (err instanceof RulesFileError) return err.message.split('\n');
    throw err;
  }
  throw new Error('the table was accepted');
}

describe('IP-to-group range table (seed 002 format)', () => {
  it("ensures the seed's table maps addresses to its groups, ends inclusive", () => {
    const table = parseIpRanges(SEED_TABLE, 'ipgroups.txt', 'integer');
    expect(rangeCount(table)).toBe(4);
    const cases: Array<[string, number | undefined]> = [
      ['192.235.34.0', undefined],
      ['192.235.34.1', 1],
      ['192.235.34.5', 1],
      ['192.235.34.10', 1],
      ['192.235.34.11', 2],
      ['192.235.34.20', 2],
      ['192.235.34.21', 4],
      ['192.235.34.40', 4],
      ['192.235.34.41', 6],
      ['192.235.35.200', 6],
      ['192.235.37.60', 6],
      ['192.235.37.61', undefined],
      ['0.0.0.0', undefined],
      ['255.255.255.255', undefined],
      ['::ffff:192.235.34.5', undefined],
      ['not an address', undefined],
      ['', undefined],
    ];
    for (const [address, group] of cases) expect(findGroup(table, address), address).toBe(group);
  });

  it('ensures IPv6 ranges are searched apart from IPv4 ones, with comments and blank lines ignored', () => {
    const table = parseIpRanges(
      [
        '# operator ranges',
        '2001:db8::        2001:db8::ffff        10   # first',
        '',
        '2001:db8:1::      2001:db8:1:ffff:ffff:ffff:ffff:ffff  11',
        '10.0.0.0 10.255.255.255 12',
        '::ffff:192.235.34.0 ::ffff:192.235.34.255 13',
      ].join('\r\n'),
      't',
      'integer',
    );
    expect(rangeCount(table)).toBe(4);
    expect(findGroup(table, '2001:db8::1')).toBe(10);
    expect(findGroup(table, '2001:DB8::FFFF')).toBe(10);
    expect(findGroup(table, '2001:db8::1:0')).toBeUndefined();
    expect(findGroup(table, '2001:db8:1:abcd::')).toBe(11);
    expect(findGroup(table, '2001:db8:2::')).toBeUndefined();
    expect(findGroup(table, '10.20.30.40')).toBe(12);
    expect(findGroup(table, '::ffff:192.235.34.7')).toBe(13);
    expect(findGroup(table, '192.235.34.7')).toBeUndefined();
  });

  it('ensures string groups are kept as written and an empty table finds nothing', () => {
    const table = parseIpRanges('1.0.0.0 1.0.0.255 gold\n', 't', 'string');
    expect(findGroup(table, '1.0.0.9')).toBe('gold');
    expect(findGroup(parseIpRanges('# none yet\n\n', 't', 'integer'), '1.0.0.9')).toBeUndefined();
  });

  it('ensures an inverted range is reported with file, line and both ends', () => {
    expect(problems('192.235.34.1 192.235.34.10 1\n\n192.235.34.15\t192.235.34.12\t2\n')).toEqual([
      'ipgroups.txt:3: range 192.235.34.15–192.235.34.12: start after end',
    ]);
  });

  it('ensures overlapping ranges are reported at the later line, naming the earlier one', () => {
    expect(
      problems(
        [
          '10.0.0.0 10.0.0.255 1',
          '10.0.1.0 10.0.1.255 2',
          '20.0.0.0 20.0.0.9 3',
          '10.0.1.255 10.0.2.0 4',
          '9.0.0.0 10.0.0.0 5',
          '2001:db8:: 2001:db8::ff 6',
          '2001:db8::80 2001:db8::100 7',
        ].join('\n'),
      ),
    ).toEqual([
      'ipgroups.txt:4: range 10.0.1.255–10.0.2.0 overlaps the range on line 2',
      'ipgroups.txt:5: range 9.0.0.0–10.0.0.0 overlaps the range on line 1',
      'ipgroups.txt:7: range 2001:db8::80–2001:db8::100 overlaps the range on line 6',
    ]);
  });

  it('ensures a range inside a wide one is an overlap even when a range between them does not overlap', () => {
    expect(problems('10.0.0.0 10.255.255.255 1\n10.1.0.0 10.1.0.9 2\n10.2.0.0 10.2.0.9 3\n')).toEqual([
      'ipgroups.txt:2: range 10.1.0.0–10.1.0.9 overlaps the range on line 1',
      'ipgroups.txt:3: range 10.2.0.0–10.2.0.9 overlaps the range on line 1',
    ]);
  });

  it('ensures equal IPv4 and IPv6 values do not overlap each other', () => {
    expect(() => parseIpRanges('0.0.0.1 0.0.0.9 1\n::1 ::9 2\n', 't', 'integer')).not.toThrow();
  });

  it('ensures bad addresses, mixed versions, wrong column counts and non-integer groups are all reported', () => {
    expect(
      problems(
        [
          '192.235.34.300 192.235.34.310 1',
          '192.235.34.1 2001:db8::1 2',
          '192.235.34.1 192.235.34.9',
          '192.235.34.1 192.235.34.9 3 extra',
          '192.235.35.1 192.235.35.9 three',
          '192.235.36.1 192.235.36.9 9007199254740993',
          '010.0.0.1 10.0.0.9 4',
          '10.0.0.1 10.0.0.9 1.5',
        ].join('\n'),
      ),
    ).toEqual([
      'ipgroups.txt:1: start "192.235.34.300" is not an IPv4 or IPv6 address',
      'ipgroups.txt:1: end "192.235.34.310" is not an IPv4 or IPv6 address',
      'ipgroups.txt:2: range 192.235.34.1–2001:db8::1: start is IPv4, end is IPv6',
      'ipgroups.txt:3: expected 3 columns "start end group", got 2',
      'ipgroups.txt:4: expected 3 columns "start end group", got 4',
      'ipgroups.txt:5: group "three" is not an integer (type integer)',
      'ipgroups.txt:6: group "9007199254740993" is not an integer (type integer)',
      'ipgroups.txt:7: start "010.0.0.1" is not an IPv4 or IPv6 address',
      'ipgroups.txt:8: group "1.5" is not an integer (type integer)',
    ]);
  });

  it('ensures a non-integer group is accepted when the type is string', () => {
    expect(findGroup(parseIpRanges('10.0.0.1 10.0.0.9 three\n', 't', 'string'), '10.0.0.2')).toBe('three');
  });

  it('ensures a file of garbage reports at most the cap and says how many more', () => {
    const lines = problems('x\n'.repeat(MAX_PROBLEMS + 5));
    expect(lines).toHaveLength(MAX_PROBLEMS + 1);
    expect(lines[MAX_PROBLEMS]).toBe('ipgroups.txt: and 5 more problems');
  });

  it('ensures lookups in a large table find every range by binary search', () => {
    const rows: string[] = [];
    for (let i = 0; i < 5000; i++) rows.push(`10.${i >> 8}.${i & 255}.0 10.${i >> 8}.${i & 255}.127 ${i}`);
    const table = parseIpRanges(rows.reverse().join('\n'), 't', 'integer');
    for (let i = 0; i < 5000; i += 7) {
      expect(findGroup(table, `10.${i >> 8}.${i & 255}.64`)).toBe(i);
      expect(findGroup(table, `10.${i >> 8}.${i & 255}.128`)).toBeUndefined();
    }
  });
});
