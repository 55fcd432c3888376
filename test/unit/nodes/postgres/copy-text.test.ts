import { describe, expect, it } from 'vitest';
import {
  COPY_NULL,
  COLUMN_TYPES,
  escapeCopyText,
  formatCopyRow,
  formatCopyValue,
  type ColumnType,
  type CopyColumn,
} from '../../../../src/actors/nodes/oi/postgres/copy-text.js';
import { CopyValueError, type CopyValueCode } from '../../../../src/actors/nodes/oi/postgres/errors.js';
import {
  parseQualifiedName,
  quoteQualifiedName,
} from '../../../../src/actors/nodes/oi/postgres/identifiers.js';
import { isIsoTimestamp } from '../../../../src/actors/nodes/oi/postgres/literals.js';
import { postgresOiSettings } from '../../../../src/actors/nodes/oi/postgres/settings.js';
import type { AttributeValue } from '../../../../src/protocols/nar/nar.js';

function rejection(type: ColumnType, value: AttributeValue): CopyValueError {
  try {
    formatCopyValue(type, value, 'col');
  } catch (err) {
    if (err instanceof CopyValueError) return err;
    throw err;
  }
  throw new Error(`expected ${type} to refuse ${String(value)}`);
}

describe('escapeCopyText', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a\tb', 'a\\tb'],
    ['line1\nline2', 'line1\\nline2'],
    ['cr\r\n', 'cr\\r\\n'],
    ['C:\\dir\\file', 'C:\\\\dir\\\\file'],
    ['\\N', '\\\\N'],
    ['\\.', '\\\\.'],
    ['\t\t\\\n', '\\t\\t\\\\\\n'],
    ['é ü 中文 🙂 \u0001 \u007f', 'é ü 中文 🙂 \u0001 \u007f'],
    ['🙂\t🙂', '🙂\\t🙂'],
  ])('ensures %j is written as %j', (text, escaped) => {
    expect(escapeCopyText(text)).toBe(escaped);
  });

  it.each([
    ['a\u0000b', 'nul_character'],
    ['\ud800', 'unpaired_surrogate'],
    ['x\ud83d', 'unpaired_surrogate'],
    ['\udc00x', 'unpaired_surrogate'],
    ['\ud83d\ud83d\ude42', 'unpaired_surrogate'],
  ])('ensures %j is refused as %s instead of being altered', (text, code) => {
    expect(() => escapeCopyText(text, 'imsi')).toThrow(
      expect.objectContaining({ code, column: 'imsi' }) as unknown as Error,
    );
  });
});

describe('formatCopyValue', () => {
  it.each(COLUMN_TYPES)('ensures null and a missing attribute are \\N for %s', (type) => {
    expect(formatCopyValue(type, null)).toBe(COPY_NULL);
    expect(formatCopyValue(type, undefined)).toBe(COPY_NULL);
  });

  const accepted: Array<[ColumnType, AttributeValue, string]> = [
    ['text', 'x\ty', 'x\\ty'],
    ['text', 1.5, '1.5'],
    ['text', 12n, '12'],
    ['text', true, 'true'],
    ['text', '', ''],
    ['integer', 42, '42'],
    ['integer', -2147483648, '-2147483648'],
    ['integer', 2147483647, '2147483647'],
    ['integer', 7n, '7'],
    ['integer', '+5', '+5'],
    ['integer', '-0012', '-0012'],
    ['bigint', 9007199254740993n, '9007199254740993'],
    ['bigint', '9223372036854775807', '9223372036854775807'],
    ['bigint', '-9223372036854775808', '-9223372036854775808'],
    ['bigint', 2 ** 60, '1152921504606846976'],
    ['bigint', -(2 ** 63), '-9223372036854775808'],
    ['bigint', 1234, '1234'],
    ['double', 1.5, '1.5'],
    ['double', NaN, 'NaN'],
    ['double', Infinity, 'Infinity'],
    ['double', -Infinity, '-Infinity'],
    ['double', '1e10', '10000000000'],
    ['double', '-.5', '-0.5'],
    ['double', '0e-400', '0'],
    ['double', 10n, '10'],
    ['double', '-Infinity', '-Infinity'],
    ['numeric', '12345678901234567890.123456789', '12345678901234567890.123456789'],
    ['numeric', '1E5', '1E5'],
    ['numeric', 1.25, '1.25'],
    ['numeric', 123456789012345678901234567890n, '123456789012345678901234567890'],
    ['numeric', 'NaN', 'NaN'],
    ['boolean', true, 't'],
    ['boolean', false, 'f'],
    ['boolean', 1, 't'],
    ['boolean', 0n, 'f'],
    ['boolean', 'YES', 't'],
    ['boolean', 'off', 'f'],
    ['timestamptz', '2024-05-01T12:00:00Z', '2024-05-01T12:00:00Z'],
    ['timestamptz', '2024-05-01 12:00:00.123456+02:00', '2024-05-01 12:00:00.123456+02:00'],
    ['timestamptz', '2024-02-29T00:00Z', '2024-02-29T00:00Z'],
    ['timestamptz', '2024-05-01T12:00:00-0530', '2024-05-01T12:00:00-0530'],
    ['timestamptz', '2024-05-01T12:00:00+05', '2024-05-01T12:00:00+05'],
    ['timestamptz', 0, '1970-01-01T00:00:00.000Z'],
    ['timestamptz', 1714564800123n, '2024-05-01T12:00:00.123Z'],
    ['inet', '10.1.2.3', '10.1.2.3'],
    ['inet', '10.1.2.3/8', '10.1.2.3/8'],
    ['inet', '2001:DB8:0:0::1', '2001:db8::1'],
    ['inet', '::ffff:10.0.0.1/120', '::ffff:10.0.0.1/120'],
  ];
  it.each(accepted)('ensures %s accepts %s as %j', (type, value, text) => {
    expect(formatCopyValue(type, value)).toBe(text);
  });

  const refused: Array<[ColumnType, AttributeValue, CopyValueCode]> = [
    ['text', 'a\u0000', 'nul_character'],
    ['integer', 2147483648, 'out_of_range'],
    ['integer', -2147483649n, 'out_of_range'],
    ['integer', '2147483648', 'out_of_range'],
    ['integer', 1.5, 'wrong_kind'],
    ['integer', NaN, 'wrong_kind'],
    ['integer', '12a', 'bad_syntax'],
    ['integer', '', 'bad_syntax'],
    ['integer', ' 1', 'bad_syntax'],
    ['integer', '-', 'bad_syntax'],
    ['integer', true, 'wrong_kind'],
    ['bigint', '9223372036854775808', 'out_of_range'],
    ['bigint', -9223372036854775809n, 'out_of_range'],
    ['bigint', 2 ** 63, 'out_of_range'],
    ['bigint', 0.5, 'wrong_kind'],
    ['bigint', '1e3', 'bad_syntax'],
    ['double', '1e400', 'out_of_range'],
    ['double', '1e-400', 'out_of_range'],
    ['double', 'abc', 'bad_syntax'],
    ['double', '0x10', 'bad_syntax'],
    ['double', 'nan', 'bad_syntax'],
    ['double', false, 'wrong_kind'],
    ['numeric', '1e1001', 'out_of_range'],
    ['numeric', '1.2.3', 'bad_syntax'],
    ['numeric', 'e5', 'bad_syntax'],
    ['numeric', false, 'wrong_kind'],
    ['boolean', 2, 'wrong_kind'],
    ['boolean', 'maybe', 'bad_syntax'],
    ['timestamptz', '2023-02-29T00:00:00Z', 'bad_syntax'],
    ['timestamptz', '2024-05-01T12:00:00', 'bad_syntax'],
    ['timestamptz', '2024-05-01', 'bad_syntax'],
    ['timestamptz', '0000-01-01T00:00:00Z', 'bad_syntax'],
    ['timestamptz', '2024-05-01T24:00:00Z', 'bad_syntax'],
    ['timestamptz', '2024-05-01T12:00:00.1234567890Z', 'bad_syntax'],
    ['timestamptz', '2024-05-01T12:00:00+16:00', 'bad_syntax'],
    ['timestamptz', 1e16, 'out_of_range'],
    ['timestamptz', NaN, 'wrong_kind'],
    ['timestamptz', true, 'wrong_kind'],
    ['inet', '10.1.2', 'bad_syntax'],
    ['inet', '10.0.0.1/33', 'bad_syntax'],
    ['inet', '10.0.0.1/08', 'bad_syntax'],
    ['inet', '10.0.0.01', 'bad_syntax'],
    ['inet', 'fe80::1%eth0', 'bad_syntax'],
    ['inet', '::1/129', 'bad_syntax'],
    ['inet', 167772161, 'wrong_kind'],
  ];
  it.each(refused)(
    'ensures %s refuses %s as %s, naming the column and the expectation',
    (type, value, code) => {
      const err = rejection(type, value);
      expect(err.code).toBe(code);
      expect(err.column).toBe('col');
      expect(err.message).toMatch(
        new RegExp(`^column col: expected ${type === 'double' ? 'double precision' : type}`),
      );
    },
  );

  it('ensures a trailing-dot literal is a valid double, as in PostgreSQL', () => {
    expect(formatCopyValue('double', '1.')).toBe('1');
  });

  it('ensures long values are shortened in the message', () => {
    const err = rejection('integer', 'x'.repeat(500));
    expect(err.message).toContain('… (500 characters)');
    expect(err.message.length).toBeLessThan(400);
  });
});

describe('isIsoTimestamp', () => {
  it('ensures calendar limits are checked', () => {
    expect(isIsoTimestamp('2000-02-29T00:00:00Z')).toBe(true);
    expect(isIsoTimestamp('1900-02-29T00:00:00Z')).toBe(false);
    expect(isIsoTimestamp('2024-04-31T00:00:00Z')).toBe(false);
    expect(isIsoTimestamp('9999-12-31T23:59:59.999999-15:59')).toBe(true);
    expect(isIsoTimestamp('2024-05-01T12:00:00Zjunk')).toBe(false);
    expect(isIsoTimestamp('2024-05-01T12:00:00+02:0')).toBe(false);
  });
});

describe('formatCopyRow', () => {
  const columns: CopyColumn[] = [
    { column: 'imsi', attribute: 'imsi', type: 'text', nullable: false },
    { column: 'uplink_bytes', attribute: 'uplinkBytes', type: 'bigint', nullable: true },
    { column: 'src_ip', attribute: 'srcIp', type: 'inet', nullable: true },
  ];

  it('ensures a row is the values in column order, tab-separated, ending in a newline', () => {
    expect(formatCopyRow(columns, { imsi: '001\t01', uplinkBytes: 5n, srcIp: '10.0.0.1', other: 'x' })).toBe(
      '001\\t01\t5\t10.0.0.1\n',
    );
    expect(formatCopyRow(columns, { imsi: 'a' })).toBe('a\t\\N\t\\N\n');
  });

  it('ensures a missing value of a non-nullable column is refused, naming column and attribute', () => {
    expect(() => formatCopyRow(columns, { uplinkBytes: 1n })).toThrow(
      'column imsi: expected a value of attribute imsi (the column is not nullable), got nothing (attribute missing)',
    );
  });

  it('ensures a bad value names its column', () => {
    expect(() => formatCopyRow(columns, { imsi: 'a', uplinkBytes: 'lots' })).toThrow(
      expect.objectContaining({ code: 'bad_syntax', column: 'uplink_bytes' }) as unknown as Error,
    );
  });
});

describe('SQL names and settings', () => {
  it.each([
    ['usage_records', 2, ['usage_records']],
    ['Public.Usage', 2, ['public', 'usage']],
    ['"My ""Table"""', 1, ['My "Table"']],
    ['"s.x"."t"', 2, ['s.x', 't']],
    ['a.b.c', 2, undefined],
    ['a.b', 1, undefined],
    ['1abc', 1, undefined],
    ['a;drop table x', 1, undefined],
    ['""', 1, undefined],
    ['"open', 1, undefined],
    ['a.', 2, undefined],
    ['x'.repeat(64), 1, undefined],
  ] as const)('ensures %j (at most %d parts) parses to %j', (text, max, parts) => {
    expect(parseQualifiedName(text, max)).toEqual(parts);
  });

  it('ensures names are quoted again for SQL', () => {
    expect(quoteQualifiedName(['public', 'My "Table"'])).toBe('"public"."My ""Table"""');
  });

  const valid = {
    connection: 'postgres://postgres@127.0.0.1:5432/test',
    table: 'public.usage_records',
    rules: {
      columns: [
        { column: 'imsi', attribute: 'imsi', type: 'text' },
        { column: 'uplink_bytes', attribute: 'uplinkBytes', type: 'bigint' },
      ],
    },
  };

  it('ensures defaults are filled in', () => {
    const s = postgresOiSettings.parse(valid);
    expect(s).toMatchObject({
      createTable: false,
      batchRows: 10_000,
      commitIntervalMs: 1_000,
      retry: { initialMs: 200, maxMs: 10_000 },
      commitTimeoutMs: 60_000,
    });
    expect(s.rules.columns[0]?.nullable).toBe(true);
  });

  it.each([
    [{ connection: 'mysql://x/y' }, ['connection'], 'a connection URL'],
    [{ table: 'a.b.c' }, ['table'], 'schema.table'],
    [{ retry: { initialMs: 500, maxMs: 100 } }, ['retry', 'maxMs'], 'maxMs at least initialMs'],
    [{ passwordEnv: 'PG PASS' }, ['passwordEnv'], 'an environment variable name'],
    [
      { rules: { columns: [...valid.rules.columns, { column: 'IMSI', attribute: 'msisdn', type: 'text' }] } },
      ['rules', 'columns', 2, 'column'],
      'got "imsi" again (first at columns[0])',
    ],
    [
      { rules: { columns: [{ column: 'x', attribute: 'constructor', type: 'text' }] } },
      ['rules', 'columns', 0, 'attribute'],
      'not an Object.prototype member',
    ],
    [
      { rules: { columns: [{ column: 'x', attribute: 'a', type: 'varchar' }] } },
      ['rules', 'columns', 0, 'type'],
      '',
    ],
  ])('ensures %j is refused at its path', (patch, path, message) => {
    const r = postgresOiSettings.safeParse({ ...valid, ...patch });
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
    expect(issue, JSON.stringify(r.error?.issues)).toBeDefined();
    expect(issue?.message).toContain(message);
  });
});
