import { describe, expect, it } from 'vitest';
import { FileEiError } from '../../../../src/actors/nodes/ei/errors.js';
import { fileEiSettings } from '../../../../src/actors/nodes/ei/file-ei.js';
import { delimiterOf, hasHeader } from '../../../../src/actors/nodes/ei/file-ei-settings.js';
import { replayFileName } from '../../../../src/actors/nodes/ei/file-replay.js';

/** Each problem as `path: message`. */
function problems(settings: Record<string, unknown>): string[] {
  const r = fileEiSettings.safeParse({ inputDir: '/in', ...settings });
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('file-ei settings', () => {
  it('ensures delimited files default to a comma and a header, and fixed-width files have no header', () => {
    const d = fileEiSettings.parse({ inputDir: '/in', rules: [{ name: 'imsi' }] });
    expect([d.format, delimiterOf(d), hasHeader(d), d.pattern, d.afterRead]).toEqual([
      'delimited',
      ',',
      true,
      '*.csv',
      'move',
    ]);
    expect(d.rules[0]).toEqual({ name: 'imsi', type: 'string', required: false });
    const h = fileEiSettings.parse({
      inputDir: '/in',
      header: false,
      delimiter: '\t',
      rules: [{ name: 'a' }],
    });
    expect([delimiterOf(h), hasHeader(h)]).toEqual(['\t', false]);
    const f = fileEiSettings.parse({
      inputDir: '/in',
      format: 'fixed-width',
      rules: [{ name: 'imsi', start: 1, width: 15 }],
    });
    expect(hasHeader(f)).toBe(false);
  });

  it('ensures parsed settings are JSON that parses again to the same text (a stored map is validated again)', () => {
    for (const input of [
      { inputDir: '/in', rules: [{ name: 'imsi', field: 'IMSI', required: true }] },
      {
        inputDir: '/in',
        header: false,
        delimiter: ';',
        rules: [
          { name: 'e', type: 'enum', values: ['a', 1] },
          { name: 'm', type: 'enum', values: { '1': 'utran', U: 2, Y: true } },
          { name: 't', type: 'timestamp', format: 'YYYYMMDD', timezone: '+01:00' },
        ],
      },
      { inputDir: '/in', format: 'fixed-width', rules: [{ name: 'imsi', start: 1, width: 15, type: 'ip' }] },
    ]) {
      const once = fileEiSettings.parse(input);
      const json: unknown = JSON.parse(JSON.stringify(once));
      expect(json).toEqual(once);
      // Same keys in the same order: the host compares stored settings as JSON text.
      expect(JSON.stringify(fileEiSettings.parse(json))).toBe(JSON.stringify(once));
    }
  });

  it('ensures fixed-width rules need start and width, and fixed-width files take no delimiter, header or field', () => {
    expect(
      problems({
        format: 'fixed-width',
        delimiter: ';',
        header: true,
        rules: [
          { name: 'a', start: 1 },
          { name: 'b', width: 2 },
          { name: 'c', start: 3, width: 1, field: 'C' },
        ],
      }),
    ).toEqual([
      'delimiter: no delimiter in a fixed-width file',
      'header: no header in a fixed-width file',
      'rules.0.width: width on every fixed-width rule',
      'rules.1.start: start (1-based) on every fixed-width rule',
      'rules.2.field: no field in a fixed-width file (use start)',
    ]);
  });

  it('ensures delimited rules take no start or width, and field only with a header', () => {
    expect(
      problems({
        header: false,
        rules: [
          { name: 'a', start: 1, width: 2 },
          { name: 'b', field: 'B' },
        ],
      }),
    ).toEqual([
      'rules.0.start: no start in a delimited file',
      'rules.0.width: no width in a delimited file',
      'rules.1.field: no field without a header (fields are taken in rule order)',
    ]);
  });

  it('ensures attribute names are unique and overlapping fixed-width fields are allowed within 65536 characters', () => {
    expect(problems({ rules: [{ name: 'a' }, { name: 'a', field: 'A2' }] })).toEqual([
      'rules.1.name: each attribute once (a repeats)',
    ]);
    expect(
      problems({
        format: 'fixed-width',
        rules: [
          { name: 'a', start: 1, width: 10 },
          { name: 'b', start: 5, width: 10 },
          { name: 'c', start: 65_536, width: 1 },
        ],
      }),
    ).toEqual([]);
    expect(problems({ format: 'fixed-width', rules: [{ name: 'a', start: 65_530, width: 10 }] })).toEqual([
      'rules.0.width: a field that ends within 65536 characters (start + width − 1)',
    ]);
  });

  it('ensures timestamp rules need a valid format and timezone, and only timestamps take them', () => {
    expect(problems({ rules: [{ name: 't', type: 'timestamp' }] })).toEqual([
      'rules.0.format: a timestamp format: epoch-s, epoch-ms, iso8601 or a pattern like YYYYMMDDHHmmss',
    ]);
    expect(
      problems({ rules: [{ name: 't', type: 'timestamp', format: 'YYMMDD', timezone: 'CET' }] }),
    ).toEqual([
      'rules.0.format: epoch-s, epoch-ms, iso8601 or a pattern of YYYY MM DD HH mm ss SSS: "Y" at position 1 is not part of a token (YYYY MM DD HH mm ss SSS)',
      'rules.0.timezone: a fixed offset ±HH:MM (at most 18:00) or Z',
    ]);
    expect(problems({ rules: [{ name: 's', format: 'iso8601', timezone: 'Z' }] })).toEqual([
      'rules.0.format: no format: it applies to type timestamp only',
      'rules.0.timezone: no timezone: it applies to type timestamp only',
    ]);
  });

  it('ensures enum rules need values without repeats, and only enums take values', () => {
    expect(problems({ rules: [{ name: 'e', type: 'enum' }] })).toEqual([
      'rules.0.values: enum values: a list of allowed values or a mapping raw value → value',
    ]);
    expect(problems({ rules: [{ name: 'e', type: 'enum', values: ['a', 'b', 'a'] }] })).toEqual([
      'rules.0.values: each value once ("a" repeats)',
    ]);
    expect(problems({ rules: [{ name: 'e', type: 'enum', values: {} }] })).toEqual([
      'rules.0.values: at least one raw value → value pair',
    ]);
    expect(problems({ rules: [{ name: 'e', values: ['a'] }] })).toEqual([
      'rules.0.values: no values: they apply to type enum only',
    ]);
  });
});

describe('file-ei quarantine replay file name', () => {
  it('ensures the replay file is named so that the pick-up pattern matches it', () => {
    expect(replayFileName('*.csv', 'replay-1')).toBe('replay-1.csv');
    expect(replayFileName('CDR_*.d?t', 'replay-1')).toBe('CDR_replay-1.d0t');
    expect(replayFileName('*x*', 'r')).toBe('rx');
    expect(() => replayFileName('usage.csv', 'r')).toThrow(FileEiError);
  });
});
