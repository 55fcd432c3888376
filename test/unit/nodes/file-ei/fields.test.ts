import { describe, expect, it } from 'vitest';
import { FieldError } from '../../../../src/actors/nodes/ei/errors.js';
import { compileField, convertField, type FieldRule } from '../../../../src/actors/nodes/ei/field-convert.js';
import { inputRuleSchema } from '../../../../src/actors/nodes/ei/field-rules.js';
import type { AttributeValue } from '../../../../src/protocols/nar/nar.js';

function converter(rule: Record<string, unknown>): (raw: string) => AttributeValue {
  const f = compileField(inputRuleSchema.parse({ name: 'x', ...rule }) as FieldRule);
  return (raw) => convertField(raw, f);
}

/** The FieldError code a conversion throws (fails the test when it converts). */
function code(convert: (raw: string) => AttributeValue, raw: string): string {
  try {
    const v = convert(raw);
    throw new Error(`expected a FieldError for ${JSON.stringify(raw)}, got ${String(v)}`);
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    expect(err.message).toMatch(/^field x: /);
    return err.code;
  }
}

describe('file-ei field types', () => {
  it('ensures string keeps the text, and an empty optional value is an empty string', () => {
    const c = converter({});
    expect(c(' a,b ')).toBe(' a,b ');
    expect(c('')).toBe('');
  });

  it('ensures a required field of any type quarantines an empty value as missing_value', () => {
    for (const type of ['string', 'integer', 'bigint', 'number', 'boolean', 'ip'] as const) {
      expect(code(converter({ type, required: true }), '')).toBe('missing_value');
    }
    expect(code(converter({ type: 'enum', values: ['a'], required: true }), '')).toBe('missing_value');
    expect(code(converter({ type: 'timestamp', format: 'iso8601', required: true }), '')).toBe(
      'missing_value',
    );
  });

  it('ensures an empty optional non-string value is null', () => {
    expect(converter({ type: 'integer' })('')).toBeNull();
    expect(converter({ type: 'ip' })('')).toBeNull();
    expect(converter({ type: 'enum', values: { a: 'b' } })('')).toBeNull();
    expect(converter({ type: 'timestamp', format: 'epoch-s' })('')).toBeNull();
  });

  it('ensures integer takes safe integers with a sign and rejects the rest as bad_integer', () => {
    const c = converter({ type: 'integer' });
    expect(c('-42')).toBe(-42);
    expect(c('+7')).toBe(7);
    expect(c('9007199254740991')).toBe(9007199254740991);
    for (const bad of ['9007199254740992', '1.5', '1e3', ' 1', '-', 'x', '0x10']) {
      expect(code(c, bad), bad).toBe('bad_integer');
    }
  });

  it('ensures bigint keeps every digit and rejects non-integers as bad_integer', () => {
    const c = converter({ type: 'bigint' });
    expect(c('123456789012345678901234567890')).toBe(123456789012345678901234567890n);
    expect(c('-5')).toBe(-5n);
    expect(code(c, '1.0')).toBe('bad_integer');
  });

  it('ensures number takes finite decimals and rejects the rest as bad_number', () => {
    const c = converter({ type: 'number' });
    expect(c('1.5')).toBe(1.5);
    expect(c('-2e3')).toBe(-2000);
    for (const bad of ['abc', 'Infinity', '  ', 'NaN']) expect(code(c, bad), bad).toBe('bad_number');
  });

  it('ensures boolean takes true/false/1/0 only', () => {
    const c = converter({ type: 'boolean' });
    expect([c('true'), c('1'), c('false'), c('0')]).toEqual([true, true, false, false]);
    for (const bad of ['TRUE', 'yes', '2']) expect(code(c, bad), bad).toBe('bad_boolean');
  });

  it('ensures ip normalises IPv4 and IPv6 to canonical text and rejects anything else as bad_ip', () => {
    const c = converter({ type: 'ip' });
    expect(c('192.0.2.1')).toBe('192.0.2.1');
    expect(c('2001:DB8:0000:0:0:0:0:1')).toBe('2001:db8::1');
    expect(c('::FFFF:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(c('fe80::')).toBe('fe80::');
    for (const bad of [
      '192.0.2.256',
      '192.0.2',
      '010.0.0.1',
      '2001:db8::1::2',
      'fe80::1%eth0',
      'host',
      ' 10.0.0.1',
    ]) {
      expect(code(c, bad), bad).toBe('bad_ip');
    }
  });

  it('ensures an enum list accepts exactly its values (numbers written as text) and rejects others as bad_enum', () => {
    const c = converter({ type: 'enum', values: ['internet', 'ims', 6] });
    expect(c('ims')).toBe('ims');
    expect(c('6')).toBe('6');
    for (const bad of ['IMS', 'mms', ' ims']) expect(code(c, bad), bad).toBe('bad_enum');
  });

  it('ensures an enum map translates raw values, to strings, numbers or booleans', () => {
    const c = converter({ type: 'enum', values: { '1': 'utran', '6': 'eutran', U: 1, Y: true } });
    expect([c('1'), c('6'), c('U'), c('Y')]).toEqual(['utran', 'eutran', 1, true]);
    expect(code(c, 'utran')).toBe('bad_enum');
  });

  it('ensures timestamp fields give ISO 8601 with the rule timezone, and bad values are bad_timestamp', () => {
    const c = converter({ type: 'timestamp', format: 'YYYYMMDDHHmmss', timezone: '+02:00' });
    expect(c('20261124101500')).toBe('2026-11-24T10:15:00+02:00');
    expect(code(c, '20260230101500')).toBe('bad_timestamp');
  });
});
