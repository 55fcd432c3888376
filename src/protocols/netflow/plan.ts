/**
 * Templates compiled once into a field plan (key, value kind, length, role), and the data-record
 * reader that runs a plan. The reader allocates the output object and the values themselves
 * (strings for addresses and times, bigints above 2^53) and nothing else per field.
 *
 * Value rules: unsigned/signed integers of 1–8 octets (reduced-size encoding, RFC 7011 §6.2, is
 * accepted for any integer type), float64 in 4 or 8 octets, boolean 1 = true (anything else false),
 * MACs as aa:bb:cc:dd:ee:ff, addresses via ip.ts, strings UTF-8 with trailing NULs removed,
 * octetArray and list types as lowercase hex, dateTime* as ISO 8601 UTC at the type's precision.
 * An element with a length its type cannot have, an unknown element, or a variable-length numeric
 * element is kept as hex under its number ("123"); enterprise elements under "e<pen>.<id>".
 */
import { formatIpBytes } from '../ip.js';
import { ieById, V9_SCOPE_TYPES, VARIABLE_LENGTH, type DataType } from './ie.js';
import {
  isoFraction,
  isoMillis,
  isoRepresentable,
  isoSeconds,
  ntpFractionToMicros,
  ntpFractionToNanos,
  ntpSecondsToUnix,
} from './time.js';
import type { FlowValue } from './types.js';

/** A field specifier: IE id, length (65535 = variable) and, for enterprise IEs, the PEN. */
export interface FieldSpec {
  id: number;
  length: number;
  /** Private Enterprise Number; absent or 0 for IANA elements. */
  enterprise?: number;
}

/** How a field's octets become a value. */
export const Kind = {
  Uint: 0,
  Int: 1,
  Float: 2,
  Bool: 3,
  Mac: 4,
  Ipv4: 5,
  Ipv6: 6,
  String: 7,
  Hex: 8,
  DateSeconds: 9,
  DateMillis: 10,
  DateMicros: 11,
  DateNanos: 12,
  Skip: 13,
} as const;

/** Numeric facts a record carries for times and sampling, captured while it is read. */
export const Role = {
  None: 0,
  StartMs: 1,
  EndMs: 2,
  StartUptime: 3,
  EndUptime: 4,
  StartDeltaUs: 5,
  EndDeltaUs: 6,
  SystemInitMs: 7,
  DurationMs: 8,
  DurationUs: 9,
  SamplingInterval: 10,
  SamplerRandomInterval: 11,
  PacketInterval: 12,
  PacketSpace: 13,
  Probability: 14,
  SamplerId: 15,
} as const;
export const ROLE_COUNT = 16;

const ROLE_BY_ID: ReadonlyMap<number, number> = new Map([
  [150, Role.StartMs],
  [152, Role.StartMs],
  [154, Role.StartMs],
  [156, Role.StartMs],
  [151, Role.EndMs],
  [153, Role.EndMs],
  [155, Role.EndMs],
  [157, Role.EndMs],
  [22, Role.StartUptime],
  [21, Role.EndUptime],
  [158, Role.StartDeltaUs],
  [159, Role.EndDeltaUs],
  [160, Role.SystemInitMs],
  [161, Role.DurationMs],
  [162, Role.DurationUs],
  [34, Role.SamplingInterval],
  [50, Role.SamplerRandomInterval],
  [305, Role.PacketInterval],
  [306, Role.PacketSpace],
  [311, Role.Probability],
  [48, Role.SamplerId],
  [302, Role.SamplerId],
]);

export interface PlannedField {
  readonly key: string;
  readonly kind: number;
  /** Octets, or 65535 for a variable-length field. */
  readonly length: number;
  readonly role: number;
}

export interface RecordPlan {
  readonly fields: readonly PlannedField[];
  /** Octets of the shortest possible record (a variable-length field counts 1). */
  readonly minLength: number;
  readonly variable: boolean;
  /** Per record: fields kept under their number, and enterprise fields. */
  readonly unknownFields: number;
  readonly enterpriseFields: number;
  /** Builds a record's fields object from the values in plan order (Skip fields excluded). */
  readonly make: (values: readonly FlowValue[]) => Record<string, FlowValue>;
  /** Reused between records: the values of the record being read. */
  readonly values: FlowValue[];
}

/**
 * A function returning an object literal with exactly these keys, so every record of a template
 * shares one hidden class and is built in one step instead of by keyed stores. The keys are
 * JSON string literals (IE names, numbers, "e<pen>.<id>"): no code can be injected through them.
 */
function maker(keys: readonly string[]): (values: readonly FlowValue[]) => Record<string, FlowValue> {
  const body = `return {${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')}};`;
  return new Function('v', body) as (values: readonly FlowValue[]) => Record<string, FlowValue>;
}

function kindFor(type: DataType, length: number): number | undefined {
  const fixed = length !== VARIABLE_LENGTH;
  const intLength = fixed && length >= 1 && length <= 8;
  switch (type) {
    case 'string':
      return Kind.String;
    case 'octetArray':
      return Kind.Hex;
    case 'unsigned8':
    case 'unsigned16':
    case 'unsigned32':
    case 'unsigned64':
      return intLength ? Kind.Uint : undefined;
    case 'signed8':
    case 'signed16':
    case 'signed32':
    case 'signed64':
      return intLength ? Kind.Int : undefined;
    case 'float32':
      return length === 4 ? Kind.Float : undefined;
    case 'float64':
      return length === 4 || length === 8 ? Kind.Float : undefined;
    case 'boolean':
      return length === 1 ? Kind.Bool : undefined;
    case 'macAddress':
      return length === 6 ? Kind.Mac : undefined;
    case 'ipv4Address':
      return length === 4 ? Kind.Ipv4 : undefined;
    case 'ipv6Address':
      return length === 16 ? Kind.Ipv6 : undefined;
    case 'dateTimeSeconds':
      return intLength ? Kind.DateSeconds : undefined;
    case 'dateTimeMilliseconds':
      return intLength ? Kind.DateMillis : undefined;
    case 'dateTimeMicroseconds':
      return length === 8 ? Kind.DateMicros : undefined;
    case 'dateTimeNanoseconds':
      return length === 8 ? Kind.DateNanos : undefined;
  }
}

/**
 * Compiles a template's field specifiers. For NetFlow v9 options templates the first
 * `v9ScopeFields` fields are scope types (System, Interface, …), not IEs.
 */
export function compilePlan(fields: readonly FieldSpec[], v9ScopeFields = 0): RecordPlan {
  const used = new Map<string, number>();
  const planned: PlannedField[] = [];
  let minLength = 0;
  let variable = false;
  let unknownFields = 0;
  let enterpriseFields = 0;
  fields.forEach((spec, i) => {
    const { id, length } = spec;
    const pen = spec.enterprise ?? 0;
    let key: string;
    let kind: number;
    let role: number = Role.None;
    if (i < v9ScopeFields) {
      key = V9_SCOPE_TYPES.get(id) ?? `scope${id}`;
      kind = length >= 1 && length <= 8 ? Kind.Uint : Kind.Hex;
    } else if (pen !== 0) {
      key = `e${pen}.${id}`;
      kind = Kind.Hex;
      enterpriseFields++;
    } else {
      const ie = ieById(id);
      const k = ie === undefined ? undefined : kindFor(ie.type, length);
      if (ie === undefined || k === undefined) {
        key = String(id);
        kind = Kind.Hex;
        unknownFields++;
      } else {
        key = ie.name;
        kind = id === 210 ? Kind.Skip : k;
        role = ROLE_BY_ID.get(id) ?? Role.None;
      }
    }
    const seen = used.get(key) ?? 0;
    used.set(key, seen + 1);
    if (seen > 0) key = `${key}_${seen + 1}`;
    if (length === VARIABLE_LENGTH) {
      variable = true;
      minLength += 1;
    } else {
      minLength += length;
    }
    planned.push({ key, kind, length, role });
  });
  const keys = planned.filter((f) => f.kind !== Kind.Skip).map((f) => f.key);
  return {
    fields: planned,
    minLength,
    variable,
    unknownFields,
    enterpriseFields,
    make: maker(keys),
    values: new Array<FlowValue>(keys.length).fill(0),
  };
}

/** Reused between records: where the record ended and the role values it carried. */
export class RecordScratch {
  next = 0;
  /** Bit r set when role r was seen in the last record. */
  seen = 0;
  readonly values = new Float64Array(ROLE_COUNT);
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const utf8 = new TextDecoder('utf-8');

function hexOf(buf: Uint8Array, at: number, len: number, sep: string): string {
  let s = '';
  for (let i = 0; i < len; i++) s += (i > 0 ? sep : '') + (HEX[buf[at + i] as number] as string);
  return s;
}

/** An unsigned big-endian integer of 1–8 octets: a number when ≤ 2^53 − 1, else a bigint. */
export function readUint(buf: Uint8Array, at: number, len: number): number | bigint {
  if (len <= 6) {
    let v = 0;
    for (let i = 0; i < len; i++) v = v * 256 + (buf[at + i] as number);
    return v;
  }
  const hiLen = len - 4;
  let hi = 0;
  for (let i = 0; i < hiLen; i++) hi = hi * 256 + (buf[at + i] as number);
  const p = at + hiLen;
  const lo =
    (buf[p] as number) * 0x1000000 +
    (((buf[p + 1] as number) << 16) | ((buf[p + 2] as number) << 8) | (buf[p + 3] as number));
  if (hi < 0x200000) return hi * 4_294_967_296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function readInt(buf: Uint8Array, at: number, len: number): number | bigint {
  const u = readUint(buf, at, len);
  if (typeof u === 'number' && len <= 6) {
    const half = 2 ** (len * 8 - 1);
    return u >= half ? u - half * 2 : u;
  }
  const s = BigInt.asIntN(len * 8, BigInt(u));
  return s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
}

function capture(s: RecordScratch, role: number, v: number): void {
  s.values[role] = v;
  s.seen |= 1 << role;
}

/**
 * Reads one record at `at`; the caller has checked that `plan.minLength` octets remain before `end`.
 * Returns the fields (and sets `s.next`), or undefined when a variable-length field runs past `end`.
 */
export function readRecord(
  buf: Uint8Array,
  view: DataView,
  at: number,
  end: number,
  plan: RecordPlan,
  s: RecordScratch,
): Record<string, FlowValue> | undefined {
  const out = plan.values;
  let slot = 0;
  const fields = plan.fields;
  const checked = !plan.variable;
  s.seen = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as PlannedField;
    let len = f.length;
    if (len === VARIABLE_LENGTH) {
      if (at >= end) return undefined;
      len = buf[at++] as number;
      if (len === 255) {
        if (at + 2 > end) return undefined;
        len = ((buf[at] as number) << 8) | (buf[at + 1] as number);
        at += 2;
      }
    }
    if (!checked && at + len > end) return undefined;
    let v: FlowValue;
    switch (f.kind) {
      case Kind.Uint:
        v = len === 1 ? (buf[at] as number) : len === 4 ? view.getUint32(at) : readUint(buf, at, len);
        if (f.role !== Role.None) capture(s, f.role, Number(v));
        break;
      case Kind.Int:
        v = readInt(buf, at, len);
        break;
      case Kind.Float:
        v = len === 4 ? view.getFloat32(at) : view.getFloat64(at);
        if (f.role !== Role.None) capture(s, f.role, v);
        break;
      case Kind.Bool:
        v = buf[at] === 1;
        break;
      case Kind.Mac:
        v = hexOf(buf, at, 6, ':');
        break;
      case Kind.Ipv4:
        v = formatIpBytes(buf, at, 4);
        break;
      case Kind.Ipv6:
        v = formatIpBytes(buf, at, 16);
        break;
      case Kind.String: {
        let e = at + len;
        while (e > at && buf[e - 1] === 0) e--;
        v = utf8.decode(buf.subarray(at, e));
        break;
      }
      case Kind.DateSeconds: {
        const sec = readUint(buf, at, len);
        v = typeof sec === 'number' && isoRepresentable(sec) ? isoSeconds(sec) : sec;
        if (f.role !== Role.None && typeof sec === 'number') capture(s, f.role, sec * 1000);
        break;
      }
      case Kind.DateMillis: {
        const ms = readUint(buf, at, len);
        const ok = typeof ms === 'number' && isoRepresentable(ms / 1000);
        v = ok ? isoMillis(ms) : ms;
        if (f.role !== Role.None && ok) capture(s, f.role, ms);
        break;
      }
      case Kind.DateMicros:
      case Kind.DateNanos: {
        const sec = ntpSecondsToUnix(view.getUint32(at));
        const fraction = view.getUint32(at + 4);
        const micro = f.kind === Kind.DateMicros;
        const sub = micro ? ntpFractionToMicros(fraction) : ntpFractionToNanos(fraction);
        v = isoFraction(sec, sub, micro ? 6 : 9);
        if (f.role !== Role.None)
          capture(s, f.role, sec * 1000 + Math.floor(sub / (micro ? 1000 : 1_000_000)));
        break;
      }
      case Kind.Skip:
        at += len;
        continue;
      default:
        v = hexOf(buf, at, len, '');
    }
    out[slot++] = v;
    at += len;
  }
  s.next = at;
  return plan.make(out);
}
