/**
 * `packCdrNar`: one CDR's bytes → its NAR (the attributes and values of `decodeCdrToNar`'s NAR)
 * written as MessagePack values, the way the record packer writes a NAR, without building the
 * CdrRecord, its containers, the NAR or its strings: digits, addresses, timestamps, text and hex go
 * from the BER octets straight into the output, in the order the record gives its fields. The walk
 * is `decodeCdr`'s, so a CDR fails here exactly where and how `decodeCdrToNar` fails. A gateway
 * hands the result to the batch encoder as a `PackedNar`.
 */
import { readNumber } from '../ber/primitives.js';
import { readTlv, type Tlv } from '../ber/reader.js';
import { MsgpackWriter } from '../nar/msgpack-writer.js';
import { innerElement, ipAddress, isBinaryIpv4, pdpChoice, type AddressCtx } from './address-decode.js';
import { constructed, openCdr, primitive, readScalar, walkFields, type Ctx } from './decode.js';
import { NAR_SOURCE_FIELDS } from './nar-mapping.js';
import { Kind, TABLES, type FieldDef, type RecordTable } from './tables.js';
import type { CdrRecord } from './types.js';
import { ascii, digits, dottedQuad, hex, timestamp } from './packed-values.js';
import { sumServiceVolumes, sumVolumes, Volumes } from './packed-volumes.js';
import { checkTbcd, checkTimestamp, msisdnDigits } from './values.js';

/** The attributes of a CDR's NAR (`cdrToNar`'s), by slot number. */
export const CDR_NAR_ATTRIBUTES = [
  'recordType',
  'imsi',
  'msisdn',
  'imei',
  'chargingId',
  'ggsnAddress',
  'sgsnAddress',
  'apn',
  'servedPdpAddress',
  'recordSequenceNumber',
  'localSequenceNumber',
  'causeForRecClosing',
  'recordOpeningTime',
  'duration',
  'uplinkBytes',
  'downlinkBytes',
  'nodeId',
  'ratType',
  'apnSelectionMode',
  'chargingCharacteristics',
  'servingNodePlmnId',
  'containers',
  'unknownFields',
] as const;
type Attribute = (typeof CDR_NAR_ATTRIBUTES)[number];

const SLOT = Object.fromEntries(CDR_NAR_ATTRIBUTES.map((a, i) => [a, i])) as Record<Attribute, number>;

/** The NAR attribute each kept CdrRecord field fills (volume lists are summed, not slotted). */
const FIELD_SLOT: Partial<Record<keyof CdrRecord, number>> = {
  servedIMSI: SLOT.imsi,
  servedMSISDN: SLOT.msisdn,
  servedIMEI: SLOT.imei,
  chargingID: SLOT.chargingId,
  ggsnAddress: SLOT.ggsnAddress,
  sgsnAddress: SLOT.sgsnAddress,
  accessPointNameNI: SLOT.apn,
  servedPDPAddress: SLOT.servedPdpAddress,
  recordSequenceNumber: SLOT.recordSequenceNumber,
  localSequenceNumber: SLOT.localSequenceNumber,
  causeForRecClosing: SLOT.causeForRecClosing,
  recordOpeningTime: SLOT.recordOpeningTime,
  duration: SLOT.duration,
  nodeID: SLOT.nodeId,
  rATType: SLOT.ratType,
  apnSelectionMode: SLOT.apnSelectionMode,
  chargingCharacteristics: SLOT.chargingCharacteristics,
  servingNodePLMNIdentifier: SLOT.servingNodePlmnId,
};

/** Per record table, by field tag: the slot of each kept field (−1: a list of containers, or none). */
const SLOTS_BY_TABLE = new Map<RecordTable, Int8Array>(
  TABLES.map((t) => {
    const slots = new Int8Array(t.fields.length).fill(-1);
    t.fields.forEach((d, tag) => {
      if (d !== undefined) slots[tag] = FIELD_SLOT[d.key as keyof CdrRecord] ?? -1;
    });
    return [t, slots];
  }),
);

/** recordType's value per record type, written once. */
const RECORD_TYPE_BYTES = new Map<string, Uint8Array>(
  TABLES.map((t) => {
    const w = new MsgpackWriter(64);
    w.string(t.name);
    return [t.name, w.buf.slice(0, w.pos)];
  }),
);

/** The state of one `packCdrNar`: the attributes written so far, in the order written. */
class Packing {
  /** Where the values go (the caller's writer). */
  w = new MsgpackWriter(0);
  /** The attributes written, by slot, in order; `written` has bit i set once slot i is. */
  readonly order = new Int8Array(64);
  n = 0;
  /** A hash of `order` (so far), for `keysOf`. */
  hash = 0;
  written = 0;
  /** A field given twice: the record is left to `decodeCdrToNar` (the last value would count). */
  repeated = false;
  readonly volumes = new Volumes();
  readonly services = new Volumes();
  /** The record table's slots by field tag. */
  slots: Int8Array = new Int8Array(0);

  reset(out: MsgpackWriter, slots: Int8Array): void {
    this.w = out;
    this.slots = slots;
    this.n = 0;
    this.hash = 0;
    this.written = 0;
    this.repeated = false;
    this.volumes.clear();
    this.services.clear();
  }

  /** Slot `i` has been written. */
  add(i: number): void {
    this.given(i);
    this.order[this.n++] = i;
    this.hash = (Math.imul(this.hash, 31) + i) | 0;
  }

  /** Slot `i`'s field was given (with a value written, or without one: an empty list, say). */
  given(i: number): void {
    const bit = 1 << i;
    if ((this.written & bit) !== 0) this.repeated = true;
    this.written |= bit;
  }
}

const P = new Packing();

interface Shape {
  readonly order: Int8Array;
  readonly keys: readonly string[];
}

/**
 * Keys by the slots written, in order (hashed), one shared array per shape. Encoders write a record
 * type's fields in one order, so there are few; past MAX_SHAPES (records in ever new orders) new
 * ones are made per record and not kept, so such input cannot grow the table.
 */
const SHAPES = new Map<number, Shape[]>();
export const MAX_SHAPES = 1024;
let shapes = 0;

/** Shapes kept (tests). */
export function shapesKept(): number {
  return shapes;
}

function keysOf(order: Int8Array, n: number, h: number): readonly string[] {
  const bucket = SHAPES.get(h);
  if (bucket !== undefined) {
    for (const s of bucket) {
      if (s.order.length !== n) continue;
      let same = true;
      for (let i = 0; i < n && same; i++) same = s.order[i] === order[i];
      if (same) return s.keys;
    }
  }
  const own = order.slice(0, n);
  const shape: Shape = { order: own, keys: Array.from(own, (i) => CDR_NAR_ATTRIBUTES[i] as string) };
  if (shapes < MAX_SHAPES) {
    shapes++;
    if (bucket === undefined) SHAPES.set(h, [shape]);
    else bucket.push(shape);
  }
  return shape.keys;
}

/**
 * Writes the NAR of the CDR in `bytes` into `out` at its position, as MessagePack values in the
 * order of the returned keys: recordType, then the record's fields in the order it gives them,
 * then uplinkBytes, downlinkBytes, containers and unknownFields. Throws the DecodeError
 * `decodeCdrToNar` would throw, writing nothing. Returns undefined, writing nothing, for the rare
 * record it leaves to `decodeCdrToNar`: a field given twice, or volume sums beyond 2^53 − 1 octets.
 */
export function packCdrNar(bytes: Uint8Array, out: MsgpackWriter): readonly string[] | undefined {
  const { table, ctx } = openCdr(bytes, undefined, NAR_SOURCE_FIELDS);
  const start = out.pos;
  const p = P;
  p.reset(out, SLOTS_BY_TABLE.get(table) as Int8Array);
  const type = RECORD_TYPE_BYTES.get(table.name) as Uint8Array;
  out.raw(type, 0, type.length);
  p.add(SLOT.recordType);
  let unknown: number;
  try {
    unknown = walkFields(table, ctx, p, packField);
  } catch (err) {
    out.pos = start;
    throw err;
  }
  const { volumes, services } = p;
  if (p.repeated || volumes.inexact || services.inexact) {
    out.pos = start;
    return undefined;
  }
  const listed = volumes.containers > 0 ? volumes : services.containers > 0 ? services : undefined;
  if (listed !== undefined) {
    out.safeIntegerAsBigint(listed.up);
    p.add(SLOT.uplinkBytes);
    out.safeIntegerAsBigint(listed.down);
    p.add(SLOT.downlinkBytes);
  }
  const containers = volumes.containers + services.containers;
  if (containers > 0) {
    out.number(containers);
    p.add(SLOT.containers);
  }
  if (unknown > 0) {
    out.number(unknown);
    p.add(SLOT.unknownFields);
  }
  return keysOf(p.order, p.n, p.hash);
}

/** One kept record field: its value written into its slot, or summed (volume lists). */
function packField(p: Packing, def: FieldDef<CdrRecord>, f: Tlv, ctx: Ctx): void {
  const w = p.w;
  const { buf } = ctx;
  const at = def.at;
  switch (def.kind) {
    case Kind.Number:
      w.number(readNumber(buf, primitive(f, at)));
      break;
    case Kind.Tbcd:
      digits(w, buf, primitive(f, at).contentStart, f.contentEnd, at);
      break;
    case Kind.Msisdn:
      digits(w, buf, msisdnDigits(primitive(f, at).contentStart, f.contentEnd, at), f.contentEnd, at);
      break;
    case Kind.Ia5:
      ascii(w, buf, primitive(f, at));
      break;
    case Kind.Hex:
      hex(w, buf, primitive(f, at).contentStart, f.contentEnd);
      break;
    case Kind.Timestamp:
      checkTimestamp(buf, primitive(f, at).contentStart, f.contentEnd, at);
      timestamp(w, buf, f.contentStart);
      break;
    case Kind.Address:
    case Kind.AddressAsList:
      address(w, innerElement(constructed(f, at), at, ctx, 2), at, ctx, 2, false);
      break;
    case Kind.AddressList:
      // An empty list: no SGSN address (a list given again still replaces it: see `repeated`).
      if (!firstOfList(w, f, at, ctx)) {
        p.given(p.slots[f.tag] as number);
        return;
      }
      break;
    case Kind.PdpAddress: {
      const e = pdpChoice(constructed(f, at), at, ctx, 2);
      if (e.tag !== 0) {
        // An eTSIAddress (X.121 digits): checked, not an IP address, so not in the NAR.
        checkTbcd(buf, msisdnDigits(e.contentStart, e.contentEnd, at), e.contentEnd, at);
        p.given(p.slots[f.tag] as number);
        return;
      }
      address(w, innerElement(e, at, ctx, 3), at, ctx, 3, true);
      break;
    }
    case Kind.TrafficVolumes:
      sumVolumes(p.volumes, f, at, ctx);
      return;
    case Kind.ServiceData:
      sumServiceVolumes(p.services, f, at, ctx);
      return;
    case Kind.Plmn:
      w.string(readScalar(def.kind, buf, f, at) as string);
      break;
    default:
      throw new Error(`packCdrNar: no NAR value for a field of kind ${def.kind} (${at})`);
  }
  p.add(p.slots[f.tag] as number);
}

/**
 * The IPAddress element `e` as text (dotted quads written directly, other forms through
 * `ipAddress`); `hostOnly` drops an IPv6 prefix length ("addr/len" → "addr").
 */
function address(
  w: MsgpackWriter,
  e: Tlv,
  at: string,
  ctx: AddressCtx,
  level: number,
  hostOnly: boolean,
): void {
  if (!isBinaryIpv4(e)) {
    const text = ipAddress(e, at, ctx, level);
    const slash = hostOnly ? text.indexOf('/') : -1;
    w.string(slash < 0 ? text : text.slice(0, slash));
    return;
  }
  dottedQuad(w, ctx.buf, e.contentStart);
}

/** SEQUENCE OF GSNAddress: every element checked, the first written; false when there is none. */
function firstOfList(w: MsgpackWriter, f: Tlv, at: string, ctx: Ctx): boolean {
  const e = ctx.cursors[2] as Tlv;
  let n = 0;
  for (let q = constructed(f, at).contentStart; q < f.contentEnd; q = e.end) {
    readTlv(ctx.buf, q, f.contentEnd, e, 2, ctx.budget);
    if (n++ === 0) address(w, e, at, ctx, 2, false);
    else ipAddress(e, at, ctx, 2);
  }
  return n > 0;
}
