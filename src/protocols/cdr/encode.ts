/**
 * `encodeCdr`: CdrRecord → one GPRSRecord element in BER with definite, minimal lengths, fields in tag
 * order (what a GSN writes; used by the load generator and tests). `decodeCdr(encodeCdr(r))` equals r.
 */
import { EncodeError } from '../errors.js';
import { CLASS_CONTEXT, CLASS_UNIVERSAL } from '../ber/reader.js';
import { BerWriter } from '../ber/writer.js';
import { Kind, SERVICE_TABLE, TABLE_BY_NAME, VOLUME_TABLE, type ContainerTable } from './tables.js';
import type { CdrRecord } from './types.js';
import { parseIpBytes } from '../ip.js';
import { putMsisdn, putPlmn, putTbcd, putTimestamp } from './values.js';

function bad(field: string, expected: string, got: unknown): never {
  throw new EncodeError('cdr', 'invalid_value', `${field}: expected ${expected}, got ${String(got)}`, {
    field,
  });
}

const SEQUENCE = 16;
const ENUMERATED = 10;
const INTEGER = 2;
const OCTET_STRING = 4;

/** IPAddress: iPBinV4Address [0], iPBinV6Address [1] or, for "address/length", iPBinV6AddressWithPrefix [4]. */
function address(w: BerWriter, text: unknown, field: string): void {
  if (typeof text !== 'string') bad(field, 'an address', text);
  const slash = text.indexOf('/');
  const o = parseIpBytes(slash < 0 ? text : text.slice(0, slash));
  if (o === undefined) bad(field, 'an IPv4 or IPv6 address', text);
  if (slash < 0) {
    w.element(CLASS_CONTEXT, o.length === 4 ? 0 : 1, o);
    return;
  }
  const prefix = Number(text.slice(slash + 1));
  if (o.length !== 16 || !/^\d{1,2}$/.test(text.slice(slash + 1)) || prefix < 1 || prefix > 64)
    bad(field, 'an IPv6 address with a prefix length of 1..64', text);
  const mark = w.begin(CLASS_CONTEXT, true, 4);
  w.element(CLASS_UNIVERSAL, OCTET_STRING, o);
  if (prefix !== 64) {
    const p = w.begin(CLASS_UNIVERSAL, false, INTEGER);
    w.unsigned(prefix, field);
    w.end(p);
  }
  w.end(mark);
}

/** PDPAddress: iPAddress [0] for an IP address, eTSIAddress [1] for a digit string. */
function pdpAddress(w: BerWriter, text: unknown, field: string): void {
  if (typeof text === 'string' && /^\d+$/.test(text)) {
    const mark = w.begin(CLASS_CONTEXT, false, 1);
    putMsisdn(w, text, field);
    w.end(mark);
    return;
  }
  const mark = w.begin(CLASS_CONTEXT, true, 0);
  address(w, text, field);
  w.end(mark);
}

/** The content of a primitive value of a scalar kind. */
function scalar(w: BerWriter, kind: Kind, v: unknown, at: string): void {
  switch (kind) {
    case Kind.Number:
    case Kind.Volume:
      if (typeof v !== 'number' && typeof v !== 'bigint') bad(at, 'an integer', v);
      w.unsigned(v, at);
      return;
    case Kind.Tbcd:
      putTbcd(w, String(v), at);
      return;
    case Kind.Msisdn:
      putMsisdn(w, String(v), at);
      return;
    case Kind.Ia5:
      w.ia5(String(v), at);
      return;
    case Kind.Hex:
      w.hex(String(v), at);
      return;
    case Kind.Timestamp:
      putTimestamp(w, String(v), at);
      return;
    case Kind.Plmn:
      putPlmn(w, String(v), at);
      return;
    case Kind.Boolean:
      w.octet(v === true ? 0xff : 0);
      return;
    default:
      bad(at, 'a primitive field', kind);
  }
}

function containers<T extends object>(
  w: BerWriter,
  items: unknown,
  field: string,
  table: ContainerTable<T>,
): void {
  if (!Array.isArray(items)) bad(field, 'a list of containers', items);
  for (const item of items as Record<string, unknown>[]) {
    const mark = w.begin(CLASS_UNIVERSAL, true, SEQUENCE);
    for (const t of table.order) {
      const d = table.fields[t];
      const v = d === undefined ? undefined : item[d.key];
      if (d === undefined || v === undefined) continue;
      const m = w.begin(CLASS_CONTEXT, false, t);
      scalar(w, d.kind, v, d.at);
      w.end(m);
    }
    w.end(mark);
  }
}

/** One field's content, inside the context tag `encodeCdr` opened for it. */
function field(w: BerWriter, kind: Kind, v: unknown, key: string, recordType: string): void {
  switch (kind) {
    case Kind.Address:
      address(w, v, key);
      return;
    case Kind.AddressAsList:
      if (!Array.isArray(v) || v.length !== 1) bad(key, `one address for ${recordType}`, v);
      address(w, v[0], key);
      return;
    case Kind.AddressList:
      if (!Array.isArray(v)) bad(key, 'a list of addresses', v);
      for (const a of v) address(w, a, key);
      return;
    case Kind.EnumList:
      if (!Array.isArray(v)) bad(key, 'a list of numbers', v);
      for (const x of v as number[]) {
        const m = w.begin(CLASS_UNIVERSAL, false, ENUMERATED);
        w.unsigned(x, key);
        w.end(m);
      }
      return;
    case Kind.PdpAddress:
      pdpAddress(w, v, key);
      return;
    case Kind.ConstructedHex:
      w.hex(String(v), key);
      return;
    case Kind.TrafficVolumes:
      containers(w, v, key, VOLUME_TABLE);
      return;
    case Kind.ServiceData:
      containers(w, v, key, SERVICE_TABLE);
      return;
    default:
      scalar(w, kind, v, key);
  }
}

/** Kinds whose element is constructed (the others are primitive). */
const CONSTRUCTED = new Set<Kind>([
  Kind.Address,
  Kind.AddressAsList,
  Kind.AddressList,
  Kind.EnumList,
  Kind.PdpAddress,
  Kind.ConstructedHex,
  Kind.TrafficVolumes,
  Kind.ServiceData,
]);

const writer = new BerWriter(1024);

export function encodeCdr(record: CdrRecord): Uint8Array {
  const table = TABLE_BY_NAME.get(record.recordType);
  if (table === undefined) bad('recordType', 'a supported record type', record.recordType);
  const r = record as unknown as Record<string, unknown>;
  const w = writer;
  w.clear();
  const outer = w.begin(CLASS_CONTEXT, true, table.tag);
  for (const tag of table.order) {
    const def = table.fields[tag];
    if (def === undefined) continue;
    if (def.kind === Kind.RecordType) {
      const m = w.begin(CLASS_CONTEXT, false, tag);
      w.unsigned(table.recordTypeValue, 'recordType');
      w.end(m);
      continue;
    }
    const v = r[def.key];
    if (v === undefined) continue;
    const m = w.begin(CLASS_CONTEXT, CONSTRUCTED.has(def.kind), tag);
    field(w, def.kind, v, def.key, record.recordType);
    w.end(m);
  }
  w.end(outer);
  return w.take();
}
