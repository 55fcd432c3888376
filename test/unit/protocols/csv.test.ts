import { describe, expect, it } from 'vitest';
import { formatCsvLine, parseCsvLine } from '../../../src/protocols/csv/csv.js';
import { DecodeError } from '../../../src/protocols/errors.js';

const comma = { delimiter: ',' };

describe('CSV lines', () => {
  it('ensures the RFC 4180 examples parse as the RFC states (quoted commas, doubled quotes, empty fields)', () => {
    expect(parseCsvLine('aaa,bbb,ccc', comma)).toEqual(['aaa', 'bbb', 'ccc']);
    expect(parseCsvLine('"aaa","b,bb","ccc"', comma)).toEqual(['aaa', 'b,bb', 'ccc']);
    expect(parseCsvLine('"aaa","b""bb","ccc"', comma)).toEqual(['aaa', 'b"bb', 'ccc']);
    expect(parseCsvLine('a,,c,', comma)).toEqual(['a', '', 'c', '']);
    expect(parseCsvLine('', comma)).toEqual(['']);
    expect(parseCsvLine('"",x', comma)).toEqual(['', 'x']);
    expect(parseCsvLine('"a",', comma)).toEqual(['a', '']);
  });

  it('ensures other delimiters work', () => {
    expect(parseCsvLine('a;"b;c";d', { delimiter: ';' })).toEqual(['a', 'b;c', 'd']);
    expect(parseCsvLine('a\tb', { delimiter: '\t' })).toEqual(['a', 'b']);
  });

  it('ensures malformed quoting is a DecodeError naming the problem', () => {
    expect(() => parseCsvLine('a,"bc', comma)).toThrow(/unterminated_quote/);
    expect(() => parseCsvLine('"a"b,c', comma)).toThrow(/text_after_quote/);
    try {
      parseCsvLine('x,"open', comma);
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).offset).toBe(2);
    }
  });

  it('ensures formatting round-trips fields that need quoting', () => {
    const fields = ['plain', 'with,comma', 'with "quote"', '', 'trailing '];
    const line = formatCsvLine(fields);
    expect(line).toBe('plain,"with,comma","with ""quote""",,trailing ');
    expect(parseCsvLine(line, comma)).toEqual(fields);
  });
});
