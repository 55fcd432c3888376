/**
 * NetFlow v5: a 24-octet header and `count` (1–30) fixed 48-octet records.
 *
 *   header  0 version (5)  2 count  4 sysUptime (ms)  8 unix_secs  12 unix_nsecs  16 flow_sequence
 *           20 engine_type  21 engine_id  22 sampling_interval (2-bit mode | 14-bit interval)
 *   record  0 srcaddr  4 dstaddr  8 nexthop  12 input  14 output  16 dPkts  20 dOctets  24 First
 *           28 Last  32 srcport  34 dstport  36 pad1  37 tcp_flags  38 prot  39 tos  40 src_as
 *           42 dst_as  44 src_mask  45 dst_mask  46 pad2
 *
 * Fields are named like the IPFIX elements they equal. First and Last are sysUptime-relative;
 * absolute = export time (unix_secs + unix_nsecs) − (sysUptime − First), the difference taken as a
 * signed 32-bit number so that an uptime that wrapped past 2^32 ms (49.7 days) since First still
 * gives the right answer.
 */
import { DecodeError } from '../errors.js';
import { formatIpBytes } from '../ip.js';
import { isoMillis } from './time.js';
import type { FlowRecord, V5Header } from './types.js';

export const V5_HEADER_BYTES = 24;
export const V5_RECORD_BYTES = 48;
export const V5_MAX_RECORDS = 30;

export interface V5Packet {
  header: V5Header;
  records: FlowRecord[];
}

/** Reads the 24-octet header; `truncated` or `bad_version` when it is not one. */
export function decodeV5Header(buf: Uint8Array): V5Header {
  if (buf.length < V5_HEADER_BYTES) {
    throw new DecodeError('netflow', 'truncated', `a v5 header needs 24 octets, got ${buf.length}`, 0, {
      length: buf.length,
    });
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = view.getUint16(0);
  if (version !== 5)
    throw new DecodeError('netflow', 'bad_version', `expected version 5, got ${version}`, 0, { version });
  const sampling = view.getUint16(22);
  return {
    version: 5,
    count: view.getUint16(2),
    sysUptime: view.getUint32(4),
    unixSecs: view.getUint32(8),
    unixNsecs: view.getUint32(12),
    flowSequence: view.getUint32(16),
    engineType: buf[20] as number,
    engineId: buf[21] as number,
    samplingMode: sampling >>> 14,
    samplingInterval: sampling & 0x3fff,
  };
}

/**
 * Decodes a v5 packet. The count must be 1–30 (`bad_count`) and the datagram exactly
 * 24 + 48 × count octets (`count_mismatch`). A sampling interval N ≥ 1 in the header is set on every
 * record as `samplingInterval` (whatever the mode bits say; exporters disagree on them).
 */
export function decodeV5(bytes: Uint8Array, exporter: string): V5Packet {
  const header = decodeV5Header(bytes);
  const { count } = header;
  if (count < 1 || count > V5_MAX_RECORDS) {
    throw new DecodeError('netflow', 'bad_count', `count ${count}; a v5 packet carries 1–30 records`, 2, {
      count,
    });
  }
  const expected = V5_HEADER_BYTES + count * V5_RECORD_BYTES;
  if (bytes.length !== expected) {
    throw new DecodeError(
      'netflow',
      'count_mismatch',
      `count ${count} needs ${expected} octets, got ${bytes.length}`,
      2,
      {
        count,
        expected,
        actual: bytes.length,
      },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const exportMs = header.unixSecs * 1000 + Math.floor(header.unixNsecs / 1_000_000);
  const domain = (header.engineType << 8) | header.engineId;
  const sampling = header.samplingInterval >= 1 ? header.samplingInterval : undefined;
  const records: FlowRecord[] = [];
  for (let i = 0, at = V5_HEADER_BYTES; i < count; i++, at += V5_RECORD_BYTES) {
    const first = view.getUint32(at + 24);
    const last = view.getUint32(at + 28);
    records.push({
      version: 5,
      exporter,
      observationDomainId: domain,
      sequence: header.flowSequence,
      templateId: 0,
      flowStart: isoMillis(exportMs - ((header.sysUptime - first) | 0)),
      flowEnd: isoMillis(exportMs - ((header.sysUptime - last) | 0)),
      samplingInterval: sampling,
      fields: {
        sourceIPv4Address: formatIpBytes(bytes, at, 4),
        destinationIPv4Address: formatIpBytes(bytes, at + 4, 4),
        ipNextHopIPv4Address: formatIpBytes(bytes, at + 8, 4),
        ingressInterface: view.getUint16(at + 12),
        egressInterface: view.getUint16(at + 14),
        packetDeltaCount: view.getUint32(at + 16),
        octetDeltaCount: view.getUint32(at + 20),
        flowStartSysUpTime: first,
        flowEndSysUpTime: last,
        sourceTransportPort: view.getUint16(at + 32),
        destinationTransportPort: view.getUint16(at + 34),
        tcpControlBits: bytes[at + 37] as number,
        protocolIdentifier: bytes[at + 38] as number,
        ipClassOfService: bytes[at + 39] as number,
        bgpSourceAsNumber: view.getUint16(at + 40),
        bgpDestinationAsNumber: view.getUint16(at + 42),
        sourceIPv4PrefixLength: bytes[at + 44] as number,
        destinationIPv4PrefixLength: bytes[at + 45] as number,
      },
    });
  }
  return { header, records };
}
