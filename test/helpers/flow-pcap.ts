/**
 * Builds a classic pcap (LINKTYPE_ETHERNET, microsecond timestamps) of TCP and UDP packets over IPv4
 * or IPv6, for feeding flow exporters such as softflowd (`softflowd -r file.pcap`), and computes the
 * unidirectional flows those packets make, to compare with what the exporter reports.
 * (src/protocols/pcap writes UDP datagrams only; flows need TCP flags too.)
 */
import { encodePcapHeader, ipv4HeaderChecksum } from '../../src/protocols/pcap/index.js';
import { parseIpBytes } from '../../src/protocols/ip.js';
import type { FlowRecord } from '../../src/protocols/netflow/index.js';

export interface FlowPacket {
  /** Capture time, microseconds since the Unix epoch. */
  timeUs: number;
  src: string;
  dst: string;
  protocol: 6 | 17;
  srcPort: number;
  dstPort: number;
  /** Transport payload octets (zeros). */
  payload: number;
  /** TCP flags octet (FIN 1, SYN 2, RST 4, PSH 8, ACK 16). */
  tcpFlags?: number;
  /** IPv4 TOS / IPv6 traffic class. */
  tos?: number;
}

/** A unidirectional 5-tuple flow: what NetFlow v5/v9/IPFIX report for it. */
export interface ExpectedFlow {
  src: string;
  dst: string;
  protocol: number;
  srcPort: number;
  dstPort: number;
  packets: number;
  /** Sum of IP packet lengths (header included). */
  octets: number;
  firstUs: number;
  lastUs: number;
  tcpFlags: number;
  tos: number;
}

const TCP = 20;
const UDP = 8;

function sum16(bytes: Uint8Array, from: number, to: number, initial = 0): number {
  let s = initial;
  let i = from;
  for (; i + 1 < to; i += 2) s += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (i < to) s += (bytes[i] as number) << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function address(text: string): Uint8Array {
  const b = parseIpBytes(text);
  if (b === undefined) throw new Error(`not an address: ${text}`);
  return b;
}

/** IP packet length of one packet: IP header + transport header + payload. */
export function ipLength(p: FlowPacket): number {
  const v6 = p.src.includes(':');
  return (v6 ? 40 : 20) + (p.protocol === 6 ? TCP : UDP) + p.payload;
}

function frame(p: FlowPacket, ipId: number): Uint8Array {
  const src = address(p.src);
  const dst = address(p.dst);
  const v6 = src.length === 16;
  const l4 = (p.protocol === 6 ? TCP : UDP) + p.payload;
  const ipHeader = v6 ? 40 : 20;
  const out = new Uint8Array(14 + ipHeader + l4);
  const view = new DataView(out.buffer);
  out.set([0x02, 0, ...dst.subarray(dst.length - 4)], 0);
  out.set([0x02, 0, ...src.subarray(src.length - 4)], 6);
  view.setUint16(12, v6 ? 0x86dd : 0x0800);
  const ip = 14;
  if (v6) {
    view.setUint32(ip, (0x6 << 28) | ((p.tos ?? 0) << 20));
    view.setUint16(ip + 4, l4);
    out[ip + 6] = p.protocol;
    out[ip + 7] = 64;
    out.set(src, ip + 8);
    out.set(dst, ip + 24);
  } else {
    out[ip] = 0x45;
    out[ip + 1] = p.tos ?? 0;
    view.setUint16(ip + 2, 20 + l4);
    view.setUint16(ip + 4, ipId & 0xffff);
    out[ip + 8] = 64;
    out[ip + 9] = p.protocol;
    out.set(src, ip + 12);
    out.set(dst, ip + 16);
    view.setUint16(ip + 10, ipv4HeaderChecksum(out, ip));
  }
  const t = ip + ipHeader;
  view.setUint16(t, p.srcPort);
  view.setUint16(t + 2, p.dstPort);
  if (p.protocol === 6) {
    view.setUint32(t + 4, ipId);
    out[t + 12] = 0x50;
    out[t + 13] = p.tcpFlags ?? 0x10;
    view.setUint16(t + 14, 65_535);
  } else {
    view.setUint16(t + 4, l4);
  }
  // Transport checksum over the pseudo-header and the segment.
  let s = sum16(src, 0, src.length);
  s = sum16(dst, 0, dst.length, s);
  s += p.protocol + l4;
  s = sum16(out, t, t + l4, s);
  const c = ~s & 0xffff;
  view.setUint16(t + (p.protocol === 6 ? 16 : 6), c === 0 && p.protocol === 17 ? 0xffff : c);
  return out;
}

/** The whole pcap file. */
export function flowPcap(packets: readonly FlowPacket[]): Uint8Array {
  const parts: Uint8Array[] = [encodePcapHeader()];
  packets.forEach((p, i) => {
    const f = frame(p, i + 1);
    const rec = new Uint8Array(16);
    const v = new DataView(rec.buffer);
    const sec = Math.floor(p.timeUs / 1e6);
    v.setUint32(0, sec, true);
    v.setUint32(4, p.timeUs - sec * 1e6, true);
    v.setUint32(8, f.length, true);
    v.setUint32(12, f.length, true);
    parts.push(rec, f);
  });
  return Uint8Array.from(Buffer.concat(parts));
}

/**
 * The unidirectional flows of the packets, in order of first packet. With `conversationTimes`, both
 * directions of a conversation carry its first and last packet times, as softflowd reports them
 * (it tracks a flow and its reverse as one and exports each direction with the shared times).
 */
export function expectedFlows(packets: readonly FlowPacket[], conversationTimes = false): ExpectedFlow[] {
  const flows = new Map<string, ExpectedFlow>();
  for (const p of packets) {
    const key = `${p.src}|${p.dst}|${p.protocol}|${p.srcPort}|${p.dstPort}`;
    let f = flows.get(key);
    if (f === undefined) {
      f = {
        src: p.src,
        dst: p.dst,
        protocol: p.protocol,
        srcPort: p.srcPort,
        dstPort: p.dstPort,
        packets: 0,
        octets: 0,
        firstUs: p.timeUs,
        lastUs: p.timeUs,
        tcpFlags: 0,
        tos: p.tos ?? 0,
      };
      flows.set(key, f);
    }
    f.packets++;
    f.octets += ipLength(p);
    f.firstUs = Math.min(f.firstUs, p.timeUs);
    f.lastUs = Math.max(f.lastUs, p.timeUs);
    if (p.protocol === 6) f.tcpFlags |= p.tcpFlags ?? 0x10;
  }
  if (conversationTimes) {
    for (const f of flows.values()) {
      const r = flows.get(`${f.dst}|${f.src}|${f.protocol}|${f.dstPort}|${f.srcPort}`);
      if (r === undefined || r === f) continue;
      const first = Math.min(f.firstUs, r.firstUs);
      const last = Math.max(f.lastUs, r.lastUs);
      f.firstUs = r.firstUs = first;
      f.lastUs = r.lastUs = last;
    }
  }
  return [...flows.values()];
}

/**
 * A small, fixed traffic mix starting at `t0Us`: a TCP connection (handshake, data both ways,
 * FIN), two one-way UDP flows (DNS-like, NTP-like, TOS set) and, when `ipv6`, a UDP flow over
 * IPv6. Every flow lasts under a second.
 */
export function trafficMix(t0Us: number, ipv6: boolean): FlowPacket[] {
  const c = '192.0.2.10';
  const s = '198.51.100.20';
  const tcp = (dt: number, fromClient: boolean, flags: number, payload: number): FlowPacket => ({
    timeUs: t0Us + dt,
    src: fromClient ? c : s,
    dst: fromClient ? s : c,
    protocol: 6,
    srcPort: fromClient ? 40_000 : 443,
    dstPort: fromClient ? 443 : 40_000,
    payload,
    tcpFlags: flags,
  });
  const packets: FlowPacket[] = [
    tcp(0, true, 0x02, 0),
    tcp(10_000, false, 0x12, 0),
    tcp(20_000, true, 0x10, 0),
    tcp(30_000, true, 0x18, 517),
    tcp(45_000, false, 0x18, 1400),
    tcp(46_000, false, 0x18, 1400),
    tcp(60_000, true, 0x10, 0),
    tcp(300_000, true, 0x11, 0),
    tcp(310_000, false, 0x11, 0),
    tcp(320_000, true, 0x10, 0),
  ];
  for (let i = 0; i < 4; i++) {
    packets.push({
      timeUs: t0Us + 5_000 + i * 100_000,
      src: '192.0.2.11',
      dst: '203.0.113.53',
      protocol: 17,
      srcPort: 5353 + i * 0,
      dstPort: 53,
      payload: 40 + i,
    });
  }
  packets.push(
    {
      timeUs: t0Us + 7_000,
      src: '192.0.2.12',
      dst: '203.0.113.123',
      protocol: 17,
      srcPort: 123,
      dstPort: 123,
      payload: 48,
      tos: 0xb8,
    },
    {
      timeUs: t0Us + 507_000,
      src: '192.0.2.12',
      dst: '203.0.113.123',
      protocol: 17,
      srcPort: 123,
      dstPort: 123,
      payload: 48,
      tos: 0xb8,
    },
  );
  if (ipv6) {
    for (let i = 0; i < 3; i++) {
      packets.push({
        timeUs: t0Us + 8_000 + i * 50_000,
        src: '2001:db8::10',
        dst: '2001:db8:1::53',
        protocol: 17,
        srcPort: 33_000,
        dstPort: 53,
        payload: 60,
      });
    }
  }
  return packets.sort((a, b) => a.timeUs - b.timeUs);
}

/**
 * Matches decoded flows against expected ones by 5-tuple and describes every difference (an empty
 * list means they agree). Times may be early by up to `earlyMs` (NetFlow v9 headers carry whole
 * seconds only, so its flows look up to a second early) and never late.
 */
export function compareFlows(
  records: readonly FlowRecord[],
  expected: readonly ExpectedFlow[],
  earlyMs = 0,
): string[] {
  const problems: string[] = [];
  const key = (src: unknown, dst: unknown, proto: unknown, sp: unknown, dp: unknown): string =>
    `${String(src)} ${String(sp)} > ${String(dst)} ${String(dp)} /${String(proto)}`;
  const byKey = new Map<string, FlowRecord>();
  for (const r of records) {
    const f = r.fields;
    byKey.set(
      key(
        f['sourceIPv4Address'] ?? f['sourceIPv6Address'],
        f['destinationIPv4Address'] ?? f['destinationIPv6Address'],
        f['protocolIdentifier'],
        f['sourceTransportPort'],
        f['destinationTransportPort'],
      ),
      r,
    );
  }
  if (byKey.size !== expected.length)
    problems.push(`expected ${expected.length} flows, decoded ${byKey.size}`);
  for (const e of expected) {
    const k = key(e.src, e.dst, e.protocol, e.srcPort, e.dstPort);
    const r = byKey.get(k);
    if (r === undefined) {
      problems.push(`${k}: missing`);
      continue;
    }
    const f = r.fields;
    const check = (what: string, got: unknown, want: unknown): void => {
      if (got !== want) problems.push(`${k}: ${what} ${String(got)}, expected ${String(want)}`);
    };
    check('packets', f['packetDeltaCount'], e.packets);
    check('octets', f['octetDeltaCount'], e.octets);
    check('tcpFlags', f['tcpControlBits'], e.tcpFlags);
    check('tos', f['ipClassOfService'], e.tos);
    const time = (what: string, iso: string | undefined, us: number): void => {
      const want = Math.floor(us / 1000);
      const got = iso === undefined ? Number.NaN : Date.parse(iso);
      if (!(got <= want && got > want - earlyMs - 1))
        problems.push(`${k}: ${what} ${String(iso)}, expected ${new Date(want).toISOString()}`);
    };
    time('flowStart', r.flowStart, e.firstUs);
    time('flowEnd', r.flowEnd, e.lastUs);
  }
  return problems;
}
