/**
 * `decodeCdr`: one GPRSRecord element (BER) → CdrRecord, table-driven, reading TLV headers into a
 * reused cursor (no intermediate tree). Unknown context tags are skipped and counted; a known field
 * whose value is malformed is a DecodeError naming the field.
 */
import {
  BerBudget,
  CLASS_CONTEXT,
  CLASS_UNIVERSAL,
  readBigint,
  readHex,
  readIa5,
  readNumber,
  readTlv,
  Tlv,
} from '../ber/reader.js';
import { DecodeError } from '../errors.js';
import { Kind, SERVICE_FIELDS, TABLE_BY_TAG, VOLUME_FIELDS, VOLUME_KEYS, type FieldDef } from './tables.js';
import {
  DEFAULT_CDR_LIMITS,
  type CdrLimits,
  type CdrRecord,
  type ServiceData,
  type TrafficVolume,
} from './types.js';
import {
  formatIpv4,
  formatIpv6,
  parseIpOctets,
  readMsisdn,
  readPlmn,
  readTbcd,
  readTimestamp,
} from './values.js';

function fail(code: string, message: string, offset: number, context: Record<string, unknown> = {}): never {
  throw new DecodeError('cdr', code, message, offset, context);
}

interface Ctx {
  readonly buf: Uint8Array;
  readonly budget: BerBudget;
  readonly limits: CdrLimits;
}

/** Cursors by nesting level, reused: decoding is synchronous and never re-entered. */
const CURSORS = Array.from({ length: 5 }, () => new Tlv());
const cursor = (level: number): Tlv => CURSORS[level] as Tlv;
const DEFAULT_BUDGET_LIMITS = {
  maxDepth: DEFAULT_CDR_LIMITS.maxDepth,
  maxElements: DEFAULT_CDR_LIMITS.maxElements,
};

export function decodeCdr(bytes: Uint8Array, limits?: Partial<CdrLimits>): CdrRecord {
  const l: CdrLimits = limits === undefined ? DEFAULT_CDR_LIMITS : { ...DEFAULT_CDR_LIMITS, ...limits };
  const budget = new BerBudget(
    limits === undefined ? DEFAULT_BUDGET_LIMITS : { maxDepth: l.maxDepth, maxElements: l.maxElements },
  );
  const ctx: Ctx = { buf: bytes, budget, limits: l };
  const t = cursor(0);
  readTlv(bytes, 0, bytes.length, t, 0, ctx.budget);
  if (t.end !== bytes.length)
    fail('trailing_bytes', `${bytes.length - t.end} octets after the record`, t.end);
  const table = t.cls === CLASS_CONTEXT && t.constructed ? TABLE_BY_TAG.get(t.tag) : undefined;
  if (table === undefined) {
    fail(
      'unsupported_record_type',
      `expected a GPRSRecord choice [20] [21] [70] [78] [79], got ${describe(t)}`,
      0,
      { tag: t.tag, class: t.cls },
    );
  }
  const rec: CdrRecord = { recordType: table.name, unknownFields: 0 };
  const f = cursor(1);
  for (let pos = t.contentStart; pos < t.contentEnd; pos = f.end) {
    readTlv(bytes, pos, t.contentEnd, f, 1, ctx.budget);
    const def = f.cls === CLASS_CONTEXT ? table.fields[f.tag] : undefined;
    if (def === undefined) {
      if (f.cls !== CLASS_CONTEXT || !table.known.has(f.tag)) rec.unknownFields++;
      continue;
    }
    if (def.kind === Kind.RecordType) {
      const v = readNumber(bytes, primitive(f, 'recordType'));
      if (v !== table.recordTypeValue) {
        fail(
          'record_type_mismatch',
          `recordType ${v} inside a ${table.name} (expected ${table.recordTypeValue})`,
          f.start,
          { field: 'recordType' },
        );
      }
      continue;
    }
    setField(rec, def, f, ctx);
  }
  return rec;
}

function describe(t: Tlv): string {
  const cls = ['universal', 'application', 'context', 'private'][t.cls];
  return `${cls} tag ${t.tag}${t.constructed ? ' (constructed)' : ''}`;
}

function primitive(t: Tlv, field: string): Tlv {
  if (t.constructed)
    fail('unexpected_constructed', `${field}: expected a primitive value`, t.start, { field });
  return t;
}

function constructed(t: Tlv, field: string): Tlv {
  if (!t.constructed)
    fail('unexpected_primitive', `${field}: expected a constructed value`, t.start, { field });
  return t;
}

function setField(rec: CdrRecord, def: FieldDef, f: Tlv, ctx: Ctx): void {
  const r = rec as unknown as Record<string, unknown>;
  const key = def.key;
  const { buf } = ctx;
  switch (def.kind) {
    case Kind.Number:
      r[key] = readNumber(buf, primitive(f, key));
      return;
    case Kind.Tbcd:
      r[key] = readTbcd(buf, primitive(f, key).contentStart, f.contentEnd, key);
      return;
    case Kind.Msisdn:
      r[key] = readMsisdn(buf, primitive(f, key).contentStart, f.contentEnd, key);
      return;
    case Kind.Ia5:
      r[key] = readIa5(buf, primitive(f, key));
      return;
    case Kind.Hex:
      r[key] = readHex(buf, primitive(f, key));
      return;
    case Kind.Timestamp:
      r[key] = readTimestamp(buf, primitive(f, key).contentStart, f.contentEnd, key);
      return;
    case Kind.Plmn:
      r[key] = readPlmn(buf, primitive(f, key).contentStart, f.contentEnd, key);
      return;
    case Kind.Boolean:
      if (primitive(f, key).contentEnd - f.contentStart !== 1)
        fail('invalid_boolean', `${key}: expected one octet`, f.start, { field: key });
      r[key] = buf[f.contentStart] !== 0;
      return;
    case Kind.Address:
      r[key] = innerAddress(constructed(f, key), key, ctx);
      return;
    case Kind.AddressAsList:
      r[key] = [innerAddress(constructed(f, key), key, ctx)];
      return;
    case Kind.AddressList: {
      const out: string[] = [];
      const e = cursor(2);
      for (let p = constructed(f, key).contentStart; p < f.contentEnd; p = e.end) {
        readTlv(buf, p, f.contentEnd, e, 2, ctx.budget);
        out.push(ipAddress(e, key, ctx));
      }
      r[key] = out;
      return;
    }
    case Kind.EnumList: {
      const out: number[] = [];
      const e = cursor(2);
      for (let p = constructed(f, key).contentStart; p < f.contentEnd; p = e.end) {
        readTlv(buf, p, f.contentEnd, e, 2, ctx.budget);
        if (e.cls !== CLASS_UNIVERSAL || e.tag !== 10)
          fail('invalid_value', `${key}: expected ENUMERATED values, got ${describe(e)}`, e.start, {
            field: key,
          });
        out.push(readNumber(buf, primitive(e, key)));
      }
      r[key] = out;
      return;
    }
    case Kind.PdpAddress: {
      // PDPAddress CHOICE → iPAddress [0], itself an IPAddress CHOICE (explicit).
      const e = cursor(2);
      readTlv(buf, constructed(f, key).contentStart, f.contentEnd, e, 2, ctx.budget);
      if (e.cls !== CLASS_CONTEXT || e.tag !== 0 || e.end !== f.contentEnd) {
        fail('invalid_address', `${key}: expected PDPAddress iPAddress [0]`, e.start, { field: key });
      }
      r[key] = innerAddress(constructed(e, key), key, ctx, 3);
      return;
    }
    case Kind.TrafficVolumes:
      r[key] = containers(f, key, VOLUME_FIELDS, ctx) as TrafficVolume[];
      return;
    case Kind.ServiceData:
      r[key] = containers(f, key, SERVICE_FIELDS, ctx) as ServiceData[];
      return;
    default:
      fail('unsupported_field', `${key}: no decoder for kind ${String(def.kind)}`, f.start, { field: key });
  }
}

/** The single IPAddress inside an explicitly tagged GSNAddress. */
function innerAddress(f: Tlv, field: string, ctx: Ctx, level = 2): string {
  const e = cursor(level);
  readTlv(ctx.buf, f.contentStart, f.contentEnd, e, level, ctx.budget);
  if (e.end !== f.contentEnd) fail('invalid_address', `${field}: more than one address`, e.end, { field });
  return ipAddress(e, field, ctx);
}

/** IPAddress CHOICE: iPBinV4Address [0], iPBinV6Address [1], iPTextV4Address [2], iPTextV6Address [3]. */
function ipAddress(e: Tlv, field: string, ctx: Ctx): string {
  const { buf } = ctx;
  const len = e.contentEnd - e.contentStart;
  if (e.cls === CLASS_CONTEXT && !e.constructed) {
    if (e.tag === 0 && len === 4) return formatIpv4(buf, e.contentStart);
    if (e.tag === 1 && len === 16) return formatIpv6(buf, e.contentStart);
    if ((e.tag === 2 && len >= 7 && len <= 15) || (e.tag === 3 && len >= 2 && len <= 45)) {
      // Text forms are given in the canonical text of the same address, as the binary forms are.
      const o = parseIpOctets(readIa5(buf, e));
      if (o !== undefined && o.length === (e.tag === 2 ? 4 : 16))
        return o.length === 4 ? formatIpv4(o, 0) : formatIpv6(o, 0);
    }
  }
  return fail(
    'invalid_address',
    `${field}: expected an IPv4/IPv6 address, got ${describe(e)} of ${len} octets`,
    e.start,
    { field },
  );
}

function containers(
  f: Tlv,
  field: string,
  defs: Readonly<Record<number, [string, Kind]>>,
  ctx: Ctx,
): object[] {
  const { buf } = ctx;
  const out: object[] = [];
  const c = cursor(2);
  const v = cursor(3);
  for (let p = constructed(f, field).contentStart; p < f.contentEnd; p = c.end) {
    readTlv(buf, p, f.contentEnd, c, 2, ctx.budget);
    if (c.cls !== CLASS_UNIVERSAL || c.tag !== 16 || !c.constructed)
      fail('invalid_container', `${field}: expected a SEQUENCE, got ${describe(c)}`, c.start, { field });
    if (out.length === ctx.limits.maxContainers)
      fail('container_limit', `${field}: more than ${ctx.limits.maxContainers} containers`, c.start, {
        field,
      });
    const item: Record<string, unknown> = {};
    for (let q = c.contentStart; q < c.contentEnd; q = v.end) {
      readTlv(buf, q, c.contentEnd, v, 3, ctx.budget);
      const d = v.cls === CLASS_CONTEXT ? defs[v.tag] : undefined;
      if (d === undefined) continue;
      const [name, kind] = d;
      const at = `${field}.${name}`;
      primitive(v, at);
      if (VOLUME_KEYS.has(name)) item[name] = readBigint(buf, v);
      else if (kind === Kind.Number) item[name] = readNumber(buf, v);
      else if (kind === Kind.Timestamp) item[name] = readTimestamp(buf, v.contentStart, v.contentEnd, at);
      else if (kind === Kind.Ia5) item[name] = readIa5(buf, v);
      else item[name] = readHex(buf, v);
    }
    out.push(item);
  }
  return out;
}
