/** Typed values: every wire type decodes, encodes back, and rejects the wrong size or input. */
import { describe, expect, it } from 'vitest';
import {
  attributeByName,
  attributeByType,
  decodePacket,
  encodePacket,
  decodeValue,
  encodeValue,
  formatDate,
  valueName,
  type AttributeInput,
  type RadiusValue,
  type RadiusValueType,
} from '../../../../src/protocols/radius/index.js';
import { decodeError, encodeError, hex, rawPacket, toHex } from './helpers.js';

const decode = (type: RadiusValueType, octets: string, fixedLength?: number): RadiusValue => {
  const buf = hex(octets);
  return decodeValue(type, buf, 0, buf.length, 'Test-Attribute', fixedLength);
};

describe('radius values', () => {
  const cases: [RadiusValueType, string, RadiusValue][] = [
    ['string', '616c696365', 'alice'],
    ['string', 'c3a46f', 'äo'],
    ['string', '', ''],
    ['octets', '0102abcd', '0102abcd'],
    ['octets', '', ''],
    ['ipaddr', 'c0000201', '192.0.2.1'],
    ['ipv6addr', '20010db8000000000000000000000001', '2001:db8::1'],
    ['ipv6prefix', '004020010db8000100000000000000000000', '2001:db8:1::/64'],
    ['ipv6prefix', '0000', '::/0'],
    ['ipv6prefix', '008020010db8000000000000000000000001', '2001:db8::1/128'],
    ['integer', '00000000', 0],
    ['integer', 'ffffffff', 4294967295],
    ['integer', '12345678', 305419896],
    ['byte', '06', 6],
    ['integer64', '0000000200000005', 8589934597n],
    ['integer64', 'ffffffffffffffff', 18446744073709551615n],
    ['date', '6553f100', '2023-11-14T22:13:20Z'],
    ['date', '00000000', '1970-01-01T00:00:00Z'],
    ['date', 'ffffffff', '2106-02-07T06:28:15Z'],
    ['ifid', '0011223344556677', '0011:2233:4455:6677'],
  ];

  it('ensures every type decodes to its text, number or bigint form and encodes back to the same octets', () => {
    for (const [type, octets, value] of cases) {
      expect(decode(type, octets), `${type} ${octets}`).toEqual(value);
      const canonical = type === 'ipv6prefix' ? octets.padEnd(36, '0') : octets;
      expect(toHex(encodeValue(type, value, 'Test-Attribute')), `${type} ${String(value)}`).toBe(canonical);
    }
  });

  it('ensures a short IPv6 prefix field (RFC 3162 §2.3 allows fewer octets) decodes and host bits are cleared', () => {
    expect(decode('ipv6prefix', '002020010db8')).toBe('2001:db8::/32');
    expect(decode('ipv6prefix', '003020010db8ffff')).toBe('2001:db8:ffff::/48');
    expect(decode('ipv6prefix', '000c2001ffff')).toBe('2000::/12');
    expect(decode('ipv6prefix', '00412001ffffffffffffffff')).toBe('2001:ffff:ffff:ffff:8000::/65');
  });

  it('ensures an IPv6 prefix length over 128, or not covered by its octets, is bad_attribute_value', () => {
    for (const octets of ['00812001', '00402001', '0009']) {
      const err = decodeError(() => decode('ipv6prefix', octets));
      expect(err.code, octets).toBe('bad_attribute_value');
      expect(err.context['attribute']).toBe('Test-Attribute');
    }
  });

  it('ensures a value of the wrong size is bad_attribute_length naming the attribute and type', () => {
    const wrong: [RadiusValueType, string][] = [
      ['ipaddr', 'c00002'],
      ['ipaddr', 'c000020101'],
      ['ipv6addr', '20010db8'],
      ['ipv6prefix', '00'],
      ['ipv6prefix', '00'.repeat(19)],
      ['integer', '000001'],
      ['integer', '0000000001'],
      ['byte', ''],
      ['byte', '0102'],
      ['integer64', '00000001'],
      ['date', '65'],
      ['ifid', '00112233'],
    ];
    for (const [type, octets] of wrong) {
      const err = decodeError(() => decode(type, octets));
      expect(err.protocol).toBe('radius');
      expect(err.code, `${type} ${octets}`).toBe('bad_attribute_length');
      expect(err.message).toContain('Test-Attribute');
      expect(err.context).toEqual({ attribute: 'Test-Attribute', dataType: type, length: octets.length / 2 });
    }
    expect(decodeError(() => decode('octets', '00', 16)).code).toBe('bad_attribute_length');
  });

  it('ensures a wrong-size standard attribute in a packet is bad_attribute_length with its name and offset', () => {
    const err = decodeError(() => decodePacket(rawPacket(4, [44, 3, 0x61, 4, 5, 192, 0, 2])));
    expect(err.code).toBe('bad_attribute_length');
    expect(err.offset).toBe(25);
    expect(err.context).toEqual({ attribute: 'NAS-IP-Address', dataType: 'ipaddr', length: 3 });
    const ma = decodeError(() => decodePacket(rawPacket(4, [80, 4, 0, 0])));
    expect(ma.context).toEqual({ attribute: 'Message-Authenticator', dataType: 'octets', length: 2 });
  });

  it('ensures invalid UTF-8 in a string becomes U+FFFD while the raw octets stay in the packet', () => {
    const p = decodePacket(rawPacket(4, [1, 5, 0x61, 0xff, 0x62]));
    expect(p.attributes[0]?.value).toBe('a\ufffdb');
    expect(toHex(p.bytes.subarray(22, 25))).toBe('61ff62');
  });

  it('ensures the encoder accepts the documented alternative inputs', () => {
    expect(toHex(encodeValue('octets', Uint8Array.of(1, 2), 'X'))).toBe('0102');
    expect(toHex(encodeValue('octets', 'ABcd', 'X'))).toBe('abcd');
    expect(toHex(encodeValue('integer64', 5, 'X'))).toBe('0000000000000005');
    expect(toHex(encodeValue('date', 1700000000, 'X'))).toBe('6553f100');
    expect(toHex(encodeValue('date', '2023-11-14T22:13:20.000Z', 'X'))).toBe('6553f100');
    expect(toHex(encodeValue('ipv6prefix', '2001:db8::ff/32', 'X'))).toBe('002020010db8' + '00'.repeat(12));
    expect(toHex(encodeValue('integer', 7n, 'X'))).toBe('00000007');
  });

  it('ensures inputs a type cannot hold are EncodeError invalid_value naming the attribute', () => {
    const bad: [RadiusValueType, RadiusValue | Uint8Array][] = [
      ['string', 5],
      ['octets', 'abc'],
      ['octets', 'zz'],
      ['ipaddr', '2001:db8::1'],
      ['ipaddr', '300.1.1.1'],
      ['ipv6addr', '192.0.2.1'],
      ['ipv6prefix', '2001:db8::'],
      ['ipv6prefix', '2001:db8::/129'],
      ['ipv6prefix', '192.0.2.0/24'],
      ['ipv6prefix', '2001:db8::/064'],
      ['integer', -1],
      ['integer', 4294967296],
      ['integer', 1.5],
      ['integer', '7'],
      ['byte', 256],
      ['integer64', -1n],
      ['integer64', 2n ** 64n],
      ['integer64', 2 ** 60],
      ['date', '2023-11-14 22:13:20'],
      ['date', '2023-11-14T22:13:20.5Z'],
      ['date', '1969-12-31T23:59:59Z'],
      ['ifid', '0011:2233:4455'],
      ['ifid', 5],
    ];
    for (const [type, value] of bad) {
      const err = encodeError(() => encodeValue(type, value, 'My-Attribute'));
      expect(err.code, `${type} ${String(value)}`).toBe('invalid_value');
      expect(err.context).toEqual({ attribute: 'My-Attribute', dataType: type });
    }
  });

  it('ensures dates format as ISO 8601 UTC without fractions', () => {
    expect(formatDate(Date.UTC(2026, 11, 4, 10, 15, 30) / 1000)).toBe('2026-12-04T10:15:30Z');
  });

  it('ensures enumerated values keep both the number and the name, and the dictionary knows RFC and 3GPP names', () => {
    expect(valueName('Acct-Status-Type', 3)).toBe('Interim-Update');
    expect(valueName('Acct-Status-Type', 7)).toBe('Accounting-On');
    expect(valueName('Acct-Status-Type', 8)).toBe('Accounting-Off');
    expect(valueName('Acct-Status-Type', 15)).toBe('Failed');
    expect(valueName('Acct-Status-Type', 4)).toBeUndefined();
    for (let cause = 1; cause <= 22; cause++)
      expect(valueName('Acct-Terminate-Cause', cause), String(cause)).toBeDefined();
    expect(valueName('Acct-Terminate-Cause', 18)).toBe('Host-Request');
    expect(valueName('NAS-Port-Type', 19)).toBe('Wireless-802.11');
    expect(valueName('Service-Type', 2)).toBe('Framed-User');
    expect(valueName('Framed-Protocol', 1)).toBe('PPP');
    expect(valueName('3GPP-RAT-Type', 6)).toBe('EUTRAN');
    expect(valueName('3GPP-RAT-Type', 10)).toBe('NR');
    expect(attributeByName('3GPP-IMSI')).toMatchObject({ type: 1, vendorId: 10415, dataType: 'string' });
    expect(attributeByName('3GPP-CG-Address')).toMatchObject({ type: 4, dataType: 'ipaddr' });
    expect(attributeByName('3GPP-Allocate-IP-Type')).toMatchObject({ type: 27, dataType: 'byte' });
    expect(attributeByName('Framed-IPv6-Prefix')).toMatchObject({ type: 97, dataType: 'ipv6prefix' });
    expect(attributeByName('Framed-Interface-Id')).toMatchObject({ type: 96, dataType: 'ifid' });
    expect(attributeByName('Event-Timestamp')).toMatchObject({ type: 55, dataType: 'date' });
    expect(attributeByName('NAS-Port-Id')).toMatchObject({ type: 87, dataType: 'string' });
  });

  it('ensures every dictionary attribute round-trips a value of its type through a packet', () => {
    const sample: Record<RadiusValueType, RadiusValue> = {
      string: 'x-1',
      octets: '00ff',
      ipaddr: '10.0.0.1',
      ipv6addr: 'fe80::1',
      ipv6prefix: '2001:db8::/48',
      integer: 123456,
      byte: 200,
      integer64: 1n << 40n,
      date: '2030-01-01T00:00:00Z',
      ifid: '0000:0000:0000:0001',
    };
    const names = [
      ...Array.from({ length: 256 }, (_, t) => attributeByName(decodePacketName(t))),
      ...Array.from({ length: 28 }, (_, t) => attributeByName(decodePacketName(t, 10415))),
    ].filter((d) => d !== undefined);
    expect(names.length).toBeGreaterThan(100);
    for (const def of names) {
      const value = def.fixedLength === undefined ? sample[def.dataType] : '00'.repeat(def.fixedLength);
      const p = decodePacket(encodePacketOf([{ name: def.name, value }]));
      expect(p.attributes[0]?.name, def.name).toBe(def.name);
      expect(p.attributes[0]?.value, def.name).toEqual(value);
    }
  });
});

function decodePacketName(type: number, vendorId = 0): string {
  return attributeByType(type, vendorId)?.name ?? '';
}

function encodePacketOf(attributes: AttributeInput[]): Uint8Array {
  return encodePacket({ code: 4, identifier: 1, attributes });
}
