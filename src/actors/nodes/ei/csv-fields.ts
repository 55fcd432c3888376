/** Typed conversion of CSV fields into NAR attribute values for the file EI. */
import { z } from 'zod';
import type { AttributeValue } from '../../../protocols/nar/nar.js';

export const columnSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an attribute name (letters, digits, _)'),
  field: z.string().min(1).optional(),
  type: z.enum(['string', 'integer', 'number', 'bigint', 'boolean']).default('string'),
  required: z.boolean().default(false),
});
export type Column = z.infer<typeof columnSchema>;

export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(
    readonly code: 'bad_integer' | 'bad_number' | 'bad_boolean' | 'missing_value',
    message: string,
  ) {
    super(message);
  }
}

/** Optional sign, then one or more ASCII digits (/^[+-]?\d+$/ without a regex: a hot path). */
function isIntegerText(raw: string): boolean {
  let i = raw.charCodeAt(0) === 43 || raw.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= raw.length) return false;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function convertField(raw: string, col: Column): AttributeValue {
  if (raw === '') {
    if (col.required) throw new FieldError('missing_value', `column ${col.name}: a value is required`);
    return col.type === 'string' ? '' : null;
  }
  switch (col.type) {
    case 'string':
      return raw;
    case 'integer': {
      const n = isIntegerText(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) {
        throw new FieldError(
          'bad_integer',
          `column ${col.name}: expected an integer, got ${JSON.stringify(raw)}`,
        );
      }
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) {
        throw new FieldError(
          'bad_number',
          `column ${col.name}: expected a number, got ${JSON.stringify(raw)}`,
        );
      }
      return n;
    }
    case 'bigint':
      if (!isIntegerText(raw)) {
        throw new FieldError(
          'bad_integer',
          `column ${col.name}: expected an integer, got ${JSON.stringify(raw)}`,
        );
      }
      return BigInt(raw);
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new FieldError(
        'bad_boolean',
        `column ${col.name}: expected true/false/1/0, got ${JSON.stringify(raw)}`,
      );
  }
}
