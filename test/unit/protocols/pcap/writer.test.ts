import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_TSHARK, requireTshark, TSHARK } from '../../../helpers/tshark.js';
import { EncodeError } from '../../../../src/protocols/errors.js';
import { encodeFrame } from '../../../../src/protocols/gtpp/index.js';
import {
  encodePcapHeader,
  ipv4HeaderChecksum,
  PcapUdpEncoder,
} from '../../../../src/protocols/pcap/writer.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('pcap writer', () => {
  it('ensures the global header is libpcap 2.4, microseconds, little-endian, LINKTYPE_ETHERNET', () => {
    expect(hex(encodePcapHeader())).toBe(
      'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000',
    );
  });

  it('ensures the IPv4 header checksum matches the RFC 1071 worked example (192.168.0.1 → 192.168.0.199)', () => {
    // The classic example header with checksum 0xb861.
    const h = Uint8Array.from(Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex'));
    expect(ipv4HeaderChecksum(h)).toBe(0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    expect(ipv4HeaderChecksum(h)).toBe(0xb861); // the stored checksum does not count
  });

  it('ensures a record carries the timestamp, lengths, Ethernet, IPv4 and UDP headers with the real addresses and ports', () => {
    const payload = Uint8Array.from([1, 2, 3, 4, 5]);
    const r = new PcapUdpEncoder().encode({
      timestampUs: 1_700_000_000_123_456,
      source: { address: '127.0.0.10', port: 40000 },
      destination: { address: '127.0.0.1', port: 3386 },
      payload,
    });
    const v = new DataView(r.buffer);
    expect(v.getUint32(0, true)).toBe(1_700_000_000);
    expect(v.getUint32(4, true)).toBe(123_456);
    const frameLength = 14 + 20 + 8 + 5;
    expect(v.getUint32(8, true)).toBe(frameLength);
    expect(v.getUint32(12, true)).toBe(frameLength);
    expect(r.length).toBe(16 + frameLength);
    expect(hex(r.subarray(16, 30))).toBe('02007f000001' + '02007f00000a' + '0800');
    const ip = r.subarray(30, 50);
    expect(ip[0]).toBe(0x45);
    expect(v.getUint16(30 + 2)).toBe(20 + 8 + 5);
    expect(ip[9]).toBe(17);
    expect(hex(ip.subarray(12, 16))).toBe('7f00000a');
    expect(hex(ip.subarray(16, 20))).toBe('7f000001');
    expect(v.getUint16(30 + 10)).toBe(ipv4HeaderChecksum(ip));
    expect(v.getUint16(50)).toBe(40000);
    expect(v.getUint16(52)).toBe(3386);
    expect(v.getUint16(54)).toBe(13);
    expect(v.getUint16(56)).not.toBe(0);
    expect(hex(r.subarray(58))).toBe('0102030405');
  });

  it('ensures IPv4 identification advances per datagram and the checksum follows it', () => {
    const enc = new PcapUdpEncoder();
    const d = {
      timestampUs: 0,
      source: { address: '127.0.0.1', port: 1 },
      destination: { address: '127.0.0.2', port: 2 },
      payload: new Uint8Array(0),
    };
    const a = enc.encode(d);
    const b = enc.encode(d);
    expect(new DataView(a.buffer).getUint16(34)).toBe(0);
    expect(new DataView(b.buffer).getUint16(34)).toBe(1);
    expect(ipv4HeaderChecksum(b.subarray(30, 50))).toBe(new DataView(b.buffer).getUint16(40));
  });

  it('ensures IPv6 datagrams get a 40-octet header and EtherType 0x86dd', () => {
    const r = new PcapUdpEncoder().encode({
      timestampUs: 0,
      source: { address: '::1', port: 5 },
      destination: { address: '::1', port: 6 },
      payload: Uint8Array.from([9]),
    });
    expect(hex(r.subarray(28, 30))).toBe('86dd');
    expect(r[30]).toBe(0x60);
    expect(r[36]).toBe(17);
    expect(hex(r.subarray(38, 54))).toBe('00000000000000000000000000000001');
    expect(r.length).toBe(16 + 14 + 40 + 8 + 1);
  });

  it('ensures bad input is an EncodeError with a bounded code', () => {
    const enc = new PcapUdpEncoder();
    const base = {
      timestampUs: 0,
      source: { address: '127.0.0.1', port: 1 },
      destination: { address: '127.0.0.2', port: 2 },
      payload: new Uint8Array(0),
    };
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(EncodeError);
        return (err as EncodeError).code;
      }
      return 'no error';
    };
    expect(code(() => enc.encode({ ...base, source: { address: 'gsn-1', port: 1 } }))).toBe(
      'invalid_address',
    );
    expect(code(() => enc.encode({ ...base, destination: { address: '::1', port: 2 } }))).toBe(
      'address_family_mismatch',
    );
    expect(code(() => enc.encode({ ...base, source: { address: '127.0.0.1', port: 70_000 } }))).toBe(
      'invalid_port',
    );
    expect(code(() => enc.encode({ ...base, payload: new Uint8Array(65_535 - 27) }))).toBe(
      'payload_too_large',
    );
  });

  requireTshark('pcap dissection');

  it.skipIf(!HAVE_TSHARK)(
    "ensures tshark dissects a written capture as GTP' with good IP and UDP checksums, and a response answering several requests with all their sequence numbers",
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'narflow-pcap-'));
      try {
        const enc = new PcapUdpEncoder();
        const gsn = { address: '127.0.0.10', port: 40000 };
        const cgf = { address: '127.0.0.1', port: 3386 };
        const request = encodeFrame({
          version: 2,
          longHeader: false,
          sequence: 7,
          message: { type: 'echo-request' },
        });
        const response = encodeFrame({
          version: 2,
          longHeader: false,
          sequence: 7,
          // A coalesced answer, as gtpp-ei sends for requests made durable together.
          message: { type: 'data-record-transfer-response', cause: 128, requestsResponded: [7, 8, 9] },
        });
        const file = join(dir, 'x.pcap');
        writeFileSync(
          file,
          Buffer.concat([
            encodePcapHeader(),
            enc.encode({
              timestampUs: 1_700_000_000_000_000,
              source: gsn,
              destination: cgf,
              payload: request,
            }),
            enc.encode({
              timestampUs: 1_700_000_000_000_500,
              source: cgf,
              destination: gsn,
              payload: response,
            }),
          ]),
        );
        const out = execFileSync(
          TSHARK,
          [
            '-r',
            file,
            '-d',
            'udp.port==3386,gtpprime',
            '-o',
            'ip.check_checksum:TRUE',
            '-o',
            'udp.check_checksum:TRUE',
            '-T',
            'fields',
            '-e',
            'frame.protocols',
            '-e',
            'ip.src',
            '-e',
            'udp.srcport',
            '-e',
            'ip.checksum.status',
            '-e',
            'udp.checksum.status',
            '-e',
            'gtp.seq_number',
            '-e',
            'gtp.message',
            '-e',
            'gtp.cause',
            '-e',
            'gtp.requests_responded',
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
        );
        expect(
          out
            .trim()
            .split('\n')
            .map((l) => l.split('\t')),
        ).toEqual([
          ['eth:ethertype:ip:udp:gtpprime', '127.0.0.10', '40000', '1', '1', '0x0007', '0x01', '', ''],
          ['eth:ethertype:ip:udp:gtpprime', '127.0.0.1', '3386', '1', '1', '0x0007', '0xf1', '128', '7,8,9'],
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
