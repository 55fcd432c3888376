/** TS 32.298 CDR decoding errors: every code, the field named in the context, limits before allocation. */
import { describe, expect, it } from 'vitest';
import { decodeCdr, encodeCdr, type CdrRecord } from '../../../../src/protocols/cdr/index.js';
import { codeOf, errorOf, records } from './fixtures.js';

describe('TS 32.298 CDR errors', () => {
  const good = encodeCdr(records[1] as CdrRecord);
  it('ensures each malformed input is a DecodeError with a code naming the problem', () => {
    expect(codeOf(() => decodeCdr(Uint8Array.from([0x30, 0x00])))).toBe('unsupported_record_type');
    expect(codeOf(() => decodeCdr(good.subarray(0, good.length - 1)))).toBe('length_exceeds_frame');
    expect(codeOf(() => decodeCdr(new Uint8Array([...good, 0])))).toBe('trailing_bytes');
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x03, 0x80, 0x01, 0x55])))).toBe(
      'record_type_mismatch',
    );
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x04, 0x83, 0x02, 0x1a, 0x32])))).toBe(
      'invalid_tbcd',
    );
    expect(
      codeOf(() =>
        decodeCdr(Uint8Array.from([0xb5, 0x0b, 0x8d, 0x09, 0x26, 0x02, 0x30, 0x10, 0, 0, 0x2b, 1, 0])),
      ),
    ).toBe('invalid_timestamp');
    expect(
      codeOf(() =>
        decodeCdr(Uint8Array.from([0xb5, 0x0b, 0x8d, 0x09, 0x26, 0x02, 0x28, 0x10, 0, 0, 0x3d, 1, 0])),
      ),
    ).toBe('invalid_timestamp');
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x05, 0xa4, 0x03, 0x80, 0x01, 0x0a])))).toBe(
      'invalid_address',
    );
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x02, 0x85, 0x00])))).toBe('empty_integer');
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x03, 0x85, 0x01, 0x80])))).toBe('negative_integer');
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x04, 0xa5, 0x02, 0x80, 0x00])))).toBe(
      'unexpected_constructed',
    );
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x04, 0xac, 0x02, 0x04, 0x00])))).toBe(
      'invalid_container',
    );
    // A length that claims 2 GiB inside a few bytes: refused before anything is read.
    expect(codeOf(() => decodeCdr(Uint8Array.from([0xb5, 0x84, 0x80, 0, 0, 0, 0x80])))).toBe(
      'length_exceeds_frame',
    );
  });

  it('ensures nesting and container limits hold before allocation', () => {
    // Indefinite-length values are walked to find their end: 40 levels of them pass the limit.
    let deep: number[] = [0x05, 0x00];
    for (let i = 0; i < 40; i++) deep = [0xa1, 0x80, ...deep, 0x00, 0x00];
    const nested = Uint8Array.from([0xb5, 0x80, ...deep, 0x00, 0x00]);
    expect(codeOf(() => decodeCdr(nested))).toBe('depth_limit');
    const many = encodeCdr({
      ...(records[1] as CdrRecord),
      listOfTrafficVolumes: Array.from({ length: 5 }, () => ({ changeCondition: 1 })),
    });
    expect(codeOf(() => decodeCdr(many, { maxContainers: 4 }))).toBe('container_limit');
    expect(codeOf(() => decodeCdr(many, { maxElements: 10 }))).toBe('element_limit');
  });
});

describe('TS 32.298 CDR error context', () => {
  /** A G-CDR holding the given field TLVs. */
  const gcdr = (...fields: number[]): Uint8Array => Uint8Array.from([0xb5, fields.length, ...fields]);

  it('ensures a malformed known field names the field, whether the CDR or the BER layer found it', () => {
    const cases: [Uint8Array, string, string][] = [
      [gcdr(0x85, 0x00), 'empty_integer', 'chargingID'],
      [gcdr(0x87, 0x02, 0x61, 0xe9), 'invalid_ia5', 'accessPointNameNI'],
      [gcdr(0x83, 0x02, 0x1a, 0x32), 'invalid_tbcd', 'servedIMSI'],
      [gcdr(0x96, 0x01, 0x91), 'invalid_msisdn', 'servedMSISDN'],
      [gcdr(0x9b, 0x02, 0x62, 0xf2), 'invalid_plmn', 'servingNodePLMNIdentifier'],
      [gcdr(0x8b, 0x02, 0xff, 0xff), 'invalid_boolean', 'dynamicAddressFlag'],
      [gcdr(0x90, 0x01, 0x00), 'unexpected_primitive', 'diagnostics'],
      [gcdr(0xa4, 0x06, 0x80, 0x04, 10, 0, 0, 1), 'decoded', ''],
      [gcdr(0xa4, 0x06, 0x80, 0x03, 10, 0, 0, 1), 'invalid_address', 'ggsnAddress'],
      [gcdr(0xa4, 0x09, 0x82, 0x07, 0x31, 0x2e, 0x32, 0x2e, 0x33, 0x2e, 0x34), 'decoded', ''],
      [
        gcdr(0xa4, 0x09, 0x82, 0x07, 0x31, 0x2e, 0x32, 0x2e, 0x33, 0x2e, 0x78),
        'invalid_address',
        'ggsnAddress',
      ],
      [gcdr(0xa9, 0x04, 0xa2, 0x02, 0x80, 0x00), 'invalid_address', 'servedPDPAddress'],
      [gcdr(0xa9, 0x05, 0xa0, 0x03, 0xa4, 0x01, 0x00), 'truncated', 'servedPDPAddress'],
      [
        gcdr(0xac, 0x05, 0x30, 0x03, 0x86, 0x01, 0x00),
        'invalid_timestamp',
        'listOfTrafficVolumes.changeTime',
      ],
      [gcdr(0xac, 0x05, 0x30, 0x03, 0x83, 0x01, 0xff), 'negative_integer', 'listOfTrafficVolumes'],
      [gcdr(0xa6, 0x04, 0x80, 0x05, 0x00, 0x00), 'length_exceeds_frame', 'sgsnAddress'],
    ];
    for (const [bytes, code, field] of cases) {
      const err = errorOf(() => decodeCdr(bytes));
      expect(
        [err?.code ?? 'decoded', err?.context['field'] ?? ''],
        Buffer.from(bytes).toString('hex'),
      ).toEqual([code, field]);
    }
    const ber = errorOf(() => decodeCdr(gcdr(0x85, 0x00)));
    expect(ber?.message).toBe('ber: empty_integer at offset 2: chargingID: INTEGER with no content octets');
  });

  it('ensures IPv6 prefixes and X.121 PDP addresses are read and range-checked', () => {
    const v6 = [0x04, 0x10, 0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(12).fill(0)];
    const pdp = (inner: number[]): Uint8Array =>
      gcdr(0xa9, inner.length + 4, 0xa0, inner.length + 2, 0xa4, inner.length, ...inner);
    expect(decodeCdr(pdp(v6)).servedPDPAddress).toBe('2001:db8::/64');
    expect(decodeCdr(pdp([...v6, 0x02, 0x01, 0x30])).servedPDPAddress).toBe('2001:db8::/48');
    expect(codeOf(() => decodeCdr(pdp([...v6, 0x02, 0x01, 0x41])))).toBe('invalid_address');
    expect(codeOf(() => decodeCdr(pdp([...v6, 0x04, 0x01, 0x30])))).toBe('invalid_address');
    expect(codeOf(() => decodeCdr(pdp([0x04, 0x04, 10, 0, 0, 1])))).toBe('invalid_address');
    expect(decodeCdr(gcdr(0xa9, 0x05, 0x81, 0x03, 0x83, 0x21, 0xf3)).servedPDPAddress).toBe('123');
  });
});
