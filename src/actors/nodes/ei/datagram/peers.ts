/** The peer allow-list: addresses and CIDR networks (a bare address is a /32 or /128). */
import { CidrSet } from '../../../rules/cidr-set.js';
import { parseCidr } from '../../../../protocols/ip.js';

export function allowList(entries: readonly string[]): CidrSet {
  return new CidrSet(
    entries.map((e) => {
      const c = parseCidr(e.includes('/') ? e : `${e}/${e.includes(':') ? 128 : 32}`);
      if (c === undefined)
        throw new Error(`allowPeers: ${JSON.stringify(e)} is not an address or CIDR network`);
      return c;
    }),
  );
}
