/**
 * CSV lines (RFC 4180 quoting, one record per line: a quoted field may not span lines).
 * Pure: strings in, fields out, with a DecodeError naming the column where a line is malformed.
 */
import { DecodeError } from '../errors.js';

export interface CsvOptions {
  /** One character. */
  readonly delimiter: string;
}

/** Splits one line (without its line terminator) into fields. */
export function parseCsvLine(line: string, opts: CsvOptions): string[] {
  const d = opts.delimiter;
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) {
          throw new DecodeError(
            'csv',
            'unterminated_quote',
            `field ${fields.length + 1} opens a quote it never closes`,
            i,
          );
        }
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return fields;
      if (line[i] !== d) {
        throw new DecodeError(
          'csv',
          'text_after_quote',
          `field ${fields.length} has text after its closing quote`,
          i,
        );
      }
      i++;
      if (i === n) {
        fields.push('');
        return fields;
      }
    } else {
      const next = line.indexOf(d, i);
      if (next < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, next));
      i = next + 1;
      if (i === n) {
        fields.push('');
        return fields;
      }
    }
  }
}

const needsQuote = /[",\r\n]/;

/** Formats one field, quoting it when it holds the delimiter, a quote or a line break. */
export function formatCsvField(value: string, delimiter = ','): string {
  if (needsQuote.test(value) || (delimiter !== ',' && value.includes(delimiter))) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

export function formatCsvLine(fields: readonly string[], delimiter = ','): string {
  return fields.map((f) => formatCsvField(f, delimiter)).join(delimiter);
}
