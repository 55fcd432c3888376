import { describe, expect, it } from 'vitest';
import { CidrSet } from '../../../src/actors/rules/cidr-set.js';
import {
  cidrContains,
  formatCidr,
  formatIp,
  ipv4FromMapped,
  parseCidr,
  parseIp,
  parseIpv4,
  type Cidr,
  type ParsedIp,
} from '../../../src/protocols/ip.js';

function ip(text: string): ParsedIp {
  const parsed = parseIp(text);
  if (parsed === undefined) throw new Error(`test setup: ${text} is not an address`);
  return parsed;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(`test setup: ${text} is not a CIDR`);
  return parsed;
}

describe('parseIp / parseIpv4 (IPv4)', () => {
  it.each([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['192.0.2.1', 0xc0000201],
    ['10.0.0.1', 0x0a000001],
    ['100.64.0.10', 0x6440000a],
  ])('ensures %s parses to %i', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(parseIp(text)).toEqual({ version: 4, value: BigInt(value) });
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '1..2.3',
    '.1.2.3',
    '1.2.3.4.',
    '256.0.0.1',
    '1.2.3.999',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.00',
    '+1.2.3.4',
    '-1.2.3.4',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4/8',
    '0x7f.0.0.1',
    '1.2.3.a',
    '１.2.3.4',
    '1234567890123456',
  ])('ensures %j is not an IPv4 address', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('parseIp (IPv6, RFC 4291 §2.2 text forms)', () => {
  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['1::', 1n << 112n],
    ['2001:db8::1', 0x20010db8000000000000000000000001n],
    ['2001:DB8::1', 0x20010db8000000000000000000000001n],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', 0x20010db8000000000000ff0000428329n],
    ['2001:db8:0:0:8:800:200c:417a', 0x20010db80000000000080800200c417an],
    ['ff01::101', 0xff010000000000000000000000000101n],
    ['::ffff:192.0.2.1', 0xffffc0000201n],
    ['::ffff:c000:201', 0xffffc0000201n],
    ['::13.1.68.3', 0x0d014403n],
    ['64:ff9b::192.0.2.33', 0x0064ff9b0000000000000000c0000221n],
    ['1:2:3:4:5:6:1.2.3.4', 0x00010002000300040005000601020304n],
    ['1:2:3:4:5:6:7::', 0x00010002000300040005000600070000n],
    ['::2:3:4:5:6:7:8', 0x00000002000300040005000600070008n],
    ['ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255', (1n << 128n) - 1n],
  ])('ensures %s parses to %s', (text, value) => {
    expect(parseIp(text)).toEqual({ version: 6, value });
  });

  it.each([
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    '::1::',
    ':1::',
    '1::2:',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:',
    '12345::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    'g::1',
    'fe80::1%eth0',
    '[::1]',
    '::1/128',
    ' ::1',
    '::1 ',
    '::1.2.3',
    '::1.2.3.256',
    '::01.2.3.4',
    '1.2.3.4::',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:6:7:8:1.2.3.4',
    '0x1::',
  ])('ensures %j is not an IPv6 address', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('formatIp (RFC 5952)', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0000:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:DB8::AAAA', '2001:db8::aaaa'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:0', '1:0:3:4:5:6:7:0'],
    ['::ffff:c000:0201', '::ffff:192.0.2.1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::c000:201', '::c000:201'],
    ['192.0.2.1', '192.0.2.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
  ])('ensures %s formats as %s and the canonical form parses to the same value', (text, canonical) => {
    const parsed = ip(text);
    expect(formatIp(parsed)).toBe(canonical);
    expect(parseIp(canonical)).toEqual(parsed);
  });
});

describe('ipv4FromMapped', () => {
  it('ensures only ::ffff:0:0/96 addresses map to IPv4', () => {
    expect(ipv4FromMapped(ip('::ffff:10.1.2.3'))).toEqual(ip('10.1.2.3'));
    expect(ipv4FromMapped(ip('::10.1.2.3'))).toBeUndefined();
    expect(ipv4FromMapped(ip('10.1.2.3'))).toBeUndefined();
  });
});

describe('parseCidr / cidrContains', () => {
  it.each([
    ['10.0.0.0/8', 4, 0x0a000000n, 8],
    ['10.1.2.3/8', 4, 0x0a000000n, 8],
    ['0.0.0.0/0', 4, 0n, 0],
    ['192.0.2.1', 4, 0xc0000201n, 32],
    ['192.0.2.255/31', 4, 0xc00002fen, 31],
    ['2001:db8::/32', 6, 0x20010db8n << 96n, 32],
    ['2001:db8:ffff::1/32', 6, 0x20010db8n << 96n, 32],
    ['::/0', 6, 0n, 0],
    ['::1', 6, 1n, 128],
  ] as const)(
    'ensures %s parses to base %s prefix %i with host bits cleared',
    (text, version, base, prefix) => {
      expect(parseCidr(text)).toEqual({ version, base, prefix });
    },
  );

  it.each([
    '',
    '/8',
    '10.0.0.0/',
    '10.0.0.0/33',
    '10.0.0.0/08',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/8/8',
    '10.0.0.0/ 8',
    '10.0.0.0/1000',
    '::/129',
    '10.0.0/8',
    'fe80::1%eth0/64',
  ])('ensures %j is not a CIDR', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('ensures containment holds exactly at the network boundaries', () => {
    const net = cidr('192.168.4.0/22');
    expect(cidrContains(net, ip('192.168.4.0'))).toBe(true);
    expect(cidrContains(net, ip('192.168.7.255'))).toBe(true);
    expect(cidrContains(net, ip('192.168.3.255'))).toBe(false);
    expect(cidrContains(net, ip('192.168.8.0'))).toBe(false);
    const v6 = cidr('2001:db8::/32');
    expect(cidrContains(v6, ip('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'))).toBe(true);
    expect(cidrContains(v6, ip('2001:db9::'))).toBe(false);
  });

  it('ensures a network never contains an address of the other version', () => {
    expect(cidrContains(cidr('0.0.0.0/0'), ip('::1'))).toBe(false);
    expect(cidrContains(cidr('::/0'), ip('1.2.3.4'))).toBe(false);
    expect(cidrContains(cidr('::/0'), ip('::ffff:1.2.3.4'))).toBe(true);
    expect(cidrContains(cidr('1.2.3.0/24'), ip('::ffff:1.2.3.4'))).toBe(false);
  });

  it('ensures formatCidr prints the canonical base', () => {
    expect(formatCidr(cidr('2001:0DB8:0:0:1::/64'))).toBe('2001:db8::/64');
    expect(formatCidr(cidr('10.9.8.7/16'))).toBe('10.9.0.0/16');
  });
});

describe('CidrSet', () => {
  const set = new CidrSet(
    ['10.0.0.0/8', '192.168.1.0/24', '192.168.1.7/32', '0.0.0.0/1', '2001:db8::/32', 'fe80::/10', '::1'].map(
      cidr,
    ),
  );

  it.each([
    ['10.255.0.1', true],
    ['127.0.0.1', true], // 0.0.0.0/1
    ['192.168.1.200', true],
    ['192.168.2.1', false],
    ['200.1.1.1', false],
    ['2001:db8:1::1', true],
    ['febf::1', true],
    ['fec0::1', false],
    ['::1', true],
    ['::2', false],
    ['::ffff:10.0.0.1', false],
    ['not an ip', false],
    ['', false],
    ['10.0.0.1 ', false],
  ])('ensures %s membership is %s', (text, expected) => {
    expect(set.containsText(text)).toBe(expected);
    const parsed = parseIp(text);
    if (parsed !== undefined) expect(set.contains(parsed)).toBe(expected);
  });

  it('ensures a /0 network contains every address of its version and none of the other', () => {
    const all4 = new CidrSet([cidr('0.0.0.0/0')]);
    expect(all4.containsText('255.255.255.255')).toBe(true);
    expect(all4.containsText('0.0.0.0')).toBe(true);
    expect(all4.containsText('::')).toBe(false);
    const all6 = new CidrSet([cidr('::/0')]);
    expect(all6.containsText('ffff::')).toBe(true);
    expect(all6.containsText('1.2.3.4')).toBe(false);
  });

  it('ensures an empty set contains nothing', () => {
    expect(new CidrSet([]).containsText('1.2.3.4')).toBe(false);
    expect(new CidrSet([]).containsText('::1')).toBe(false);
  });
});
