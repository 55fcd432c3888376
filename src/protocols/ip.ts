/**
 * IP address and CIDR text forms, strict and total: every parser returns `undefined` for text that
 * is not an address (callers word their own errors) and never throws.
 *
 * IPv4: dotted quad only — exactly four decimal octets 0–255, no leading zeros ("01"), no sign, no
 * whitespace, no shorthand ("10.1", "0x0a.0.0.1").
 * IPv6: RFC 4291 §2.2 text forms — eight groups of 1–4 hex digits (either case), one "::" for one or
 * more zero groups, an optional dotted-quad tail for the last 32 bits. Zone ids ("%eth0"), brackets
 * and prefixes are rejected. Output is RFC 5952 canonical.
 */

export interface ParsedIp {
  readonly version: 4 | 6;
  /** The address as an unsigned integer: 32 bits for IPv4, 128 bits for IPv6. */
  readonly value: bigint;
}

export interface Cidr {
  readonly version: 4 | 6;
  /** The network address: the parsed address with its host bits cleared. */
  readonly base: bigint;
  /** Prefix length: 0–32 for IPv4, 0–128 for IPv6. */
  readonly prefix: number;
}

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;
const CHAR_COLON = 58;
/** "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" */
const MAX_IPV6_TEXT = 45;

/** Parses a dotted quad into a uint32 (as a number) without allocating; the hot-path form. */
export function parseIpv4(text: string): number | undefined {
  return parseIpv4Range(text, 0, text.length);
}

function parseIpv4Range(text: string, start: number, end: number): number | undefined {
  const len = end - start;
  if (len < 7 || len > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i <= end; i++) {
    // A virtual "." after the last character closes the fourth octet.
    const c = i < end ? text.charCodeAt(i) : CHAR_DOT;
    if (c >= CHAR_0 && c <= CHAR_9) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - CHAR_0);
      digits++;
      if (octet > 255) return undefined;
    } else if (c === CHAR_DOT) {
      if (digits === 0) return undefined;
      value = value * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? value : undefined;
}

function hexDigit(c: number): number {
  if (c >= CHAR_0 && c <= CHAR_9) return c - CHAR_0;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/**
 * Parses the colon-separated groups in text[start, end) into `out`. An empty range gives no groups.
 * `ipv4Tail` allows the last piece to be a dotted quad (two groups). Returns false when malformed.
 */
function parseGroups(text: string, start: number, end: number, ipv4Tail: boolean, out: number[]): boolean {
  if (start === end) return true;
  let pieceStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== CHAR_COLON) continue;
    const pieceLen = i - pieceStart;
    if (pieceLen === 0) return false;
    if (i === end && ipv4Tail && text.indexOf('.', pieceStart) !== -1) {
      const v4 = parseIpv4Range(text, pieceStart, end);
      if (v4 === undefined) return false;
      out.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
      return true;
    }
    if (pieceLen > 4) return false;
    let group = 0;
    for (let j = pieceStart; j < i; j++) {
      const d = hexDigit(text.charCodeAt(j));
      if (d < 0) return false;
      group = group * 16 + d;
    }
    out.push(group);
    pieceStart = i + 1;
  }
  return true;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > MAX_IPV6_TEXT) return undefined;
  const gap = text.indexOf('::');
  const groups: number[] = [];
  if (gap === -1) {
    if (!parseGroups(text, 0, text.length, true, groups) || groups.length !== 8) return undefined;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return undefined;
    const tail: number[] = [];
    if (!parseGroups(text, 0, gap, false, groups)) return undefined;
    if (!parseGroups(text, gap + 2, text.length, true, tail)) return undefined;
    // "::" stands for at least one zero group.
    if (groups.length + tail.length > 7) return undefined;
    while (groups.length + tail.length < 8) groups.push(0);
    for (const g of tail) groups.push(g);
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/** Parses an IPv4 or IPv6 address; `undefined` when the text is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.indexOf(':') === -1) {
    const v4 = parseIpv4(text);
    return v4 === undefined ? undefined : { version: 4, value: BigInt(v4) };
  }
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

/** Formats a uint32 as a dotted quad. */
export function formatIpv4(value: number): string {
  return `${(value >>> 24) & 0xff}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/**
 * Formats an address: IPv4 as a dotted quad; IPv6 in RFC 5952 canonical form (lowercase, no
 * leading zeros, the longest run of two or more zero groups as "::", the first on ties), with the
 * RFC 5952 §5 mixed notation for IPv4-mapped addresses (`::ffff:192.0.2.1`). Only the low 32 or 128
 * bits of `value` are read; values from parseIp are always in range.
 */
export function formatIp(ip: ParsedIp): string {
  if (ip.version === 4) return formatIpv4(Number(BigInt.asUintN(32, ip.value)));
  const value = BigInt.asUintN(128, ip.value);
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  return formatIpv6Groups(groups);
}

/**
 * Formats the 4 or 16 octets at `offset` of a wire buffer (an address field of a protocol) in the
 * same text forms as {@link formatIp}; the caller has checked that the octets are there.
 */
export function formatIpBytes(buf: Uint8Array, offset: number, length: 4 | 16): string {
  if (length === 4) {
    return `${buf[offset] as number}.${buf[offset + 1] as number}.${buf[offset + 2] as number}.${buf[offset + 3] as number}`;
  }
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++)
    groups[i] = ((buf[offset + 2 * i] as number) << 8) | (buf[offset + 2 * i + 1] as number);
  return formatIpv6Groups(groups);
}

/** The wire octets of an address text: 4 for a dotted quad, 16 for IPv6; `undefined` when not an address. */
export function parseIpBytes(text: string): Uint8Array | undefined {
  const ip = parseIp(text);
  if (ip === undefined) return undefined;
  const n = ip.version === 4 ? 4 : 16;
  const out = new Uint8Array(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function formatIpv6Groups(groups: readonly number[]): string {
  if (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  ) {
    const hi = groups[6] as number;
    const lo = groups[7] as number;
    return `::ffff:${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart === -1) return hexGroups(groups, 0, 8);
  return `${hexGroups(groups, 0, bestStart)}::${hexGroups(groups, bestStart + bestLen, 8)}`;
}

/** Groups `from`..`to` in lowercase hex without leading zeros, joined by colons. */
function hexGroups(groups: readonly number[], from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++)
    s += i === from ? (groups[i] as number).toString(16) : `:${(groups[i] as number).toString(16)}`;
  return s;
}

/** The IPv4-mapped prefix ::ffff:0:0/96, exposed for callers that want to treat mapped addresses as IPv4. */
export function ipv4FromMapped(ip: ParsedIp): ParsedIp | undefined {
  if (ip.version !== 6 || ip.value >> 32n !== 0xffffn) return undefined;
  return { version: 4, value: ip.value & 0xffffffffn };
}

function bitsOf(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

/** The mask of the network bits of a prefix. */
function networkMask(version: 4 | 6, prefix: number): bigint {
  const bits = bitsOf(version);
  return ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

/**
 * Parses `address/prefix` (prefix decimal, no sign or leading zeros, at most 32 or 128). Host bits
 * set in the address are cleared ("10.1.2.3/8" is 10.0.0.0/8). A bare address is a host route
 * (/32 or /128).
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  const bits = bitsOf(ip.version);
  let prefix = bits;
  if (slash !== -1) {
    const digits = text.slice(slash + 1);
    if (digits.length === 0 || digits.length > 3 || (digits.length > 1 && digits.charCodeAt(0) === CHAR_0)) {
      return undefined;
    }
    prefix = 0;
    for (let i = 0; i < digits.length; i++) {
      const c = digits.charCodeAt(i);
      if (c < CHAR_0 || c > CHAR_9) return undefined;
      prefix = prefix * 10 + (c - CHAR_0);
    }
    if (prefix > bits) return undefined;
  }
  return { version: ip.version, base: ip.value & networkMask(ip.version, prefix), prefix };
}

/** Formats a CIDR as `base/prefix` with the base in canonical form. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ version: cidr.version, value: cidr.base })}/${cidr.prefix}`;
}

/** Whether the address lies in the network; always false when the IP versions differ. */
export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.version !== ip.version) return false;
  return (ip.value & networkMask(cidr.version, cidr.prefix)) === cidr.base;
}
