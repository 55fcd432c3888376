/**
 * Classic pcap (libpcap 2.4, microsecond timestamps, little-endian) for UDP datagrams, with synthesized
 * Ethernet (LINKTYPE_ETHERNET), IPv4 or IPv6, and UDP headers carrying the real addresses and ports, so
 * Wireshark and tshark dissect what a process sent and received. Pure: bytes out, the caller writes them.
 */
import { isIP } from 'node:net';
import { EncodeError } from '../errors.js';

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const LINKTYPE_ETHERNET = 1;
export const PCAP_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;
export const ETHERNET_HEADER_BYTES = 14;
export const IPV4_HEADER_BYTES = 20;
export const IPV6_HEADER_BYTES = 40;
export const UDP_HEADER_BYTES = 8;
const DEFAULT_SNAPLEN = 262_144;
const IPPROTO_UDP = 17;
const DEFAULT_TTL = 64;

export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

export interface UdpDatagram {
  /** Capture time in microseconds since the Unix epoch. */
  readonly timestampUs: number;
  readonly source: SocketAddress;
  readonly destination: SocketAddress;
  readonly payload: Uint8Array;
}

/** The 24-octet global header. */
export function encodePcapHeader(snaplen = DEFAULT_SNAPLEN, linktype = LINKTYPE_ETHERNET): Uint8Array {
  const out = new Uint8Array(PCAP_HEADER_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, PCAP_MAGIC_MICROSECONDS, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true); // thiszone: GMT
  v.setUint32(12, 0, true); // sigfigs
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linktype, true);
  return out;
}

/** RFC 1071 ones' complement sum of `bytes[from, to)`, folded to 16 bits, starting from `initial`. */
function onesComplementSum(bytes: Uint8Array, from: number, to: number, initial = 0): number {
  let sum = initial;
  let i = from;
  for (; i + 1 < to; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (i < to) sum += (bytes[i] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The IPv4 header checksum of the header at `offset` (its checksum field counted as zero). */
export function ipv4HeaderChecksum(header: Uint8Array, offset = 0): number {
  const ihl = ((header[offset] as number) & 0x0f) * 4;
  const stored = ((header[offset + 10] as number) << 8) | (header[offset + 11] as number);
  const sum = onesComplementSum(header, offset, offset + ihl);
  // Remove the stored checksum's contribution (ones' complement subtraction).
  let s = sum + (~stored & 0xffff);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function addressBytes(text: string, what: string): Uint8Array {
  const family = isIP(text);
  if (family === 4) return Uint8Array.from(text.split('.').map(Number));
  if (family === 6) {
    const out = new Uint8Array(16);
    const [head = '', tail] = text.split('::') as [string, string | undefined];
    const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
    const h = groups(head);
    const t = tail === undefined ? [] : groups(tail);
    if (text.includes('.'))
      throw new EncodeError('pcap', 'invalid_address', `${what}: IPv4-mapped text form is not supported`, {
        address: text,
      });
    h.forEach((g, i) => {
      out[2 * i] = g >>> 8;
      out[2 * i + 1] = g & 0xff;
    });
    t.forEach((g, i) => {
      const at = 16 - 2 * (t.length - i);
      out[at] = g >>> 8;
      out[at + 1] = g & 0xff;
    });
    return out;
  }
  throw new EncodeError(
    'pcap',
    'invalid_address',
    `${what}: expected an IPv4 or IPv6 address, got ${JSON.stringify(text)}`,
    { address: text },
  );
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new EncodeError('pcap', 'invalid_port', `${what}: expected a port 0–65535, got ${port}`, { port });
  }
}

/** Builds pcap records; keeps the IPv4 identification counter between datagrams. */
export class PcapUdpEncoder {
  #ipId = 0;

  /** One record: record header, Ethernet, IP and UDP headers, then the payload. */
  encode(d: UdpDatagram): Uint8Array {
    const src = addressBytes(d.source.address, 'source');
    const dst = addressBytes(d.destination.address, 'destination');
    if (src.length !== dst.length) {
      throw new EncodeError(
        'pcap',
        'address_family_mismatch',
        'source and destination must both be IPv4 or both IPv6',
        {
          source: d.source.address,
          destination: d.destination.address,
        },
      );
    }
    checkPort(d.source.port, 'source port');
    checkPort(d.destination.port, 'destination port');
    const v6 = src.length === 16;
    const ipBytes = v6 ? IPV6_HEADER_BYTES : IPV4_HEADER_BYTES;
    const udpLength = UDP_HEADER_BYTES + d.payload.length;
    const maxPayload = 65_535 - UDP_HEADER_BYTES - (v6 ? 0 : IPV4_HEADER_BYTES);
    if (d.payload.length > maxPayload) {
      throw new EncodeError(
        'pcap',
        'payload_too_large',
        `UDP payload of ${d.payload.length} octets; at most ${maxPayload}`,
        {
          length: d.payload.length,
        },
      );
    }
    const frameLength = ETHERNET_HEADER_BYTES + ipBytes + udpLength;
    const out = new Uint8Array(PCAP_RECORD_HEADER_BYTES + frameLength);
    const view = new DataView(out.buffer);
    const seconds = Math.floor(d.timestampUs / 1e6);
    view.setUint32(0, seconds, true);
    view.setUint32(4, Math.floor(d.timestampUs - seconds * 1e6), true);
    view.setUint32(8, frameLength, true);
    view.setUint32(12, frameLength, true);

    let at = PCAP_RECORD_HEADER_BYTES;
    // Ethernet: locally administered MACs derived from the IP addresses.
    writeMac(out, at, dst);
    writeMac(out, at + 6, src);
    view.setUint16(at + 12, v6 ? 0x86dd : 0x0800);
    at += ETHERNET_HEADER_BYTES;

    const ipAt = at;
    if (v6) {
      view.setUint32(at, 0x60000000);
      view.setUint16(at + 4, udpLength);
      out[at + 6] = IPPROTO_UDP;
      out[at + 7] = DEFAULT_TTL;
      out.set(src, at + 8);
      out.set(dst, at + 24);
    } else {
      out[at] = 0x45;
      view.setUint16(at + 2, IPV4_HEADER_BYTES + udpLength);
      view.setUint16(at + 4, this.#ipId);
      this.#ipId = (this.#ipId + 1) & 0xffff;
      view.setUint16(at + 6, 0x4000); // don't fragment
      out[at + 8] = DEFAULT_TTL;
      out[at + 9] = IPPROTO_UDP;
      out.set(src, at + 12);
      out.set(dst, at + 16);
      view.setUint16(at + 10, ipv4HeaderChecksum(out, at));
    }
    at += ipBytes;

    const udpAt = at;
    view.setUint16(at, d.source.port);
    view.setUint16(at + 2, d.destination.port);
    view.setUint16(at + 4, udpLength);
    out.set(d.payload, at + UDP_HEADER_BYTES);
    view.setUint16(udpAt + 6, udpChecksum(out, ipAt, v6, udpAt, udpLength));
    return out;
  }
}

function writeMac(out: Uint8Array, at: number, ip: Uint8Array): void {
  out[at] = 0x02;
  out[at + 1] = 0x00;
  out.set(ip.subarray(ip.length - 4), at + 2);
}

/** UDP checksum over the pseudo-header and the datagram; 0 is sent as 0xffff (RFC 768). */
function udpChecksum(frame: Uint8Array, ipAt: number, v6: boolean, udpAt: number, udpLength: number): number {
  let sum = v6
    ? onesComplementSum(frame, ipAt + 8, ipAt + 40)
    : onesComplementSum(frame, ipAt + 12, ipAt + 20);
  sum += IPPROTO_UDP + (udpLength >>> 16) + (udpLength & 0xffff);
  sum = onesComplementSum(frame, udpAt, udpAt + udpLength, sum);
  const c = ~sum & 0xffff;
  return c === 0 ? 0xffff : c;
}
