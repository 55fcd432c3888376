/**
 * `encodeCdr`: CdrRecord → one GPRSRecord element in BER with definite, minimal lengths, fields in tag
 * order (what a GSN writes; used by the load generator and tests). `decodeCdr(encodeCdr(r))` equals r.
 */
import { EncodeError } from '../errors.js';
import { CLASS_CONTEXT, CLASS_UNIVERSAL } from '../ber/reader.js';
import { concat, hexContent, ia5Content, tlv, unsignedContent } from '../ber/writer.js';
import { Kind, SERVICE_TABLE, TABLE_BY_NAME, VOLUME_TABLE, type ContainerTable } from './tables.js';
import type { CdrRecord } from './types.js';
import { parseIpBytes } from '../ip.js';
import { writeMsisdn, writePlmn, writeTbcd, writeTimestamp } from './values.js';

function bad(field: string, expected: string, got: unknown): never {
  throw new EncodeError('cdr', 'invalid_value', `${field}: expected ${expected}, got ${String(got)}`, {
    field,
  });
}

const ctx = (tag: number, content: Uint8Array, constructed = false): Uint8Array =>
  tlv(CLASS_CONTEXT, constructed, tag, content);

/** IPAddress: iPBinV4Address [0], iPBinV6Address [1] or, for "address/length", iPBinV6AddressWithPrefix [4]. */
function address(text: unknown, field: string): Uint8Array {
  if (typeof text !== 'string') bad(field, 'an address', text);
  const slash = text.indexOf('/');
  const o = parseIpBytes(slash < 0 ? text : text.slice(0, slash));
  if (o === undefined) bad(field, 'an IPv4 or IPv6 address', text);
  if (slash < 0) return ctx(o.length === 4 ? 0 : 1, o);
  const prefix = Number(text.slice(slash + 1));
  if (o.length !== 16 || !/^\d{1,2}$/.test(text.slice(slash + 1)) || prefix < 1 || prefix > 64)
    bad(field, 'an IPv6 address with a prefix length of 1..64', text);
  const parts = [tlv(CLASS_UNIVERSAL, false, 4, o)];
  if (prefix !== 64) parts.push(tlv(CLASS_UNIVERSAL, false, 2, unsignedContent(prefix, field)));
  return ctx(4, concat(parts), true);
}

/** PDPAddress: iPAddress [0] for an IP address, eTSIAddress [1] for a digit string. */
function pdpAddress(text: unknown, field: string): Uint8Array {
  if (typeof text === 'string' && /^\d+$/.test(text)) return ctx(1, writeMsisdn(text, field));
  return ctx(0, address(text, field), true);
}

/** A primitive value of a scalar kind. */
function scalar(kind: Kind, v: unknown, at: string): Uint8Array {
  switch (kind) {
    case Kind.Number:
    case Kind.Volume:
      if (typeof v !== 'number' && typeof v !== 'bigint') bad(at, 'an integer', v);
      return unsignedContent(v, at);
    case Kind.Tbcd:
      return writeTbcd(String(v), at);
    case Kind.Msisdn:
      return writeMsisdn(String(v), at);
    case Kind.Ia5:
      return ia5Content(String(v), at);
    case Kind.Hex:
      return hexContent(String(v), at);
    case Kind.Timestamp:
      return writeTimestamp(String(v), at);
    case Kind.Plmn:
      return writePlmn(String(v), at);
    case Kind.Boolean:
      return Uint8Array.of(v === true ? 0xff : 0);
    default:
      return bad(at, 'a primitive field', kind);
  }
}

function containers<T extends object>(items: unknown, field: string, table: ContainerTable<T>): Uint8Array {
  if (!Array.isArray(items)) bad(field, 'a list of containers', items);
  return concat(
    items.map((item: Record<string, unknown>) => {
      const parts: Uint8Array[] = [];
      for (const t of table.order) {
        const d = table.fields[t];
        const v = d === undefined ? undefined : item[d.key];
        if (d !== undefined && v !== undefined) parts.push(ctx(t, scalar(d.kind, v, d.at)));
      }
      return tlv(CLASS_UNIVERSAL, true, 16, concat(parts));
    }),
  );
}

export function encodeCdr(record: CdrRecord): Uint8Array {
  const table = TABLE_BY_NAME.get(record.recordType);
  if (table === undefined) bad('recordType', 'a supported record type', record.recordType);
  const r = record as unknown as Record<string, unknown>;
  const parts: Uint8Array[] = [];
  for (const tag of table.order) {
    const def = table.fields[tag];
    if (def === undefined) continue;
    if (def.kind === Kind.RecordType) {
      parts.push(ctx(tag, unsignedContent(table.recordTypeValue, 'recordType')));
      continue;
    }
    const v = r[def.key];
    if (v === undefined) continue;
    const key = def.key;
    switch (def.kind) {
      case Kind.Address:
        parts.push(ctx(tag, address(v, key), true));
        break;
      case Kind.AddressAsList:
        if (!Array.isArray(v) || v.length !== 1) bad(key, `one address for ${record.recordType}`, v);
        parts.push(ctx(tag, address(v[0], key), true));
        break;
      case Kind.AddressList:
        if (!Array.isArray(v)) bad(key, 'a list of addresses', v);
        parts.push(ctx(tag, concat(v.map((a) => address(a, key))), true));
        break;
      case Kind.EnumList:
        if (!Array.isArray(v)) bad(key, 'a list of numbers', v);
        parts.push(
          ctx(
            tag,
            concat(v.map((x: number) => tlv(CLASS_UNIVERSAL, false, 10, unsignedContent(x, key)))),
            true,
          ),
        );
        break;
      case Kind.PdpAddress:
        parts.push(ctx(tag, pdpAddress(v, key), true));
        break;
      case Kind.ConstructedHex:
        parts.push(ctx(tag, hexContent(String(v), key), true));
        break;
      case Kind.TrafficVolumes:
        parts.push(ctx(tag, containers(v, key, VOLUME_TABLE), true));
        break;
      case Kind.ServiceData:
        parts.push(ctx(tag, containers(v, key, SERVICE_TABLE), true));
        break;
      default:
        parts.push(ctx(tag, scalar(def.kind, v, key)));
    }
  }
  return ctx(table.tag, concat(parts), true);
}
