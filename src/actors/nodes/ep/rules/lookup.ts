/**
 * `lookup`: finds the record's `key` attribute in a CSV table and copies the row's `columns` to
 * the record under the same names. Numbers, bigints and booleans are matched by their text.
 */
import type { Nar } from '../../../../protocols/nar/nar.js';
import type { HandlerContext } from '../../../runtime/actor.js';
import { parseLookupTable, type LookupTable } from './lookup-table.js';
import { onMissingKey, type MissSite } from './missing.js';
import type { LookupRule } from './schema.js';
import { CONTINUE, type Outcome, type Step } from './step.js';
import { TableFile } from './table-file.js';

export function lookupTableFile(rule: LookupRule): TableFile<LookupTable> {
  const spec = { keyColumn: rule.keyColumn, columns: rule.columns, delimiter: rule.delimiter };
  return new TableFile(rule.file, (text, file) => parseLookupTable(text, file, spec));
}

export class LookupStep implements Step {
  readonly table: TableFile<LookupTable>;
  readonly #key: string;
  readonly #columns: readonly string[];
  readonly #miss: MissSite;

  constructor(rule: LookupRule, index: number) {
    this.table = lookupTableFile(rule);
    this.#key = rule.key;
    this.#columns = rule.columns;
    this.#miss = {
      rule: index,
      mode: rule.onMissing,
      reason: 'lookup_missing',
      attribute: rule.key,
      keyName: 'key',
    };
  }

  apply(record: Nar, ctx: HandlerContext): Outcome {
    const value = record[this.#key];
    const key =
      typeof value === 'string' ? value : value === undefined || value === null ? undefined : String(value);
    const row = key === undefined ? undefined : this.table.current.rows.get(key);
    if (row === undefined) return onMissingKey(record, ctx, this.#miss);
    const columns = this.#columns;
    for (let i = 0; i < columns.length; i++) record[columns[i] as string] = row[i] ?? null;
    return CONTINUE;
  }
}
