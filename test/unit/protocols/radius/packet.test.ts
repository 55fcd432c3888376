/** Packet layer: header and length rules, the attribute walk, VSAs, and byte-identical re-encoding. */
import { describe, expect, it, vi } from 'vitest';
import {
  assemblePacket,
  decodePacket,
  encodePacket,
  RadiusCode,
  type AttributeInput,
} from '../../../../src/protocols/radius/index.js';
import { capturedVectors, decodeError, encodeError, hex, rawPacket, readVector, toHex } from './helpers.js';

describe('radius packet header', () => {
  it('ensures the RFC 2865 §7.1 Access-Request decodes to its four attributes', () => {
    const p = decodePacket(readVector('rfc2865-7.1-access-request'));
    expect(p.code).toBe(RadiusCode.AccessRequest);
    expect(p.identifier).toBe(0);
    expect(p.length).toBe(56);
    expect(toHex(p.authenticator)).toBe('0f403f9473978057bd83d5cb98f4227a');
    expect(p.attributes.map((a) => [a.name, a.value])).toEqual([
      ['User-Name', 'nemo'],
      ['User-Password', '0dbe708d93d413ce3196e43f782a0aee'],
      ['NAS-IP-Address', '192.168.1.16'],
      ['NAS-Port', 3],
    ]);
    expect(p.unknownAttributes).toBe(0);
  });

  it('ensures a datagram under 20 octets is too_short', () => {
    const err = decodeError(() => decodePacket(new Uint8Array(19)));
    expect(err.protocol).toBe('radius');
    expect(err.code).toBe('too_short');
    expect(err.context).toEqual({ bytes: 19 });
  });

  it('ensures a Length field below 20 or above 4096 is bad_length', () => {
    expect(decodeError(() => decodePacket(rawPacket(4, [], 19))).code).toBe('bad_length');
    const big = new Uint8Array(5000);
    big[2] = 4097 >> 8;
    big[3] = 4097 & 0xff;
    const err = decodeError(() => decodePacket(big));
    expect(err.code).toBe('bad_length');
    expect(err.context).toEqual({ length: 4097 });
  });

  it('ensures a datagram shorter than its Length field is truncated', () => {
    const err = decodeError(() => decodePacket(rawPacket(4, [1, 3, 0x61], 30)));
    expect(err.code).toBe('truncated');
    expect(err.context).toEqual({ length: 30, bytes: 23 });
  });

  it('ensures octets past Length are ignored as padding (RFC 2865 §3)', () => {
    const packet = rawPacket(4, [1, 3, 0x61]);
    const padded = Uint8Array.from([...packet, 0xde, 0xad, 0xbe, 0xef]);
    const p = decodePacket(padded);
    expect(p.length).toBe(23);
    expect(p.bytes).toEqual(packet);
    expect(p.attributes.map((a) => a.value)).toEqual(['a']);
  });

  it('ensures a packet of exactly 4096 octets decodes', () => {
    const attrs: number[] = [];
    while (attrs.length < 4096 - 20 - 255) attrs.push(25, 255, ...new Array<number>(253).fill(7));
    const rest = 4096 - 20 - attrs.length;
    attrs.push(25, rest, ...new Array<number>(rest - 2).fill(1));
    const p = decodePacket(rawPacket(4, attrs));
    expect(p.length).toBe(4096);
    expect(p.rawAttributes.length).toBe(16);
  });
});

describe('radius attribute walk', () => {
  it('ensures an attribute header cut by the end of the packet is attribute_overrun', () => {
    const err = decodeError(() => decodePacket(rawPacket(4, [1, 3, 0x61, 5])));
    expect(err.code).toBe('attribute_overrun');
    expect(err.offset).toBe(23);
  });

  it('ensures an attribute value running past Length is attribute_overrun, even with padding after it', () => {
    const packet = rawPacket(4, [1, 9, 0x61, 0x62]);
    const err = decodeError(() => decodePacket(Uint8Array.from([...packet, 0, 0, 0, 0, 0, 0])));
    expect(err.code).toBe('attribute_overrun');
    expect(err.context).toEqual({ type: 1, length: 9, left: 4 });
  });

  it('ensures an attribute Length of 0 or 1 is attribute_too_short', () => {
    for (const len of [0, 1]) {
      const err = decodeError(() => decodePacket(rawPacket(4, [44, len, 0x61])));
      expect(err.code).toBe('attribute_too_short');
      expect(err.context).toEqual({ type: 44, length: len });
    }
  });

  it('ensures an unknown attribute is kept as octets and counted, never fatal', () => {
    const p = decodePacket(rawPacket(4, [40, 6, 0, 0, 0, 1, 241, 5, 0xca, 0xfe, 0x01, 0, 2]));
    expect(p.unknownAttributes).toBe(2);
    expect(p.attributes.slice(1)).toEqual([
      {
        type: 241,
        name: 'Attr-241',
        dataType: 'octets',
        value: 'cafe01',
        known: false,
        offset: 28,
        length: 3,
      },
      { type: 0, name: 'Attr-0', dataType: 'octets', value: '', known: false, offset: 33, length: 0 },
    ]);
    expect(p.rawAttributes).toEqual([
      { type: 40, offset: 22, length: 4 },
      { type: 241, offset: 28, length: 3 },
      { type: 0, offset: 33, length: 0 },
    ]);
  });

  it('ensures the raw attributes of every vector tile the packet exactly', () => {
    for (const v of capturedVectors()) {
      const p = decodePacket(v.bytes);
      let at = 20;
      for (const r of p.rawAttributes) {
        expect(r.offset, v.name).toBe(at + 2);
        at = r.offset + r.length;
      }
      expect(at, v.name).toBe(p.length);
    }
  });
});

describe('radius Vendor-Specific', () => {
  const vsa = (vendor: number, ...body: number[]): number[] => [
    26,
    6 + body.length,
    vendor >>> 24,
    (vendor >>> 16) & 0xff,
    (vendor >>> 8) & 0xff,
    vendor & 0xff,
    ...body,
  ];

  it('ensures several 3GPP sub-attributes in one Vendor-Specific all decode', () => {
    const p = decodePacket(
      rawPacket(4, vsa(10415, 1, 5, 0x32, 0x36, 0x32, 2, 6, 0, 0, 0, 9, 21, 3, 6, 7, 6, 198, 51, 100, 1)),
    );
    expect(p.attributes.map((a) => [a.name, a.vendorId, a.vendorType, a.value, a.valueName])).toEqual([
      ['3GPP-IMSI', 10415, 1, '262', undefined],
      ['3GPP-Charging-ID', 10415, 2, 9, undefined],
      ['3GPP-RAT-Type', 10415, 21, 6, 'EUTRAN'],
      ['3GPP-GGSN-Address', 10415, 7, '198.51.100.1', undefined],
    ]);
    expect(p.attributes.every((a) => a.type === 26)).toBe(true);
    expect(p.rawAttributes).toHaveLength(1);
  });

  it('ensures an unknown vendor is kept whole as octets and counted', () => {
    const p = decodePacket(rawPacket(4, vsa(9, 1, 4, 0xab, 0xcd)));
    expect(p.unknownAttributes).toBe(1);
    expect(p.attributes).toEqual([
      {
        type: 26,
        vendorId: 9,
        name: 'Attr-26.9',
        dataType: 'octets',
        value: '0104abcd',
        known: false,
        offset: 26,
        length: 4,
      },
    ]);
  });

  it('ensures an unknown 3GPP sub-attribute is kept as octets and counted', () => {
    const p = decodePacket(rawPacket(4, vsa(10415, 200, 4, 1, 2, 1, 3, 0x39)));
    expect(p.unknownAttributes).toBe(1);
    expect(p.attributes.map((a) => [a.name, a.vendorType, a.value, a.known])).toEqual([
      ['Attr-26.10415.200', 200, '0102', false],
      ['3GPP-IMSI', 1, '9', true],
    ]);
  });

  it('ensures a Vendor-Specific without a whole Vendor-Id is vsa_too_short', () => {
    const err = decodeError(() => decodePacket(rawPacket(4, [26, 5, 0, 0, 0x28])));
    expect(err.code).toBe('vsa_too_short');
    expect(err.offset).toBe(20);
  });

  it('ensures a sub-attribute that overruns its Vendor-Specific is vsa_overrun', () => {
    const err = decodeError(() => decodePacket(rawPacket(4, [...vsa(10415, 1, 9, 0x32, 0x36), 44, 3, 0x61])));
    expect(err.code).toBe('vsa_overrun');
    expect(err.context).toEqual({ vendorId: 10415, vendorType: 1, length: 9 });
    expect(decodeError(() => decodePacket(rawPacket(4, vsa(10415, 1, 3, 0x32, 7)))).code).toBe('vsa_overrun');
  });

  it('ensures a sub-attribute Length below 2 is vsa_bad_length', () => {
    expect(decodeError(() => decodePacket(rawPacket(4, vsa(10415, 1, 1, 0x32)))).code).toBe('vsa_bad_length');
  });

  it('ensures a wrong-size 3GPP value is bad_attribute_length naming it', () => {
    const err = decodeError(() => decodePacket(rawPacket(4, vsa(10415, 2, 5, 0, 0, 1))));
    expect(err.code).toBe('bad_attribute_length');
    expect(err.message).toContain('3GPP-Charging-ID');
    expect(err.context).toEqual({ attribute: '3GPP-Charging-ID', dataType: 'integer', length: 3 });
  });
});

describe('radius packet encoding', () => {
  it('ensures every captured vector re-encodes byte for byte from its typed attributes', () => {
    for (const v of capturedVectors()) {
      const p = decodePacket(v.bytes);
      const again = encodePacket({
        code: p.code,
        identifier: p.identifier,
        authenticator: p.authenticator,
        attributes: p.attributes,
      });
      expect(toHex(again), v.name).toBe(toHex(v.bytes));
    }
  });

  it('ensures the RFC 2865 §7.1 packets re-encode byte for byte', () => {
    for (const name of ['rfc2865-7.1-access-request', 'rfc2865-7.1-access-accept']) {
      const bytes = readVector(name);
      const p = decodePacket(bytes);
      expect(toHex(encodePacket({ ...p, attributes: p.attributes })), name).toBe(toHex(bytes));
    }
  });

  it('ensures numbered attributes encode: standard, vendor sub-attribute, and whole vendor value', () => {
    const attributes: AttributeInput[] = [
      { type: 241, value: 'cafe' },
      { type: 44, value: 'abc' },
      { vendorId: 10415, vendorType: 21, value: 6 },
      { vendorId: 10415, vendorType: 99, value: Uint8Array.of(1) },
      { vendorId: 9, value: '0104abcd' },
    ];
    const bytes = encodePacket({ code: 4, identifier: 7, attributes });
    expect(toHex(bytes.subarray(20))).toBe(
      'f104cafe' + '2c05616263' + '1a09000028af150306' + '1a09000028af630301' + '1a0a000000090104abcd',
    );
    const p = decodePacket(bytes);
    expect(p.unknownAttributes).toBe(3);
    expect(encodePacket({ code: 4, identifier: 7, attributes: p.attributes })).toEqual(bytes);
  });

  it('ensures values over 253 octets, packets over 4096 octets and bad header fields are EncodeErrors', () => {
    expect(
      encodeError(() =>
        encodePacket({ code: 4, identifier: 0, attributes: [{ name: 'Class', value: new Uint8Array(254) }] }),
      ).code,
    ).toBe('value_too_long');
    expect(
      encodeError(() =>
        encodePacket({ code: 4, identifier: 0, attributes: [{ name: '3GPP-IMSI', value: 'x'.repeat(248) }] }),
      ).code,
    ).toBe('value_too_long');
    const many = Array.from({ length: 17 }, () => ({ name: 'Class', value: new Uint8Array(253) }));
    expect(encodeError(() => encodePacket({ code: 4, identifier: 0, attributes: many })).code).toBe(
      'packet_too_large',
    );
    expect(encodeError(() => encodePacket({ code: 4, identifier: 256, attributes: [] })).code).toBe(
      'invalid_value',
    );
    expect(encodeError(() => assemblePacket(4, 1, [], new Uint8Array(15))).code).toBe('invalid_value');
  });

  it('ensures unknown names, bad numbers and bad enumerated names are invalid_attribute', () => {
    const bad: AttributeInput[] = [
      { name: 'No-Such-Attribute', value: 1 },
      { type: 256, value: '' },
      { type: 26, value: '' },
      { type: 44, vendorId: 10415, vendorType: 1, value: 'x' },
      { name: 'Acct-Status-Type', value: 'Begin' },
      { name: 'Message-Authenticator', value: '00' },
    ];
    for (const a of bad) {
      expect(
        encodeError(() => encodePacket({ code: 4, identifier: 0, attributes: [a] })).code,
        JSON.stringify(a),
      ).toBe('invalid_attribute');
    }
  });

  it('ensures an encoded packet carries the given authenticator and a correct Length field', () => {
    const auth = hex('00112233445566778899aabbccddeeff');
    const bytes = encodePacket({
      code: 5,
      identifier: 9,
      authenticator: auth,
      attributes: [{ name: 'Proxy-State', value: '01' }],
    });
    expect(toHex(bytes)).toBe('0509001700112233445566778899aabbccddeeff210301');
  });

  it('ensures a packet assembled without an authenticator has sixteen zero octets there, whatever memory it got', () => {
    // Pooled memory is not cleared: hand out memory that holds something else.
    const dirty = vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((n: number) => Buffer.alloc(n, 0xa5));
    let bytes: Uint8Array;
    try {
      bytes = assemblePacket(4, 7, [{ type: 1, value: Uint8Array.of(0x41, 0x42) }]);
      expect(dirty).toHaveBeenCalled();
    } finally {
      dirty.mockRestore();
    }
    expect(toHex(bytes)).toBe('0407001800000000000000000000000000000000' + '01044142');
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
  });
});
