/**
 * Records → output rows for the file OI: CSV (RFC 4180 quoting where needed) or fixed-width columns
 * (padded and aligned; a value wider than its column, or a line break in a value, cannot be written
 * and the record goes to the quarantine instead).
 */
import { formatCsvField, formatCsvLine } from '../../../protocols/csv/csv.js';
import { PackedCsvRows } from '../../../protocols/csv/packed-rows.js';
import type { AttributeValue, Nar } from '../../../protocols/nar/nar.js';
import type { PackedBatch } from '../../../protocols/nar/packed-batch.js';
import type { HandlerContext } from '../../runtime/actor.js';
import type { CsvColumn, FixedWidthColumn, ResolvedFileOi } from './file-oi-settings.js';

export interface Rows {
  /** The rows, each ending in '\n'. */
  readonly text: string;
  readonly count: number;
}

export interface RowFormat {
  /** The first line of every file ('' when there is none). */
  readonly header: string;
  /** The batch's rows; records that cannot be written are quarantined through `ctx`. */
  rows(records: readonly Nar[], ctx: HandlerContext): Rows;
  /**
   * When the format can: the rows of a packed batch as UTF-8, the same text `rows` gives for its
   * records (a view valid until the next call). CSV with a one-byte delimiter can; fixed-width
   * (whose widths count characters, and which quarantines) cannot.
   */
  readonly packedRows?: (batch: PackedBatch) => Uint8Array;
}

function text(v: AttributeValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

/** True when a CSV field must be quoted: it holds the delimiter, a quote or a line break. */
function needsQuote(v: string, delimiter: number): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === delimiter || c === 34 || c === 10 || c === 13 || c === 44) return true;
  }
  return false;
}

class CsvRows implements RowFormat {
  readonly header: string;
  readonly #attributes: readonly string[];
  readonly #d: string;
  readonly #dCode: number;
  readonly packedRows?: (batch: PackedBatch) => Uint8Array;

  constructor(s: {
    readonly delimiter: string;
    readonly header: boolean;
    readonly columns: readonly CsvColumn[];
  }) {
    this.#attributes = s.columns.map((r) => r.attribute);
    this.#d = s.delimiter;
    this.#dCode = s.delimiter.charCodeAt(0);
    this.header = s.header
      ? `${formatCsvLine(
          s.columns.map((r) => r.column),
          s.delimiter,
        )}\n`
      : '';
    if (this.#dCode < 0x80) {
      const packed = new PackedCsvRows(this.#attributes, s.delimiter);
      this.packedRows = (batch) => {
        packed.clear();
        packed.rows(batch);
        return packed.written();
      };
    }
  }

  #field(v: AttributeValue | undefined): string {
    // Only strings can hold a delimiter, quote or line break.
    if (typeof v !== 'string') return text(v);
    return needsQuote(v, this.#dCode) ? formatCsvField(v, this.#d) : v;
  }

  rows(records: readonly Nar[]): Rows {
    const attrs = this.#attributes;
    const d = this.#d;
    let out = '';
    for (const r of records) {
      let line = this.#field(r[attrs[0] as string]);
      for (let i = 1; i < attrs.length; i++) line += d + this.#field(r[attrs[i] as string]);
      out += line + '\n';
    }
    return { text: out, count: records.length };
  }
}

/** Quarantine text of a record: JSON, bigints as decimal strings. */
function recordText(r: Nar): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

class FixedWidthRows implements RowFormat {
  readonly header = '';
  readonly #rules: readonly FixedWidthColumn[];

  constructor(columns: readonly FixedWidthColumn[]) {
    this.#rules = columns;
  }

  rows(records: readonly Nar[], ctx: HandlerContext): Rows {
    const rules = this.#rules;
    let out = '';
    let count = 0;
    next: for (const r of records) {
      let line = '';
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i] as FixedWidthColumn;
        const width = rule.width;
        const v = text(r[rule.attribute]);
        if (v.length > width || (v.length > 0 && (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0))) {
          const tooWide = v.length > width;
          ctx.quarantine(recordText(r), tooWide ? 'value_too_wide' : 'value_has_line_break', {
            column: rule.column,
            attribute: rule.attribute,
            width,
            length: v.length,
            error: tooWide
              ? `column ${rule.column}: expected at most ${width} characters, got ${v.length}`
              : `column ${rule.column}: expected a value without line breaks`,
          });
          continue next;
        }
        line += rule.align === 'left' ? v.padEnd(width, rule.pad) : v.padStart(width, rule.pad);
      }
      out += line + '\n';
      count++;
    }
    return { text: out, count };
  }
}

export function rowFormat(s: ResolvedFileOi): RowFormat {
  return s.format === 'csv' ? new CsvRows(s) : new FixedWidthRows(s.columns);
}
