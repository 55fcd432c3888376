/**
 * From zod's issues to path issues: the per-parse error map writes the expectation text (a schema's
 * own custom message still wins, so plugin authors can word theirs), and the value is read back
 * from the document, so a missing key reads "required" and a default that fails reads as one.
 */
import { z } from 'zod';
import { describeSchema, objectKeys } from './describe.js';
import type { PathIssue, PathSegment } from './errors.js';

function isSchema(value: unknown): value is z.core.$ZodType {
  if (typeof value !== 'object' || value === null || !('_zod' in value)) return false;
  const internals = (value as { _zod: { def?: { type?: unknown; check?: unknown } } })._zod;
  return typeof internals.def?.type === 'string' && internals.def.check === undefined;
}

/** The expectation text for one raw zod issue. */
export function expectationFor(iss: z.core.$ZodRawIssue): string {
  const schema = iss.schema ?? (isSchema(iss.inst) ? iss.inst : undefined);
  if (iss.code === 'unrecognized_keys') {
    return `one of: ${schema ? objectKeys(schema).join(', ') : 'the documented keys'}`;
  }
  if (iss.code === 'invalid_union') {
    const { discriminator, options } = iss as { discriminator?: string; options?: unknown[] };
    if (discriminator !== undefined && options) return `one of: ${options.map(String).join(', ')}`;
  }
  if (iss.code === 'custom') return 'a valid value';
  return schema ? describeSchema(schema) : 'a valid value';
}

/** Parse parameters that make zod report expectations and inputs. */
export const parseParams = {
  error: (iss: z.core.$ZodRawIssue): string => expectationFor(iss),
  reportInput: true,
} as const;

export interface Lookup {
  readonly present: boolean;
  readonly value?: unknown;
}

/** The value at `path` inside `data`, and whether it is there at all. */
export function lookup(data: unknown, path: readonly PathSegment[]): Lookup {
  let current: unknown = data;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(current) || seg < 0 || seg >= current.length) return { present: false };
      current = current[seg];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current))
        return { present: false };
      if (!Object.hasOwn(current, seg)) return { present: false };
      current = (current as Record<string, unknown>)[seg];
    }
  }
  return { present: current !== undefined, value: current };
}

function toPath(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((seg) => (typeof seg === 'symbol' ? String(seg) : seg));
}

/**
 * Converts zod issues found while parsing `data` (the value at `prefix` in the document) into path
 * issues with full document paths. An unknown-keys issue becomes one issue per key.
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  prefix: readonly PathSegment[],
): PathIssue[] {
  const out: PathIssue[] = [];
  for (const issue of issues) {
    const rel = toPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const at = lookup(data, [...rel, key]);
        out.push({
          path: [...prefix, ...rel, key],
          expected: issue.message,
          present: true,
          value: at.value,
          problem: `unknown key (expected ${issue.message})`,
        });
      }
      continue;
    }
    const at = lookup(data, rel);
    const fallback = !at.present && issue.code !== 'invalid_union' ? issue.input : undefined;
    out.push({
      path: [...prefix, ...rel],
      expected: issue.message,
      present: at.present,
      ...(at.present ? { value: at.value } : fallback !== undefined ? { value: fallback } : {}),
    });
  }
  return out;
}
