/**
 * The flows a simulated exporter reports: drawn from a seeded generator, so the same seed and the same
 * packet sequence give the same flows. Times are absolute milliseconds, a little before the export.
 */
import type { Rng } from '../rng.js';

export type ExportVersion = 5 | 9 | 10;

/** One unidirectional flow as the simulator encodes it. */
export interface SimFlow {
  /** IPv4 addresses as unsigned 32-bit numbers. */
  readonly srcIp: number;
  readonly dstIp: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly protocol: number;
  readonly tcpFlags: number;
  readonly ingress: number;
  readonly egress: number;
  /** Octets; above 2^32 only for v9/IPFIX (64-bit counters), always below 2^53. */
  readonly bytes: number;
  readonly packets: number;
  readonly startMs: number;
  readonly endMs: number;
}

const TCP_FLAGS = [0x1b, 0x1b, 0x1b, 0x12, 0x02, 0x10, 0x18, 0x11, 0x04] as const;
const V5_COUNTER_MAX = 0xffff_ffff;
/** Destinations: the three documentation networks (RFC 5737). */
const DST_NETS = [0xc0000200, 0xc6336400, 0xcb007100] as const;
/** How long before the export a flow may end, and how long it may last. */
export const MAX_END_LAG_MS = 2000;
export const MAX_FLOW_MS = 30_000;

/**
 * The next flow of an exporter whose export happens at `exportMs`. v5 flows keep their counters within
 * 32 bits; v9 and IPFIX flows are sometimes elephants above 2^32 octets (64-bit counters).
 */
export function nextFlow(rng: Rng, exportMs: number, version: ExportVersion): SimFlow {
  const kind = rng.next();
  const protocol = kind < 0.7 ? 6 : kind < 0.95 ? 17 : 1;
  const icmp = protocol === 1;
  const packets = rng.int(1, 2000);
  let bytes = packets * rng.int(40, 1500);
  if (version !== 5 && rng.next() < 0.01) bytes += rng.int(1, 4) * 2 ** 32;
  const endMs = exportMs - rng.int(0, MAX_END_LAG_MS);
  const startMs = endMs - rng.int(0, MAX_FLOW_MS);
  return {
    srcIp: (0x0a000000 | rng.int(0, 0xffffff)) >>> 0,
    dstIp: ((DST_NETS[rng.int(0, DST_NETS.length - 1)] as number) | rng.int(1, 254)) >>> 0,
    srcPort: icmp ? 0 : rng.int(1024, 65_535),
    dstPort: icmp ? 0x0800 : rng.pick([53, 80, 123, 443, 443, 443, 8080, rng.int(1, 65_535)]),
    protocol,
    tcpFlags: protocol === 6 ? rng.pick(TCP_FLAGS) : 0,
    ingress: rng.int(1, 48),
    egress: rng.int(1, 48),
    bytes: version === 5 ? Math.min(bytes, V5_COUNTER_MAX) : bytes,
    packets,
    startMs,
    endMs,
  };
}

/** Dotted-quad text of an unsigned 32-bit IPv4 address. */
export function ipv4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
