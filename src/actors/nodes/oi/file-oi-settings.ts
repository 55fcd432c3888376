/** Settings of the file OI: directory, format, file naming and rolling, and the rules block. */
import { z } from 'zod';
import { fileNameProblem } from './file-name.js';

export const MAX_COLUMN_WIDTH = 65_536;

const attributeName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an attribute name (letters, digits, _)');
const oneChar = z
  .string()
  .length(1)
  .refine((c) => c !== '\n' && c !== '\r', 'one character, not a line break');

const outputRule = z.strictObject({
  /** The column's name in the header (default: the attribute). */
  column: z.string().min(1).optional(),
  attribute: attributeName,
  /** Fixed-width only: characters. */
  width: z.number().int().min(1).max(MAX_COLUMN_WIDTH).optional(),
  /** Fixed-width only: left (default) or right. */
  align: z.enum(['left', 'right']).optional(),
  /** Fixed-width only: the fill character (default a space). */
  pad: oneChar.optional(),
});

export const fileOiSettings = z
  .strictObject({
    dir: z.string().min(1),
    format: z.enum(['csv', 'fixed-width']).default('csv'),
    /** CSV only (default ','). */
    delimiter: oneChar.refine((c) => c !== '"', 'not a quote').optional(),
    /** CSV only (default true): a header row of column names. */
    header: z.boolean().optional(),
    /** Default `{node}-{partition}-{time}-{seq}.csv` (`.dat` for fixed-width). */
    fileName: z.string().min(1).max(200).optional(),
    rollRecords: z.number().int().min(1).max(10_000_000).default(100_000),
    rollBytes: z
      .number()
      .int()
      .min(1)
      .max(2 ** 40)
      .default(64 * 1024 * 1024),
    rollIntervalMs: z.number().int().min(100).max(86_400_000).default(60_000),
    /** Attribute → column, in column order, in the node's `rules:` block. */
    rules: z.array(outputRule).min(1).max(4096),
  })
  .superRefine((s, ctx) => {
    const issue = (path: (string | number)[], message: string, input: unknown): void => {
      ctx.addIssue({ code: 'custom', path, message, input });
    };
    if (s.fileName !== undefined) {
      const problem = fileNameProblem(s.fileName);
      if (problem !== undefined) issue(['fileName'], problem, s.fileName);
    }
    const fixed = s.format === 'fixed-width';
    if (fixed && s.delimiter !== undefined)
      issue(['delimiter'], 'no delimiter in a fixed-width file', s.delimiter);
    if (fixed && s.header !== undefined) issue(['header'], 'no header in a fixed-width file', s.header);
    s.rules.forEach((r, i) => {
      if (fixed && r.width === undefined) issue(['rules', i, 'width'], 'width on every fixed-width rule', r);
      if (fixed) return;
      for (const key of ['width', 'align', 'pad'] as const) {
        if (r[key] !== undefined) issue(['rules', i, key], `no ${key} in a csv file`, r[key]);
      }
    });
  });
// No transform: the output must parse again to the same value, keys in the same order (a stored map
// is validated again and compared as JSON). Defaults that depend on the format are filled by
// resolveFileOi inside the actor.
export type FileOiSettings = z.output<typeof fileOiSettings>;

export interface CsvColumn {
  readonly column: string;
  readonly attribute: string;
}

export interface FixedWidthColumn extends CsvColumn {
  readonly width: number;
  readonly align: 'left' | 'right';
  readonly pad: string;
}

/** The settings with every format-dependent default filled in. */
export type ResolvedFileOi = {
  readonly fileName: string;
} & (
  | {
      readonly format: 'csv';
      readonly delimiter: string;
      readonly header: boolean;
      readonly columns: readonly CsvColumn[];
    }
  | { readonly format: 'fixed-width'; readonly columns: readonly FixedWidthColumn[] }
);

export function resolveFileOi(s: FileOiSettings): ResolvedFileOi {
  const fileName = s.fileName ?? `{node}-{partition}-{time}-{seq}.${s.format === 'csv' ? 'csv' : 'dat'}`;
  if (s.format === 'csv') {
    return {
      format: 'csv',
      fileName,
      delimiter: s.delimiter ?? ',',
      header: s.header ?? true,
      columns: s.rules.map((r) => ({ column: r.column ?? r.attribute, attribute: r.attribute })),
    };
  }
  return {
    format: 'fixed-width',
    fileName,
    columns: s.rules.map((r) => ({
      column: r.column ?? r.attribute,
      attribute: r.attribute,
      width: r.width ?? 0, // the schema requires a width on every fixed-width rule
      align: r.align ?? 'left',
      pad: r.pad ?? ' ',
    })),
  };
}
