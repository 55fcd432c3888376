/**
 * Turns a zod schema into the words an operator reads after "expected": `integer 1–65535`,
 * `one of: trace, debug, info`, `non-empty string`, or the wording registered for a pattern.
 * Works on any zod 4 schema, so node types from plugins get the same messages.
 */
import { z } from 'zod';

type Schema = z.core.$ZodType;
type Check = z.core.$ZodCheck;

/** Words for schemas whose raw form reads badly (regular expressions): `schema.register(expectation, …)`. */
export const expectation = z.registry<{ expected: string }>();

/** Registers the words that describe `schema` in messages and returns it. */
export function worded<T extends Schema>(schema: T, expected: string): T {
  expectation.add(schema, { expected });
  return schema;
}

const SAFE = Number.MAX_SAFE_INTEGER;

function checksOf(schema: Schema): readonly Check[] {
  return schema._zod.def.checks ?? [];
}

function checkDefs(schema: Schema): z.core.$ZodCheckDef[] {
  return checksOf(schema).map((c) => c._zod.def);
}

function describeNumber(schema: Schema): string {
  const own = schema._zod.def as z.core.$ZodNumberDef & { format?: string };
  let isInt = own.format === 'safeint' || own.format === 'int32' || own.format === 'uint32';
  let low: { value: number; inclusive: boolean } | undefined;
  let high: { value: number; inclusive: boolean } | undefined;
  let multipleOf: number | undefined;
  for (const def of checkDefs(schema)) {
    if (def.check === 'number_format') {
      const f = (def as z.core.$ZodCheckNumberFormatDef).format;
      if (f === 'safeint' || f === 'int32' || f === 'uint32') isInt = true;
    } else if (def.check === 'greater_than') {
      const d = def as z.core.$ZodCheckGreaterThanDef;
      low = { value: Number(d.value), inclusive: d.inclusive };
    } else if (def.check === 'less_than') {
      const d = def as z.core.$ZodCheckLessThanDef;
      high = { value: Number(d.value), inclusive: d.inclusive };
    } else if (def.check === 'multiple_of') {
      multipleOf = Number((def as z.core.$ZodCheckMultipleOfDef).value);
    }
  }
  if (low && Math.abs(low.value) >= SAFE) low = undefined;
  if (high && Math.abs(high.value) >= SAFE) high = undefined;
  const base = isInt ? 'integer' : 'number';
  let text: string;
  if (low && high && low.inclusive && high.inclusive) text = `${base} ${low.value}–${high.value}`;
  else if (low && high) {
    text = `${base} ${low.inclusive ? '≥' : '>'} ${low.value} and ${high.inclusive ? '≤' : '<'} ${high.value}`;
  } else if (low) text = `${base} ${low.inclusive ? '≥' : '>'} ${low.value}`;
  else if (high) text = `${base} ${high.inclusive ? '≤' : '<'} ${high.value}`;
  else text = base;
  return multipleOf === undefined ? text : `${text}, a multiple of ${multipleOf}`;
}

function lengths(schema: Schema): { min?: number; max?: number; exact?: number } {
  const out: { min?: number; max?: number; exact?: number } = {};
  for (const def of checkDefs(schema)) {
    if (def.check === 'min_length') out.min = (def as z.core.$ZodCheckMinLengthDef).minimum;
    else if (def.check === 'max_length') out.max = (def as z.core.$ZodCheckMaxLengthDef).maximum;
    else if (def.check === 'length_equals') out.exact = (def as z.core.$ZodCheckLengthEqualsDef).length;
  }
  return out;
}

function sized(noun: string, unit: string, schema: Schema): string {
  const { min, max, exact } = lengths(schema);
  if (exact !== undefined) return `${noun} of exactly ${exact} ${unit}`;
  if (min !== undefined && max !== undefined) return `${noun} of ${min}–${max} ${unit}`;
  if (max !== undefined) return `${noun} of at most ${max} ${unit}`;
  if (min === 1) return `non-empty ${noun}`;
  if (min !== undefined && min > 1) return `${noun} of at least ${min} ${unit}`;
  return noun;
}

function describeString(schema: Schema): string {
  const own = schema._zod.def as z.core.$ZodTypeDef & { format?: string };
  const formats: string[] = own.format && own.format !== 'regex' ? [own.format] : [];
  const patterns: string[] = [];
  for (const def of checkDefs(schema)) {
    if (def.check !== 'string_format') continue;
    const d = def as z.core.$ZodCheckStringFormatDef & { pattern?: RegExp };
    if (d.format === 'regex' && d.pattern) patterns.push(`/${d.pattern.source}/`);
    else formats.push(d.format);
  }
  if (own.format === 'regex') {
    const p = (own as { pattern?: RegExp }).pattern;
    if (p) patterns.push(`/${p.source}/`);
  }
  const base = sized('string', 'characters', schema);
  if (patterns.length > 0) {
    const described = (schema as { description?: string }).description;
    return described ?? `${base} matching ${patterns.join(' and ')}`;
  }
  if (formats.length > 0) return `${base} in ${formats.join(', ')} format`;
  return base;
}

function literalText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** Joins alternatives: `a, b or c`. */
export function alternatives(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Values a literal or enum schema accepts, or undefined for other schemas. */
function choices(schema: Schema): unknown[] | undefined {
  const def = schema._zod.def;
  if (def.type === 'literal') return [...(def as z.core.$ZodLiteralDef<z.core.util.Literal>).values];
  if (def.type === 'enum') return Object.values((def as z.core.$ZodEnumDef).entries);
  return undefined;
}

function describeUnion(schema: Schema): string {
  const def = schema._zod.def as z.core.$ZodUnionDef & { discriminator?: string };
  if (def.discriminator !== undefined) {
    const values = def.options.flatMap((o) => discriminatorValues(o, def.discriminator ?? ''));
    return `mapping with ${def.discriminator} one of: ${values.map(literalText).join(', ')}`;
  }
  const values: string[] = [];
  const others: string[] = [];
  for (const option of def.options) {
    const c = choices(option);
    if (c) values.push(...c.map(literalText));
    else others.push(describeSchema(option));
  }
  return alternatives([...values, ...others]);
}

function discriminatorValues(option: Schema, key: string): unknown[] {
  const shape = (option._zod.def as Partial<z.core.$ZodObjectDef>).shape;
  const field = shape?.[key];
  return field ? (choices(field) ?? []) : [];
}

/** The expectation text for values of `schema`. */
export function describeSchema(schema: Schema): string {
  const words = expectation.get(schema);
  if (words) return words.expected;
  const def = schema._zod.def;
  switch (def.type) {
    case 'number':
    case 'int':
      return describeNumber(schema);
    case 'string':
      return describeString(schema);
    case 'boolean':
      return 'true or false';
    case 'literal':
    case 'enum': {
      const values = (choices(schema) ?? []).map(literalText);
      return values.length === 1 ? (values[0] ?? '') : `one of: ${values.join(', ')}`;
    }
    case 'array':
      return sized('list', 'items', schema);
    case 'tuple':
      return `list of ${(def as z.core.$ZodTupleDef).items.length} items`;
    case 'object':
    case 'record':
    case 'map':
      return 'mapping';
    case 'union':
      return describeUnion(schema);
    case 'nullable':
      return `${describeSchema((def as z.core.$ZodNullableDef).innerType)} or null`;
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return describeSchema((def as z.core.$ZodOptionalDef).innerType);
    case 'pipe':
      return describeSchema((def as z.core.$ZodPipeDef).in);
    case 'lazy':
      return describeSchema((def as z.core.$ZodLazyDef).getter());
    case 'null':
      return 'null';
    case 'bigint':
      return 'integer';
    case 'unknown':
    case 'any':
      return 'any value';
    default:
      return (schema as { description?: string }).description ?? 'a valid value';
  }
}

/** Keys an object schema accepts, in declaration order. */
export function objectKeys(schema: Schema): string[] {
  const shape = (schema._zod.def as Partial<z.core.$ZodObjectDef>).shape;
  return shape ? Object.keys(shape) : [];
}
