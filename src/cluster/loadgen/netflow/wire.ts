/**
 * Export datagrams of the simulated exporters, written directly (fixed templates, no per-field
 * allocation) so a load generator outruns the collector it tests:
 *
 *   v5     24-octet header (export time with milliseconds in unix_nsecs, sampling mode 1 and the
 *          interval when sampling) + 48-octet records; First/Last relative to sysUptime.
 *   v9     template 256 (IPV4 src/dst, ports, protocol, TCP flags, interfaces, 64-bit IN_BYTES and
 *          IN_PKTS, FIRST_SWITCHED/LAST_SWITCHED relative to sysUptime); with sampling, options
 *          template 257 (scope System; SAMPLING_INTERVAL, SAMPLING_ALGORITHM) and its record.
 *   IPFIX  template 256 (the same elements, flowStart/EndMilliseconds absolute); with sampling,
 *          options template 257 (scope observationDomainId; samplingPacketInterval 1,
 *          samplingPacketSpace N − 1: 1 packet in N) and its record.
 *
 * Templates (and the sampling options) go in the packets that `templates` marks, before the data.
 */
import type { ExportVersion, SimFlow } from './flows.js';

export const TEMPLATE_ID = 256;
export const OPTIONS_TEMPLATE_ID = 257;
export const V5_MAX_RECORDS = 30;
/** Largest UDP payload over IPv4. */
export const MAX_DATAGRAM = 65_507;

export interface PacketInput {
  readonly version: ExportVersion;
  /** Export time, ms since the epoch. */
  readonly exportMs: number;
  /** The exporter's boot time (v5/v9 sysUptime = exportMs − bootMs). */
  readonly bootMs: number;
  /** v5: flows before this packet; v9: packets before it; IPFIX: data records before it. */
  readonly sequence: number;
  /** v9 source id, IPFIX observation domain, v5 engine id (low 8 bits). */
  readonly domain: number;
  readonly templates: boolean;
  /** Sampling interval N (1 in N packets); 1 = not sampled. */
  readonly sampling: number;
  readonly flows: readonly SimFlow[];
}

const V9_FIELDS: readonly (readonly [number, number])[] = [
  [8, 4],
  [12, 4],
  [7, 2],
  [11, 2],
  [4, 1],
  [6, 1],
  [10, 4],
  [14, 4],
  [1, 8],
  [2, 8],
  [22, 4],
  [21, 4],
];
const IPFIX_FIELDS: readonly (readonly [number, number])[] = [...V9_FIELDS.slice(0, 10), [152, 8], [153, 8]];
const V9_RECORD = 46;
const IPFIX_RECORD = 54;
const TEMPLATE_SET = 4 + 4 + 12 * 4;
const V9_OPTIONS_TEMPLATE_SET = 24; // 4 + 6 + 3 × 4 = 22, padded to 24
const V9_OPTIONS_DATA_SET = 16; // 4 + 9, padded to 16
const IPFIX_OPTIONS_TEMPLATE_SET = 22; // 4 + 6 + 3 × 4
const IPFIX_OPTIONS_DATA_SET = 16; // 4 + 12
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

/** Data records a packet carries besides the flows (IPFIX counts options records in its sequence). */
export function extraDataRecords(p: Pick<PacketInput, 'version' | 'templates' | 'sampling'>): number {
  return p.version !== 5 && p.templates && p.sampling > 1 ? 1 : 0;
}

/** Octets of the packet `encodePacket` writes. */
export function packetLength(p: Pick<PacketInput, 'version' | 'templates' | 'sampling'>, n: number): number {
  if (p.version === 5) return 24 + 48 * n;
  const options = p.templates && p.sampling > 1;
  if (p.version === 9) {
    const data = 4 + V9_RECORD * n;
    return (
      20 +
      (p.templates ? TEMPLATE_SET : 0) +
      (options ? V9_OPTIONS_TEMPLATE_SET + V9_OPTIONS_DATA_SET : 0) +
      data +
      pad4(data)
    );
  }
  return (
    16 +
    (p.templates ? TEMPLATE_SET : 0) +
    (options ? IPFIX_OPTIONS_TEMPLATE_SET + IPFIX_OPTIONS_DATA_SET : 0) +
    4 +
    IPFIX_RECORD * n
  );
}

class Out {
  readonly buf: Uint8Array;
  readonly v: DataView;
  at = 0;
  constructor(n: number) {
    this.buf = new Uint8Array(n);
    this.v = new DataView(this.buf.buffer);
  }
  u8(x: number): void {
    this.v.setUint8(this.at, x);
    this.at += 1;
  }
  u16(x: number): void {
    this.v.setUint16(this.at, x);
    this.at += 2;
  }
  u32(x: number): void {
    this.v.setUint32(this.at, x >>> 0);
    this.at += 4;
  }
  /** An unsigned integer below 2^53 in 8 octets. */
  u64(x: number): void {
    this.u32(Math.floor(x / 4_294_967_296));
    this.u32(x % 4_294_967_296);
  }
  skip(n: number): void {
    this.at += n;
  }
}

const uptime = (p: PacketInput, ms: number): number => (ms - p.bootMs) >>> 0;

function v5(p: PacketInput, o: Out): void {
  o.u16(5);
  o.u16(p.flows.length);
  o.u32(uptime(p, p.exportMs));
  o.u32(Math.floor(p.exportMs / 1000));
  o.u32((p.exportMs % 1000) * 1_000_000);
  o.u32(p.sequence);
  o.u8(0);
  o.u8(p.domain & 255);
  o.u16(p.sampling > 1 ? (1 << 14) | (p.sampling & 0x3fff) : 0);
  for (const f of p.flows) {
    o.u32(f.srcIp);
    o.u32(f.dstIp);
    o.u32(0);
    o.u16(f.ingress);
    o.u16(f.egress);
    o.u32(f.packets);
    o.u32(f.bytes);
    o.u32(uptime(p, f.startMs));
    o.u32(uptime(p, f.endMs));
    o.u16(f.srcPort);
    o.u16(f.dstPort);
    o.u8(0);
    o.u8(f.tcpFlags);
    o.u8(f.protocol);
    o.u8(0);
    o.skip(8); // AS numbers, masks, padding: zero
  }
}

function templateSet(o: Out, setId: number, fields: readonly (readonly [number, number])[]): void {
  o.u16(setId);
  o.u16(TEMPLATE_SET);
  o.u16(TEMPLATE_ID);
  o.u16(fields.length);
  for (const [id, len] of fields) {
    o.u16(id);
    o.u16(len);
  }
}

function flowCommon(o: Out, f: SimFlow): void {
  o.u32(f.srcIp);
  o.u32(f.dstIp);
  o.u16(f.srcPort);
  o.u16(f.dstPort);
  o.u8(f.protocol);
  o.u8(f.tcpFlags);
  o.u32(f.ingress);
  o.u32(f.egress);
  o.u64(f.bytes);
  o.u64(f.packets);
}

function v9(p: PacketInput, o: Out): void {
  const options = p.templates && p.sampling > 1;
  o.u16(9);
  o.u16((p.templates ? 1 : 0) + (options ? 2 : 0) + p.flows.length);
  o.u32(uptime(p, p.exportMs));
  o.u32(Math.floor(p.exportMs / 1000));
  o.u32(p.sequence);
  o.u32(p.domain);
  if (p.templates) templateSet(o, 0, V9_FIELDS);
  if (options) {
    o.u16(1);
    o.u16(V9_OPTIONS_TEMPLATE_SET);
    o.u16(OPTIONS_TEMPLATE_ID);
    o.u16(4); // scope length: one (type, length) pair
    o.u16(8); // option length: two pairs
    for (const x of [1, 4, 34, 4, 35, 1]) o.u16(x);
    o.skip(2);
    o.u16(OPTIONS_TEMPLATE_ID);
    o.u16(V9_OPTIONS_DATA_SET);
    o.u32(0);
    o.u32(p.sampling);
    o.u8(1); // deterministic
    o.skip(3);
  }
  const start = o.at;
  o.u16(TEMPLATE_ID);
  o.u16(0);
  for (const f of p.flows) {
    flowCommon(o, f);
    o.u32(uptime(p, f.startMs));
    o.u32(uptime(p, f.endMs));
  }
  o.skip(pad4(o.at - start));
  o.v.setUint16(start + 2, o.at - start);
}

function ipfix(p: PacketInput, o: Out): void {
  o.u16(10);
  o.u16(0);
  o.u32(Math.floor(p.exportMs / 1000));
  o.u32(p.sequence);
  o.u32(p.domain);
  if (p.templates) templateSet(o, 2, IPFIX_FIELDS);
  if (p.templates && p.sampling > 1) {
    o.u16(3);
    o.u16(IPFIX_OPTIONS_TEMPLATE_SET);
    o.u16(OPTIONS_TEMPLATE_ID);
    o.u16(3);
    o.u16(1); // scope field count
    for (const x of [149, 4, 305, 4, 306, 4]) o.u16(x);
    o.u16(OPTIONS_TEMPLATE_ID);
    o.u16(IPFIX_OPTIONS_DATA_SET);
    o.u32(p.domain);
    o.u32(1);
    o.u32(p.sampling - 1);
  }
  o.u16(TEMPLATE_ID);
  o.u16(4 + IPFIX_RECORD * p.flows.length);
  for (const f of p.flows) {
    flowCommon(o, f);
    o.u64(f.startMs);
    o.u64(f.endMs);
  }
  o.v.setUint16(2, o.at);
}

/** The export datagram of `p`. */
export function encodePacket(p: PacketInput): Uint8Array {
  if (p.version === 5 && (p.flows.length < 1 || p.flows.length > V5_MAX_RECORDS))
    throw new RangeError(`a v5 packet carries 1–30 flows, got ${p.flows.length}`);
  const o = new Out(packetLength(p, p.flows.length));
  if (p.version === 5) v5(p, o);
  else if (p.version === 9) v9(p, o);
  else ipfix(p, o);
  if (o.at !== o.buf.length) throw new Error(`netflow loadgen: wrote ${o.at} of ${o.buf.length} octets`);
  return o.buf;
}

/**
 * A flow's start or end as the RFCs tell a collector to read it from the packet: v5 export time
 * (seconds and nanoseconds) − (sysUptime − First), v9 unix_secs − (sysUptime − FIRST_SWITCHED) (whole
 * seconds, so up to a second early), IPFIX the absolute milliseconds as sent.
 */
export function reportedMs(p: Pick<PacketInput, 'version' | 'exportMs' | 'bootMs'>, ms: number): number {
  if (p.version === 10) return ms;
  const sysUptime = (p.exportMs - p.bootMs) >>> 0;
  const relative = (sysUptime - ((ms - p.bootMs) >>> 0)) | 0;
  const base = p.version === 5 ? p.exportMs : Math.floor(p.exportMs / 1000) * 1000;
  return base - relative;
}
