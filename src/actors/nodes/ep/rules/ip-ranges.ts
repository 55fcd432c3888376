/**
 * The IP-to-group range table of seed 002: one range per line, `start end group`, separated by
 * white space; start and end inclusive, both IPv4 or both IPv6. `#` starts a comment; blank lines
 * are ignored. Ranges of one version may not overlap, so an address is in at most one range.
 *
 * Lookups are binary searches over ranges sorted by start: IPv4 on Uint32Arrays with the
 * allocation-free `parseIpv4`, IPv6 on bigint arrays. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`) is an IPv6 address here and matches IPv6 ranges only.
 */
import { parseIp, parseIpv4, type ParsedIp } from '../../../../protocols/ip.js';
import { numberedLines, ProblemList } from './problems.js';

export type GroupType = 'integer' | 'string';
export type Group = number | string;

export interface IpRangeTable {
  readonly v4Starts: Uint32Array;
  readonly v4Ends: Uint32Array;
  readonly v4Groups: readonly Group[];
  readonly v6Starts: readonly bigint[];
  readonly v6Ends: readonly bigint[];
  readonly v6Groups: readonly Group[];
}

interface Range {
  readonly line: number;
  readonly text: string;
  readonly version: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
  readonly group: Group;
}

const INTEGER = /^-?\d+$/;
const BLANKS = /\s+/;

function parseGroup(text: string, type: GroupType): Group | undefined {
  if (type === 'string') return text;
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** One line's range, or undefined after recording what is wrong with it. */
function parseLine(line: number, raw: string, type: GroupType, problems: ProblemList): Range | undefined {
  const columns = raw.split(BLANKS);
  if (columns.length !== 3) {
    problems.add(line, `expected 3 columns "start end group", got ${columns.length}`);
    return undefined;
  }
  const [startText, endText, groupText] = columns as [string, string, string];
  const start = parseIp(startText);
  const end = parseIp(endText);
  const group = parseGroup(groupText, type);
  const text = `${startText}–${endText}`;
  if (start === undefined) problems.add(line, `start "${startText}" is not an IPv4 or IPv6 address`);
  if (end === undefined) problems.add(line, `end "${endText}" is not an IPv4 or IPv6 address`);
  if (group === undefined) problems.add(line, `group "${groupText}" is not an integer (type integer)`);
  if (start === undefined || end === undefined || group === undefined) return undefined;
  if (start.version !== end.version) {
    problems.add(line, `range ${text}: start is IPv${start.version}, end is IPv${end.version}`);
    return undefined;
  }
  if (start.value > end.value) {
    problems.add(line, `range ${text}: start after end`);
    return undefined;
  }
  return { line, text, version: start.version, start: start.value, end: end.value, group };
}

/** Reports each range that overlaps one before it in address order, at the later of the two lines. */
function checkOverlaps(ranges: Range[], problems: ProblemList): void {
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.line - b.line));
  let widest: Range | undefined;
  for (const r of ranges) {
    if (widest !== undefined && r.start <= widest.end) {
      const [later, earlier] = r.line > widest.line ? [r, widest] : [widest, r];
      problems.add(later.line, `range ${later.text} overlaps the range on line ${earlier.line}`);
    }
    if (widest === undefined || r.end > widest.end) widest = r;
  }
}

export function parseIpRanges(text: string, file: string, type: GroupType): IpRangeTable {
  const problems = new ProblemList(file);
  const v4: Range[] = [];
  const v6: Range[] = [];
  for (const { line, text: raw } of numberedLines(text)) {
    const hash = raw.indexOf('#');
    const content = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    if (content === '') continue;
    const range = parseLine(line, content, type, problems);
    if (range !== undefined) (range.version === 4 ? v4 : v6).push(range);
  }
  checkOverlaps(v4, problems);
  checkOverlaps(v6, problems);
  problems.throwIfAny();
  return {
    v4Starts: Uint32Array.from(v4, (r) => Number(r.start)),
    v4Ends: Uint32Array.from(v4, (r) => Number(r.end)),
    v4Groups: v4.map((r) => r.group),
    v6Starts: v6.map((r) => r.start),
    v6Ends: v6.map((r) => r.end),
    v6Groups: v6.map((r) => r.group),
  };
}

/** Index of the last start ≤ value, or -1. */
function lastAtOrBelow<T extends number | bigint>(starts: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as T) <= value) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

export function findIpv4Group(table: IpRangeTable, address: number): Group | undefined {
  const i = lastAtOrBelow(table.v4Starts, address);
  return i >= 0 && address <= (table.v4Ends[i] as number) ? table.v4Groups[i] : undefined;
}

export function findIpv6Group(table: IpRangeTable, address: bigint): Group | undefined {
  const i = lastAtOrBelow(table.v6Starts, address);
  return i >= 0 && address <= (table.v6Ends[i] as bigint) ? table.v6Groups[i] : undefined;
}

/** The group of an address given as text; undefined when it is in no range or not an address. */
export function findGroup(table: IpRangeTable, address: string): Group | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return findIpv4Group(table, v4);
  const ip: ParsedIp | undefined = address.indexOf(':') < 0 ? undefined : parseIp(address);
  return ip === undefined ? undefined : findIpv6Group(table, ip.value);
}

/** Number of ranges, for logs. */
export function rangeCount(table: IpRangeTable): number {
  return table.v4Starts.length + table.v6Starts.length;
}
