/**
 * Typed conversion of one input field into an attribute value. A rule is compiled once (enum table,
 * timestamp format); converting reads characters, with no regex and no per-value allocation beyond
 * the result.
 */
import type { AttributeValue } from '../../../protocols/nar/nar.js';
import { formatIp, parseIp, parseIpv4 } from '../../../protocols/ip.js';
import { FieldError } from './errors.js';
import type { FieldType, InputRule } from './field-rules.js';
import { compileTimestamp, type TimestampParser } from './timestamp-format.js';

export interface CompiledField {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  /** Enum: raw value → attribute value. */
  readonly enumValues: ReadonlyMap<string, AttributeValue> | undefined;
  readonly timestamp: TimestampParser | undefined;
}

/** The parts of a rule conversion needs (where the text comes from does not matter here). */
export type FieldRule = Pick<InputRule, 'name' | 'type' | 'required' | 'format' | 'timezone' | 'values'>;

export function compileField(rule: FieldRule): CompiledField {
  let enumValues: Map<string, AttributeValue> | undefined;
  if (rule.type === 'enum') {
    const values = rule.values ?? [];
    enumValues = Array.isArray(values)
      ? new Map(values.map((v) => [v, v]))
      : new Map<string, AttributeValue>(Object.entries(values));
  }
  return {
    name: rule.name,
    type: rule.type,
    required: rule.required,
    enumValues,
    timestamp:
      rule.type === 'timestamp' ? compileTimestamp(rule.name, rule.format ?? '', rule.timezone) : undefined,
  };
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

function quoted(raw: string): string {
  return JSON.stringify(raw.length > 64 ? `${raw.slice(0, 64)}…` : raw);
}

export function convertField(raw: string, f: CompiledField): AttributeValue {
  if (raw === '') {
    if (f.required) throw new FieldError('missing_value', `field ${f.name}: a value is required`);
    return f.type === 'string' ? '' : null;
  }
  switch (f.type) {
    case 'string':
      return raw;
    case 'integer': {
      const n = isIntegerText(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) {
        throw new FieldError('bad_integer', `field ${f.name}: expected an integer, got ${quoted(raw)}`);
      }
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) {
        throw new FieldError('bad_number', `field ${f.name}: expected a number, got ${quoted(raw)}`);
      }
      return n;
    }
    case 'bigint':
      if (!isIntegerText(raw)) {
        throw new FieldError('bad_integer', `field ${f.name}: expected an integer, got ${quoted(raw)}`);
      }
      return BigInt(raw);
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new FieldError('bad_boolean', `field ${f.name}: expected true/false/1/0, got ${quoted(raw)}`);
    case 'ip': {
      // A dotted quad that parses is already canonical (no leading zeros are accepted).
      if (parseIpv4(raw) !== undefined) return raw;
      const ip = parseIp(raw);
      if (ip === undefined) {
        throw new FieldError(
          'bad_ip',
          `field ${f.name}: expected an IPv4 or IPv6 address, got ${quoted(raw)}`,
        );
      }
      return formatIp(ip);
    }
    case 'timestamp':
      return (f.timestamp as TimestampParser).parse(raw);
    case 'enum': {
      const v = (f.enumValues as ReadonlyMap<string, AttributeValue>).get(raw);
      if (v === undefined) {
        const allowed = [...(f.enumValues as ReadonlyMap<string, AttributeValue>).keys()].slice(0, 16);
        throw new FieldError(
          'bad_enum',
          `field ${f.name}: expected one of ${allowed.join(', ')}, got ${quoted(raw)}`,
        );
      }
      return v;
    }
  }
}
