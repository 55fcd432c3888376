/**
 * The file EI's rules: one per attribute, saying where its text is in a line (a delimited field by
 * header name or position, or a fixed-width column) and which type it converts to. Checked here as
 * data; compiled by field-convert.ts inside the actor.
 */
import { z } from 'zod';
import { parseOffset, timestampFormatProblem } from './timestamp-format.js';

export const FIELD_TYPES = [
  'string',
  'integer',
  'number',
  'bigint',
  'boolean',
  'ip',
  'timestamp',
  'enum',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Fixed-width fields must end within this many characters of a line. */
export const MAX_LINE_LENGTH = 65_536;

const attributeName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an attribute name (letters, digits, _)');

const enumList = z.array(z.union([z.string(), z.number()]).transform(String)).min(1);
const enumMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const inputRuleSchema = z
  .strictObject({
    /** The attribute the value is stored as. */
    name: attributeName,
    /** Delimited with a header: the header's name of the field (default: `name`). */
    field: z.string().min(1).optional(),
    type: z.enum(FIELD_TYPES).default('string'),
    /** An empty value is quarantined (`missing_value`) instead of becoming null ('' for strings). */
    required: z.boolean().default(false),
    /** Timestamp only: a pattern of YYYY MM DD HH mm ss SSS and literals, or epoch-s | epoch-ms | iso8601. */
    format: z.string().min(1).optional(),
    /** Timestamp only: `±HH:MM` or `Z` (default). */
    timezone: z.string().min(1).optional(),
    /** Enum only: the allowed values, or raw value → attribute value. */
    values: z.union([enumList, enumMap]).optional(),
    /** Fixed-width only: 1-based first character. */
    start: z.number().int().min(1).max(MAX_LINE_LENGTH).optional(),
    /** Fixed-width only: characters. */
    width: z.number().int().min(1).max(MAX_LINE_LENGTH).optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string, input: unknown): void => {
      ctx.addIssue({ code: 'custom', path: [path], message, input });
    };
    if (r.type === 'timestamp') {
      if (r.format === undefined) {
        issue('format', 'a timestamp format: epoch-s, epoch-ms, iso8601 or a pattern like YYYYMMDDHHmmss', r);
      } else {
        const problem = timestampFormatProblem(r.format);
        if (problem !== undefined) {
          issue(
            'format',
            `epoch-s, epoch-ms, iso8601 or a pattern of YYYY MM DD HH mm ss SSS: ${problem}`,
            r.format,
          );
        }
      }
      if (r.timezone !== undefined && parseOffset(r.timezone) === undefined) {
        issue('timezone', 'a fixed offset ±HH:MM (at most 18:00) or Z', r.timezone);
      }
    } else {
      if (r.format !== undefined) issue('format', 'no format: it applies to type timestamp only', r.format);
      if (r.timezone !== undefined) {
        issue('timezone', 'no timezone: it applies to type timestamp only', r.timezone);
      }
    }
    if (r.type === 'enum') {
      if (r.values === undefined) {
        issue('values', 'enum values: a list of allowed values or a mapping raw value → value', r);
      } else if (Array.isArray(r.values)) {
        const list = r.values;
        const dup = list.find((v, i) => list.indexOf(v) !== i);
        if (dup !== undefined) issue('values', `each value once (${JSON.stringify(dup)} repeats)`, r.values);
      } else if (Object.keys(r.values).length === 0) {
        issue('values', 'at least one raw value → value pair', r.values);
      }
    } else if (r.values !== undefined) {
      issue('values', 'no values: they apply to type enum only', r.values);
    }
    if (r.start !== undefined && r.width !== undefined && r.start - 1 + r.width > MAX_LINE_LENGTH) {
      issue('width', `a field that ends within ${MAX_LINE_LENGTH} characters (start + width − 1)`, r.width);
    }
  });
export type InputRule = z.output<typeof inputRuleSchema>;

export const INPUT_FORMATS = ['delimited', 'fixed-width'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

interface LayoutSettings {
  readonly format: InputFormat;
  readonly delimiter?: string | undefined;
  readonly header?: boolean | undefined;
  readonly rules: readonly InputRule[];
}

/**
 * Checks that the rules fit the file format: fixed-width rules need start and width (and take no
 * delimiter, header or field); delimited rules take no start/width; `field` names a header field,
 * so it needs `header: true`; attribute names are unique.
 */
export function checkInputLayout(s: LayoutSettings, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string, input: unknown): void => {
    ctx.addIssue({ code: 'custom', path, message, input });
  };
  const fixed = s.format === 'fixed-width';
  if (fixed && s.delimiter !== undefined)
    issue(['delimiter'], 'no delimiter in a fixed-width file', s.delimiter);
  if (fixed && s.header !== undefined) issue(['header'], 'no header in a fixed-width file', s.header);
  const seen = new Set<string>();
  s.rules.forEach((r, i) => {
    if (seen.has(r.name)) issue(['rules', i, 'name'], `each attribute once (${r.name} repeats)`, r.name);
    seen.add(r.name);
    if (fixed) {
      if (r.start === undefined) issue(['rules', i, 'start'], 'start (1-based) on every fixed-width rule', r);
      if (r.width === undefined) issue(['rules', i, 'width'], 'width on every fixed-width rule', r);
      if (r.field !== undefined)
        issue(['rules', i, 'field'], 'no field in a fixed-width file (use start)', r.field);
    } else {
      if (r.start !== undefined) issue(['rules', i, 'start'], 'no start in a delimited file', r.start);
      if (r.width !== undefined) issue(['rules', i, 'width'], 'no width in a delimited file', r.width);
      if (r.field !== undefined && s.header === false) {
        issue(['rules', i, 'field'], 'no field without a header (fields are taken in rule order)', r.field);
      }
    }
  });
}
