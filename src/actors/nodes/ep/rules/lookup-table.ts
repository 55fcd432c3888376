/**
 * The CSV table of a `lookup` rule: a header row naming the columns, then one row per key. Values
 * are kept as the strings written. Every row must have the header's number of fields and a key
 * no other row has; the key column and the copied columns must be in the header.
 */
import { parseCsvLine } from '../../../../protocols/csv/csv.js';
import { DecodeError } from '../../../../protocols/errors.js';
import { numberedLines, ProblemList } from './problems.js';

export interface LookupTableSpec {
  readonly keyColumn: string;
  /** Columns whose values a hit copies, in this order. */
  readonly columns: readonly string[];
  readonly delimiter: string;
}

export interface LookupTable {
  /** Key → values of `spec.columns`, same order. */
  readonly rows: ReadonlyMap<string, readonly string[]>;
}

/** The fields of one line, or undefined after recording why it is not CSV. */
function fields(line: string, delimiter: string, at: number, problems: ProblemList): string[] | undefined {
  try {
    return parseCsvLine(line, { delimiter });
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    problems.add(at, `not a CSV line: ${err.message}`);
    return undefined;
  }
}

export function parseLookupTable(text: string, file: string, spec: LookupTableSpec): LookupTable {
  const problems = new ProblemList(file);
  const lines = numberedLines(text).filter((l) => l.text.trim() !== '');
  const head = lines[0];
  const header = head === undefined ? undefined : fields(head.text, spec.delimiter, head.line, problems);
  if (head === undefined || header === undefined) {
    if (head === undefined)
      problems.add(undefined, `expected a header row naming the columns, got an empty file`);
    return problems.fail();
  }
  const indexOf = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) problems.add(head.line, `header has no column "${name}" (columns: ${header.join(', ')})`);
    return i;
  };
  const keyIndex = indexOf(spec.keyColumn);
  const valueIndexes = spec.columns.map(indexOf);
  problems.throwIfAny();

  const rows = new Map<string, readonly string[]>();
  const lineOf = new Map<string, number>();
  for (const { line, text: raw } of lines.slice(1)) {
    const row = fields(raw, spec.delimiter, line, problems);
    if (row === undefined) continue;
    if (row.length !== header.length) {
      problems.add(line, `expected ${header.length} fields like the header, got ${row.length}`);
      continue;
    }
    const key = row[keyIndex] ?? '';
    const first = lineOf.get(key);
    if (first !== undefined) {
      problems.add(line, `key "${key}" repeats the row on line ${first}`);
      continue;
    }
    lineOf.set(key, line);
    rows.set(
      key,
      valueIndexes.map((i) => row[i] ?? ''),
    );
  }
  problems.throwIfAny();
  return { rows };
}
