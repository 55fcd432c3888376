/**
 * `encodeCdr`: CdrRecord → one GPRSRecord element in BER with definite, minimal lengths, fields in tag
 * order (what a GSN writes; used by the load generator and tests). `decodeCdr(encodeCdr(r))` equals r.
 */
import { EncodeError } from '../errors.js';
import { CLASS_CONTEXT, CLASS_UNIVERSAL } from '../ber/reader.js';
import { concat, hexContent, ia5Content, tlv, unsignedContent } from '../ber/writer.js';
import { Kind, SERVICE_FIELDS, TABLE_BY_NAME, VOLUME_FIELDS } from './tables.js';
import type { CdrRecord } from './types.js';
import { parseIpOctets, writeMsisdn, writePlmn, writeTbcd, writeTimestamp } from './values.js';

function bad(field: string, expected: string, got: unknown): never {
  throw new EncodeError('cdr', 'invalid_value', `${field}: expected ${expected}, got ${String(got)}`, {
    field,
  });
}

const ctx = (tag: number, content: Uint8Array, constructed = false): Uint8Array =>
  tlv(CLASS_CONTEXT, constructed, tag, content);

function address(text: unknown, field: string): Uint8Array {
  if (typeof text !== 'string') bad(field, 'an address', text);
  const o = parseIpOctets(text);
  if (o === undefined) bad(field, 'an IPv4 or IPv6 address', text);
  return ctx(o.length === 4 ? 0 : 1, o);
}

function containers(
  items: unknown,
  field: string,
  defs: Readonly<Record<number, [string, Kind]>>,
): Uint8Array {
  if (!Array.isArray(items)) bad(field, 'a list of containers', items);
  const tags = Object.keys(defs)
    .map(Number)
    .sort((a, b) => a - b);
  return concat(
    items.map((item: Record<string, unknown>) =>
      tlv(
        CLASS_UNIVERSAL,
        true,
        16,
        concat(
          tags.flatMap((t) => {
            const [name, kind] = defs[t] as [string, Kind];
            const v = item[name];
            if (v === undefined) return [];
            const at = `${field}.${name}`;
            if (kind === Kind.Number) return [ctx(t, unsignedContent(v as number | bigint, at))];
            if (kind === Kind.Timestamp) return [ctx(t, writeTimestamp(v as string, at))];
            if (kind === Kind.Ia5) return [ctx(t, ia5Content(v as string, at))];
            return [ctx(t, hexContent(v as string, at))];
          }),
        ),
      ),
    ),
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
      case Kind.Number:
        parts.push(ctx(tag, unsignedContent(v as number, key)));
        break;
      case Kind.Tbcd:
        parts.push(ctx(tag, writeTbcd(v as string, key)));
        break;
      case Kind.Msisdn:
        parts.push(ctx(tag, writeMsisdn(v as string, key)));
        break;
      case Kind.Ia5:
        parts.push(ctx(tag, ia5Content(v as string, key)));
        break;
      case Kind.Hex:
        parts.push(ctx(tag, hexContent(v as string, key)));
        break;
      case Kind.Timestamp:
        parts.push(ctx(tag, writeTimestamp(v as string, key)));
        break;
      case Kind.Plmn:
        parts.push(ctx(tag, writePlmn(v as string, key)));
        break;
      case Kind.Boolean:
        parts.push(ctx(tag, Uint8Array.of(v === true ? 0xff : 0)));
        break;
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
        parts.push(ctx(tag, ctx(0, address(v, key), true), true));
        break;
      case Kind.TrafficVolumes:
        parts.push(ctx(tag, containers(v, key, VOLUME_FIELDS), true));
        break;
      case Kind.ServiceData:
        parts.push(ctx(tag, containers(v, key, SERVICE_FIELDS), true));
        break;
      default:
        bad(key, 'a field narflow can encode', def.kind);
    }
  }
  return ctx(table.tag, concat(parts), true);
}
