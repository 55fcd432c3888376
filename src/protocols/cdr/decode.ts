/**
 * `decodeCdr`: one GPRSRecord element (BER) → CdrRecord, table-driven: the record type's table maps
 * each context tag to a value kind and a setter, and TLV headers are read into reused cursors (no
 * intermediate tree, no per-field closures). Unknown context tags are skipped and counted; a known
 * field whose value is malformed is a DecodeError whose context names the field.
 */
import { readBigint, readBoolean, readHex, readIa5, readNumber } from '../ber/primitives.js';
import { BerBudget, CLASS_CONTEXT, CLASS_UNIVERSAL, readTlv, Tlv } from '../ber/reader.js';
import { DecodeError } from '../errors.js';
import {
  checkIpAddress,
  describe,
  innerAddress,
  innerElement,
  ipAddress,
  pdpAddress,
  type AddressCtx,
} from './address-decode.js';
import {
  Kind,
  SERVICE_TABLE,
  TABLE_BY_TAG,
  VOLUME_TABLE,
  type ContainerTable,
  type FieldDef,
  type RecordTable,
} from './tables.js';
import {
  DEFAULT_CDR_LIMITS,
  type CdrLimits,
  type CdrRecord,
  type ServiceData,
  type TrafficVolume,
} from './types.js';
import { checkTimestamp, readMsisdn, readPlmn, readTbcd, readTimestamp } from './values.js';

function fail(code: string, message: string, offset: number, field: string): never {
  throw new DecodeError('cdr', code, message, offset, { field });
}

export interface Ctx extends AddressCtx {
  readonly maxContainers: number;
  readonly keep: ReadonlySet<string> | undefined;
}

/** Per `keep` set and field table: by tag, whether the field is kept (computed once). */
const KEPT = new WeakMap<ReadonlySet<string>, Map<object, readonly boolean[]>>();

function keptTags(
  keep: ReadonlySet<string> | undefined,
  fields: readonly ({ readonly key: string } | undefined)[],
): readonly boolean[] | undefined {
  if (keep === undefined) return undefined;
  let byTable = KEPT.get(keep);
  if (byTable === undefined) {
    byTable = new Map();
    KEPT.set(keep, byTable);
  }
  let kept = byTable.get(fields);
  if (kept === undefined) {
    kept = fields.map((d) => d !== undefined && keep.has(d.key));
    byTable.set(fields, kept);
  }
  return kept;
}

/** Cursors by nesting level, reused: decoding is synchronous and never re-entered. */
const CURSORS: readonly Tlv[] = Array.from({ length: 6 }, () => new Tlv());
const DEFAULT_BUDGET_LIMITS = {
  maxDepth: DEFAULT_CDR_LIMITS.maxDepth,
  maxElements: DEFAULT_CDR_LIMITS.maxElements,
};

/**
 * `keep`: the record and container fields to put in the result (default: all). The others are
 * still decoded and checked, so a record fails or passes exactly as with all fields kept, but
 * timestamps and octet strings among them are only checked, not turned into strings.
 */
export function decodeCdr(
  bytes: Uint8Array,
  limits?: Partial<CdrLimits>,
  keep?: ReadonlySet<string>,
): CdrRecord {
  const { table, ctx } = openCdr(bytes, limits, keep);
  const rec: CdrRecord = { recordType: table.name, unknownFields: 0 };
  rec.unknownFields = walkFields(table, ctx, rec, setField);
  return rec;
}

function setField(rec: CdrRecord, def: FieldDef<CdrRecord>, f: Tlv, ctx: Ctx): void {
  def.set(rec, readField(def, f, ctx) as never);
}

/** A record opened by `openCdr`: its table and the context `walkFields` reads it with. */
export interface OpenedCdr {
  readonly table: RecordTable;
  readonly ctx: Ctx;
}

/** Frames the GPRSRecord in `bytes` (CURSORS[0]) and finds its table; `keep` as for `decodeCdr`. */
export function openCdr(
  bytes: Uint8Array,
  limits?: Partial<CdrLimits>,
  keep?: ReadonlySet<string>,
): OpenedCdr {
  const l: CdrLimits = limits === undefined ? DEFAULT_CDR_LIMITS : { ...DEFAULT_CDR_LIMITS, ...limits };
  const budget = new BerBudget(
    limits === undefined ? DEFAULT_BUDGET_LIMITS : { maxDepth: l.maxDepth, maxElements: l.maxElements },
  );
  const ctx: Ctx = { buf: bytes, budget, cursors: CURSORS, maxContainers: l.maxContainers, keep };
  const t = CURSORS[0] as Tlv;
  readTlv(bytes, 0, bytes.length, t, 0, budget);
  if (t.end !== bytes.length)
    fail('trailing_bytes', `${bytes.length - t.end} octets after the record`, t.end, 'record');
  const table = t.cls === CLASS_CONTEXT && t.constructed ? TABLE_BY_TAG.get(t.tag) : undefined;
  if (table === undefined) {
    fail(
      'unsupported_record_type',
      `expected a GPRSRecord choice [20] [21] [70] [78] [79], got ${describe(t)}`,
      0,
      'record',
    );
  }
  return { table, ctx };
}

/**
 * Reads the fields of the record `openCdr` framed, in wire order: `visit` gets each kept field,
 * the others are checked only. Returns the count of unknown fields.
 */
export function walkFields<T>(
  table: RecordTable,
  ctx: Ctx,
  target: T,
  visit: (target: T, def: FieldDef<CdrRecord>, f: Tlv, ctx: Ctx) => void,
): number {
  const bytes = ctx.buf;
  const t = CURSORS[0] as Tlv;
  const f = CURSORS[1] as Tlv;
  const { fields, known } = table;
  const kept = keptTags(ctx.keep, fields);
  let unknown = 0;
  let at = 'record';
  try {
    for (let pos = t.contentStart; pos < t.contentEnd; pos = f.end) {
      at = 'record';
      readTlv(bytes, pos, t.contentEnd, f, 1, ctx.budget);
      const def = f.cls === CLASS_CONTEXT ? fields[f.tag] : undefined;
      if (def === undefined) {
        if (f.cls !== CLASS_CONTEXT || known[f.tag] !== true) unknown++;
        continue;
      }
      at = def.at;
      if (def.kind === Kind.RecordType) {
        const v = readNumber(bytes, primitive(f, at));
        if (v !== table.recordTypeValue) {
          fail(
            'record_type_mismatch',
            `recordType ${v} inside a ${table.name} (expected ${table.recordTypeValue})`,
            f.start,
            at,
          );
        }
      } else if (kept === undefined || kept[f.tag] === true) {
        visit(target, def, f, ctx);
      } else {
        checkField(def, f, ctx);
      }
    }
  } catch (err) {
    throw withField(err, at);
  }
  return unknown;
}

/** A BER error met inside a field, with the field named in its context (CDR errors name it already). */
function withField(err: unknown, field: string): unknown {
  if (!(err instanceof DecodeError) || err.context['field'] !== undefined) return err;
  const prefix = `${err.protocol}: ${err.code} at offset ${err.offset}: `;
  const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new DecodeError(err.protocol, err.code, `${field}: ${message}`, err.offset, {
    ...err.context,
    field,
  });
}

export function primitive(t: Tlv, field: string): Tlv {
  if (t.constructed) fail('unexpected_constructed', `${field}: expected a primitive value`, t.start, field);
  return t;
}

export function constructed(t: Tlv, field: string): Tlv {
  if (!t.constructed) fail('unexpected_primitive', `${field}: expected a constructed value`, t.start, field);
  return t;
}

/** A primitive value of a scalar kind (record fields and container fields alike). */
export function readScalar(kind: Kind, buf: Uint8Array, f: Tlv, at: string): unknown {
  primitive(f, at);
  switch (kind) {
    case Kind.Number:
      return readNumber(buf, f);
    case Kind.Volume:
      return readBigint(buf, f);
    case Kind.Tbcd:
      return readTbcd(buf, f.contentStart, f.contentEnd, at);
    case Kind.Msisdn:
      return readMsisdn(buf, f.contentStart, f.contentEnd, at);
    case Kind.Ia5:
      return readIa5(buf, f);
    case Kind.Hex:
      return readHex(buf, f);
    case Kind.Timestamp:
      return readTimestamp(buf, f.contentStart, f.contentEnd, at);
    case Kind.Plmn:
      return readPlmn(buf, f.contentStart, f.contentEnd, at);
    case Kind.Boolean:
      return readBoolean(buf, f);
    default:
      return fail('unsupported_field', `${at}: not a primitive kind`, f.start, at);
  }
}

/** Only the checks of a field not kept: what would fail `readField` fails here. */
function checkField(def: FieldDef<CdrRecord>, f: Tlv, ctx: Ctx): void {
  switch (def.kind) {
    case Kind.Timestamp:
    case Kind.Hex:
      checkScalar(def.kind, ctx.buf, f, def.at);
      return;
    case Kind.ConstructedHex:
      constructed(f, def.at);
      return;
    case Kind.Address:
    case Kind.AddressAsList:
      checkIpAddress(innerElement(constructed(f, def.at), def.at, ctx, 2), def.at, ctx, 2);
      return;
    case Kind.EnumList:
      enumList(f, def.at, ctx, undefined);
      return;
    default:
      readField(def, f, ctx);
  }
}

/** Only the checks of a scalar not kept: timestamps are checked without the string, hex not read. */
export function checkScalar(kind: Kind, buf: Uint8Array, f: Tlv, at: string): void {
  if (kind === Kind.Timestamp) checkTimestamp(buf, primitive(f, at).contentStart, f.contentEnd, at);
  else if (kind === Kind.Hex) primitive(f, at);
  else readScalar(kind, buf, f, at);
}

/** The value of record field `f` (read at nesting level 1). */
function readField(def: FieldDef<CdrRecord>, f: Tlv, ctx: Ctx): unknown {
  const { buf, budget } = ctx;
  const at = def.at;
  switch (def.kind) {
    case Kind.Address:
      return innerAddress(constructed(f, at), at, ctx, 2);
    case Kind.AddressAsList:
      return [innerAddress(constructed(f, at), at, ctx, 2)];
    case Kind.PdpAddress:
      return pdpAddress(constructed(f, at), at, ctx, 2);
    case Kind.ConstructedHex:
      return readHex(buf, constructed(f, at));
    case Kind.AddressList: {
      const out: string[] = [];
      const e = CURSORS[2] as Tlv;
      for (let p = constructed(f, at).contentStart; p < f.contentEnd; p = e.end) {
        readTlv(buf, p, f.contentEnd, e, 2, budget);
        out.push(ipAddress(e, at, ctx, 2));
      }
      return out;
    }
    case Kind.EnumList: {
      const out: number[] = [];
      enumList(f, at, ctx, out);
      return out;
    }
    case Kind.TrafficVolumes:
      return containers<TrafficVolume>(f, at, VOLUME_TABLE, ctx);
    case Kind.ServiceData:
      return containers<ServiceData>(f, at, SERVICE_TABLE, ctx);
    default:
      return readScalar(def.kind, buf, f, at);
  }
}

/** The ENUMERATED values of SEQUENCE OF field `f`, checked, and pushed to `out` when given. */
function enumList(f: Tlv, at: string, ctx: Ctx, out: number[] | undefined): void {
  const { buf } = ctx;
  const e = CURSORS[2] as Tlv;
  for (let p = constructed(f, at).contentStart; p < f.contentEnd; p = e.end) {
    readTlv(buf, p, f.contentEnd, e, 2, ctx.budget);
    if (e.cls !== CLASS_UNIVERSAL || e.tag !== 10)
      fail('invalid_value', `${at}: expected ENUMERATED values, got ${describe(e)}`, e.start, at);
    const v = readNumber(buf, primitive(e, at));
    out?.push(v);
  }
}

/** SEQUENCE OF containers as objects; container fields the table does not list are skipped. */
function containers<T extends object>(f: Tlv, field: string, table: ContainerTable<T>, ctx: Ctx): T[] {
  const out: T[] = [];
  walkContainers(f, field, table, ctx, out, beginContainer, setContainerField);
  return out;
}

function beginContainer<T extends object>(out: T[]): void {
  out.push({} as T);
}

function setContainerField<T extends object>(out: T[], d: FieldDef<T>, v: Tlv, ctx: Ctx): void {
  d.set(out[out.length - 1] as T, readScalar(d.kind, ctx.buf, v, d.at) as never);
}

/**
 * Walks the SEQUENCE OF containers in field `f`: `begin` at each container, `visit` for each kept
 * field of it (the others are checked only, fields the table does not list skipped). Returns the
 * number of containers.
 */
export function walkContainers<S, T>(
  f: Tlv,
  field: string,
  table: ContainerTable<T>,
  ctx: Ctx,
  state: S,
  begin: (state: S) => void,
  visit: (state: S, d: FieldDef<T>, v: Tlv, ctx: Ctx) => void,
): number {
  const { buf, budget } = ctx;
  const c = CURSORS[2] as Tlv;
  const v = CURSORS[3] as Tlv;
  const { fields } = table;
  const kept = keptTags(ctx.keep, fields);
  let n = 0;
  for (let p = constructed(f, field).contentStart; p < f.contentEnd; p = c.end) {
    readTlv(buf, p, f.contentEnd, c, 2, budget);
    if (c.cls !== CLASS_UNIVERSAL || c.tag !== 16 || !c.constructed)
      fail('invalid_container', `${field}: expected a SEQUENCE, got ${describe(c)}`, c.start, field);
    if (n === ctx.maxContainers)
      fail('container_limit', `${field}: more than ${ctx.maxContainers} containers`, c.start, field);
    n++;
    begin(state);
    for (let q = c.contentStart; q < c.contentEnd; q = v.end) {
      readTlv(buf, q, c.contentEnd, v, 3, budget);
      const d = v.cls === CLASS_CONTEXT ? fields[v.tag] : undefined;
      if (d === undefined) continue;
      if (kept === undefined || kept[v.tag] === true) visit(state, d, v, ctx);
      else checkScalar(d.kind, buf, v, d.at);
    }
  }
  return n;
}
