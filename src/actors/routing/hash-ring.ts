/**
 * A consistent-hash ring with virtual nodes. Each member owns `virtualNodes` points on the 32-bit
 * ring (point v of member m = MurmurHash3 of m's UTF-8 bytes with seed v); a point on the ring
 * belongs to the member owning the first virtual node at or after it (clockwise, wrapping). Ties
 * between equal virtual-node points go to the member whose id sorts first, so ownership depends on
 * the set of members, never on the order they are listed in. Adding or removing one member moves
 * only the points that member gains or loses.
 */
import { RoutingError } from './errors.js';
import { checkKeyGroups } from './key-groups.js';
import { hashString, hashUint32 } from './murmur3.js';

/** Upper bound on virtual nodes per member, which bounds the ring's memory (8 bytes per point). */
export const MAX_VIRTUAL_NODES = 4096;

const RING_SIZE = 0x1_0000_0000;

export class HashRing {
  /** The members, in the order given. */
  readonly members: readonly string[];
  readonly virtualNodes: number;
  /** Virtual-node points, ascending. */
  readonly #points: Uint32Array;
  /** `#owners[i]`: index into `members` of the owner of `#points[i]`. */
  readonly #owners: Uint32Array;

  constructor(members: readonly string[], virtualNodes: number) {
    if (members.length === 0) {
      throw new RoutingError('empty_ring', 'expected at least one member for the hash ring, got none');
    }
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1 || virtualNodes > MAX_VIRTUAL_NODES) {
      throw new RoutingError(
        'invalid_argument',
        `expected virtual nodes per member to be an integer 1–${MAX_VIRTUAL_NODES}, got ${String(virtualNodes)}`,
        { virtualNodes },
      );
    }
    const seen = new Set<string>();
    for (const member of members) {
      if (seen.has(member)) {
        throw new RoutingError('duplicate_member', `expected distinct ring members, got "${member}" twice`, {
          member,
        });
      }
      seen.add(member);
    }
    this.members = Object.freeze([...members]);
    this.virtualNodes = virtualNodes;

    const total = members.length * virtualNodes;
    const entries: { point: number; member: number }[] = new Array(total);
    for (let m = 0; m < members.length; m++) {
      const id = members[m] as string;
      for (let v = 0; v < virtualNodes; v++) {
        entries[m * virtualNodes + v] = { point: hashString(id, v), member: m };
      }
    }
    entries.sort((a, b) => a.point - b.point || compareIds(members[a.member], members[b.member]));
    this.#points = new Uint32Array(total);
    this.#owners = new Uint32Array(total);
    for (let i = 0; i < total; i++) {
      const e = entries[i] as { point: number; member: number };
      this.#points[i] = e.point;
      this.#owners[i] = e.member;
    }
  }

  /** Index into `members` of the owner of `point` (an unsigned 32-bit integer). */
  ownerIndexOf(point: number): number {
    if (!Number.isInteger(point) || point < 0 || point >= RING_SIZE) {
      throw new RoutingError(
        'invalid_argument',
        `expected a ring point as an integer 0–${RING_SIZE - 1}, got ${String(point)}`,
        { point },
      );
    }
    const points = this.#points;
    let lo = 0;
    let hi = points.length; // first index with points[i] >= point lies in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((points[mid] as number) < point) lo = mid + 1;
      else hi = mid;
    }
    return this.#owners[lo === points.length ? 0 : lo] as number;
  }

  /** The member owning `point` (an unsigned 32-bit integer). */
  ownerOf(point: number): string {
    return this.members[this.ownerIndexOf(point)] as string;
  }

  /** The ring point of key group `g`: MurmurHash3 of its 4-byte little-endian id. */
  static keyGroupPoint(g: number): number {
    return hashUint32(g);
  }

  /** Indexes into `members` of the owners of key groups 0..keyGroups−1. */
  assignIndexes(keyGroups: number): number[] {
    checkKeyGroups(keyGroups);
    const owners: number[] = new Array(keyGroups);
    for (let g = 0; g < keyGroups; g++) owners[g] = this.ownerIndexOf(HashRing.keyGroupPoint(g));
    return owners;
  }

  /** The owning member of each key group 0..keyGroups−1. */
  assign(keyGroups: number): string[] {
    return this.assignIndexes(keyGroups).map((i) => this.members[i] as string);
  }
}

function compareIds(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
