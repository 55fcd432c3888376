/**
 * A set of CIDR networks answering "is this address in any of them" in time bounded by the number
 * of distinct prefix lengths (≤ 33 for IPv4, ≤ 129 for IPv6), not by the number of networks: the
 * networks are grouped by prefix length, each group a Set of network keys (the address shifted
 * right by its host bits). IPv4 lookups use numbers only, no bigint.
 */
import { parseIp, parseIpv4, type Cidr, type ParsedIp } from '../../protocols/ip.js';

interface Ipv4Group {
  /** Host bits: 32 − prefix. */
  readonly shift: number;
  readonly keys: Set<number>;
}

interface Ipv6Group {
  readonly shift: bigint;
  readonly keys: Set<bigint>;
}

function ipv4Key(value: number, shift: number): number {
  // `>>> 32` is `>>> 0` in JavaScript, so a /0 network needs its own case.
  return shift === 32 ? 0 : value >>> shift;
}

export class CidrSet {
  readonly #v4: Ipv4Group[] = [];
  readonly #v6: Ipv6Group[] = [];

  constructor(cidrs: Iterable<Cidr>) {
    const v4 = new Map<number, Set<number>>();
    const v6 = new Map<number, Set<bigint>>();
    for (const c of cidrs) {
      if (c.version === 4) {
        const shift = 32 - c.prefix;
        let keys = v4.get(shift);
        if (keys === undefined) v4.set(shift, (keys = new Set()));
        keys.add(ipv4Key(Number(c.base), shift));
      } else {
        let keys = v6.get(c.prefix);
        if (keys === undefined) v6.set(c.prefix, (keys = new Set()));
        keys.add(c.base >> BigInt(128 - c.prefix));
      }
    }
    // Shortest prefixes first: broad networks usually match most addresses.
    for (const [shift, keys] of [...v4].sort((a, b) => b[0] - a[0])) this.#v4.push({ shift, keys });
    for (const [prefix, keys] of [...v6].sort((a, b) => a[0] - b[0])) {
      this.#v6.push({ shift: BigInt(128 - prefix), keys });
    }
  }

  /** Whether the IPv4 address (uint32 as a number) is in one of the IPv4 networks. */
  containsIpv4(value: number): boolean {
    for (const g of this.#v4) if (g.keys.has(ipv4Key(value, g.shift))) return true;
    return false;
  }

  /** Whether the address is in one of the networks of its own version. */
  contains(ip: ParsedIp): boolean {
    if (ip.version === 4) return this.containsIpv4(Number(ip.value));
    for (const g of this.#v6) if (g.keys.has(ip.value >> g.shift)) return true;
    return false;
  }

  /** Whether the text is an address in one of the networks; false for text that is not an address. */
  containsText(text: string): boolean {
    if (text.indexOf(':') === -1) {
      const v4 = parseIpv4(text);
      return v4 !== undefined && this.containsIpv4(v4);
    }
    if (this.#v6.length === 0) return false;
    const ip = parseIp(text);
    return ip !== undefined && this.contains(ip);
  }
}
