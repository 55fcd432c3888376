/** Settings of the file EI: where files come from, their line format, and the rules block. */
import { z } from 'zod';
import { checkInputLayout, INPUT_FORMATS, inputRuleSchema } from './field-rules.js';

export const fileEiSettings = z
  .strictObject({
    inputDir: z.string().min(1),
    pattern: z.string().min(1).default('*.csv'),
    pollMs: z.number().int().min(10).max(60_000).default(500),
    /** A file is taken once left alone this long (ms, by its modification time); 0: at once. */
    settleMs: z.number().int().min(0).max(3_600_000).default(1000),
    format: z.enum(INPUT_FORMATS).default('delimited'),
    /** Delimited only (default ','). */
    delimiter: z.string().length(1).optional(),
    /** Delimited only (default true): the first line names the fields. */
    header: z.boolean().optional(),
    linesPerSlice: z.number().int().min(1).max(100_000).default(1000),
    afterRead: z.enum(['move', 'delete']).default('move'),
    doneDir: z.string().min(1).optional(),
    /** Input field → attribute, in the node's `rules:` block. */
    rules: z.array(inputRuleSchema).min(1).max(4096),
  })
  .superRefine(checkInputLayout);
// No transform: the output must parse again to the same value, keys in the same order (a stored map
// is validated again and compared as JSON). Format-dependent defaults are read through these:
export type FileEiSettings = z.output<typeof fileEiSettings>;

/** Delimited files: the field delimiter (default ','). */
export function delimiterOf(s: FileEiSettings): string {
  return s.delimiter ?? ',';
}

/** Whether the first line names the fields: delimited files, unless `header: false`. */
export function hasHeader(s: FileEiSettings): boolean {
  return s.format === 'delimited' && s.header !== false;
}
