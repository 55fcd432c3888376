/**
 * `packCdrNar`: one CDR's bytes → its NAR (exactly `decodeCdrToNar`'s, same attributes in the same
 * order) written as MessagePack values, the way the record packer writes a NAR, without building
 * the CdrRecord, its containers, the NAR or its strings: digits, addresses, timestamps, text and
 * hex go from the BER octets straight into the output. The walk is `decodeCdr`'s, so a CDR fails
 * here exactly where and how `decodeCdrToNar` fails. A gateway hands the result to the batch
 * encoder as a `PackedNar`.
 */
import { checkIa5, readNumber, readUnsigned } from '../ber/primitives.js';
import { readTlv, type Tlv } from '../ber/reader.js';
import { headerBytes, MsgpackWriter } from '../nar/msgpack-writer.js';
import { innerElement, ipAddress, isBinaryIpv4, pdpChoice, type AddressCtx } from './address-decode.js';
import {
  checkScalar,
  constructed,
  openCdr,
  primitive,
  readScalar,
  walkContainers,
  walkFields,
  type Ctx,
} from './decode.js';
import { NAR_SOURCE_FIELDS } from './nar-mapping.js';
import { Kind, SERVICE_TABLE, TABLES, VOLUME_TABLE, type FieldDef, type RecordTable } from './tables.js';
import type { CdrRecord, ServiceData, TrafficVolume } from './types.js';
import { checkTbcd, checkTimestamp, msisdnDigits, tbcdInto } from './values.js';

/** The NAR's attributes in `cdrToNar`'s order: a record's keys are those it has, in this order. */
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
const SLOTS = CDR_NAR_ATTRIBUTES.length;

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

/** After each TimeStamp octet: YY- MM- DDT hh: mm: ss (sign) hh: mm. */
const TIMESTAMP_SEPARATORS = [45, 45, 84, 58, 58, 0, 0, 58, 0];

const HEX_DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Sums of one list of containers, as numbers while they stay exact. */
class Volumes {
  containers = 0;
  up = 0;
  down = 0;
  /** The open container's values (a field given twice in one container counts once, the last). */
  curUp = 0;
  curDown = 0;
  /** A value or sum beyond 2^53 − 1: the record is left to `decodeCdrToNar`. */
  inexact = false;

  reset(): void {
    this.containers = 0;
    this.up = 0;
    this.down = 0;
    this.curUp = 0;
    this.curDown = 0;
  }

  /** Adds the open container's values to the sums. */
  close(): void {
    this.up += this.curUp;
    this.down += this.curDown;
    this.curUp = 0;
    this.curDown = 0;
    if (this.up > Number.MAX_SAFE_INTEGER || this.down > Number.MAX_SAFE_INTEGER) this.inexact = true;
  }
}

/** The state of one `packCdrNar`: field values written to `w`, their extents by slot. */
class Packing {
  readonly w = new MsgpackWriter(1024);
  readonly starts = new Int32Array(SLOTS);
  readonly ends = new Int32Array(SLOTS);
  readonly volumes = new Volumes();
  readonly services = new Volumes();
  /** The record table's slots by field tag. */
  slots: Int8Array = new Int8Array(0);

  /** The slot being written: it ends where the next begins (`begin`) or at `end`. */
  #open = -1;

  begin(slot: number): void {
    this.end();
    this.starts[slot] = this.w.pos;
    this.#open = slot;
  }

  end(): void {
    if (this.#open >= 0) this.ends[this.#open] = this.w.pos;
    this.#open = -1;
  }

  reset(): void {
    this.#open = -1;
    this.w.pos = 0;
    this.starts.fill(-1);
    this.volumes.reset();
    this.services.reset();
    this.volumes.inexact = false;
    this.services.inexact = false;
  }
}

const P = new Packing();

/** Keys by presence mask (bit i: attribute i), one shared array per shape. */
const KEYS = new Map<number, readonly string[]>();

function keysOf(mask: number): readonly string[] {
  let keys = KEYS.get(mask);
  if (keys === undefined) {
    keys = CDR_NAR_ATTRIBUTES.filter((_, i) => (mask & (1 << i)) !== 0);
    KEYS.set(mask, keys);
  }
  return keys;
}

/**
 * Writes the NAR of the CDR in `bytes` into `out` at its position, as MessagePack values in the
 * order of the returned keys. Throws the DecodeError `decodeCdrToNar` would throw, writing nothing.
 * Returns undefined, writing nothing, for the rare NAR it does not write so: volume sums beyond
 * 2^53 − 1 octets (then `decodeCdrToNar` gives the NAR).
 */
export function packCdrNar(bytes: Uint8Array, out: MsgpackWriter): readonly string[] | undefined {
  const { table, ctx } = openCdr(bytes, undefined, NAR_SOURCE_FIELDS);
  const p = P;
  p.reset();
  p.slots = SLOTS_BY_TABLE.get(table) as Int8Array;
  const unknown = walkFields(table, ctx, p, packField);
  const volumes = p.volumes;
  const services = p.services;
  if (volumes.inexact) return undefined;
  const w = p.w;
  const listed = volumes.containers > 0 ? volumes : services.containers > 0 ? services : undefined;
  if (listed !== undefined) {
    p.begin(SLOT.uplinkBytes);
    w.safeIntegerAsBigint(listed.up);
    p.begin(SLOT.downlinkBytes);
    w.safeIntegerAsBigint(listed.down);
  }
  const containers = volumes.containers + services.containers;
  if (containers > 0) {
    p.begin(SLOT.containers);
    w.number(containers);
  }
  if (unknown > 0) {
    p.begin(SLOT.unknownFields);
    w.number(unknown);
  }
  p.end();

  // The values in attribute order: at most the record type and everything written for the slots.
  const type = RECORD_TYPE_BYTES.get(table.name) as Uint8Array;
  out.room(type.length + w.pos);
  const o = out.buf;
  const from = w.buf;
  let to = out.pos;
  for (let j = 0; j < type.length; j++) o[to++] = type[j] as number;
  let mask = 1;
  for (let i = 1; i < SLOTS; i++) {
    const s = p.starts[i] as number;
    if (s < 0) continue;
    mask |= 1 << i;
    const e = p.ends[i] as number;
    for (let j = s; j < e; j++) o[to++] = from[j] as number;
  }
  out.pos = to;
  return keysOf(mask);
}

/** One kept record field: its value written into its slot, or summed (volume lists). */
function packField(p: Packing, def: FieldDef<CdrRecord>, f: Tlv, ctx: Ctx): void {
  const i = p.slots[f.tag] as number;
  const w = p.w;
  const { buf } = ctx;
  const at = def.at;
  const start = w.pos;
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
      checkIa5(buf, primitive(f, at));
      ascii(w, buf, f.contentStart, f.contentEnd);
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
      if (!firstOfList(w, f, at, ctx)) {
        p.starts[i] = -1;
        return;
      }
      break;
    case Kind.PdpAddress: {
      const e = pdpChoice(constructed(f, at), at, ctx, 2);
      if (e.tag !== 0) {
        // An eTSIAddress (X.121 digits): checked, not an IP address, so not in the NAR.
        checkTbcd(buf, msisdnDigits(e.contentStart, e.contentEnd, at), e.contentEnd, at);
        p.starts[i] = -1;
        return;
      }
      address(w, innerElement(e, at, ctx, 3), at, ctx, 3, true);
      break;
    }
    case Kind.TrafficVolumes:
      sumContainers(p.volumes, f, at, VOLUME_TABLE, ctx, volumeValue);
      return;
    case Kind.ServiceData:
      sumContainers(p.services, f, at, SERVICE_TABLE, ctx, serviceValue);
      return;
    case Kind.Plmn:
      w.string(readScalar(def.kind, buf, f, at) as string);
      break;
    default:
      throw new Error(`packCdrNar: no NAR value for a field of kind ${def.kind} (${at})`);
  }
  p.starts[i] = start;
  p.ends[i] = w.pos;
}

/** TBCD digits as a string value. */
function digits(w: MsgpackWriter, buf: Uint8Array, s: number, e: number, at: string): void {
  const to = w.beginString(2 * (e - s));
  const n = tbcdInto(buf, s, e, at, w.buf, to);
  w.stringHeader(n, to - w.pos);
}

/** Octets already checked to be ASCII as a string value. */
function ascii(w: MsgpackWriter, buf: Uint8Array, s: number, e: number): void {
  const n = e - s;
  let to = w.beginString(n);
  const b = w.buf;
  for (let i = s; i < e; i++) b[to++] = buf[i] as number;
  w.stringHeader(n, headerBytes(n));
}

/** Octets as lowercase hex, a string value. */
function hex(w: MsgpackWriter, buf: Uint8Array, s: number, e: number): void {
  const n = 2 * (e - s);
  let to = w.beginString(n);
  const b = w.buf;
  for (let i = s; i < e; i++) {
    const o = buf[i] as number;
    b[to++] = HEX_DIGITS[o >> 4] as number;
    b[to++] = HEX_DIGITS[o & 15] as number;
  }
  w.stringHeader(n, headerBytes(n));
}

/** A checked TimeStamp as "20YY-MM-DDThh:mm:ss±hh:mm" (as `readTimestamp` writes it). */
function timestamp(w: MsgpackWriter, buf: Uint8Array, s: number): void {
  let to = w.beginString(25);
  const b = w.buf;
  b[to++] = 50; // 2
  b[to++] = 48; // 0
  for (let i = 0; i < 9; i++) {
    const o = buf[s + i] as number;
    if (i === 6) {
      b[to++] = o; // the offset's sign
      continue;
    }
    b[to++] = 48 + (o >> 4);
    b[to++] = 48 + (o & 15);
    const after = TIMESTAMP_SEPARATORS[i] as number;
    if (after !== 0) b[to++] = after;
  }
  w.stringHeader(25, 1);
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
  const { buf } = ctx;
  let to = w.beginString(15);
  const start = to;
  const b = w.buf;
  for (let k = 0; k < 4; k++) {
    if (k > 0) b[to++] = 46; // .
    const o = buf[e.contentStart + k] as number;
    if (o >= 100) b[to++] = 48 + Math.floor(o / 100);
    if (o >= 10) b[to++] = 48 + (Math.floor(o / 10) % 10);
    b[to++] = 48 + (o % 10);
  }
  w.stringHeader(to - start, 1);
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

/** One list of containers into `v`: a list given again replaces the one before, as in the record. */
function sumContainers<T>(
  v: Volumes,
  f: Tlv,
  at: string,
  table: typeof VOLUME_TABLE | typeof SERVICE_TABLE,
  ctx: Ctx,
  value: (v: Volumes, d: FieldDef<T>, t: Tlv, ctx: Ctx) => void,
): void {
  v.reset();
  v.containers = walkContainers(f, at, table as never, ctx, v, closeContainer, value as never);
  v.close();
}

/** A container begins: the one before it is added to the sums. */
function closeContainer(v: Volumes): void {
  v.close();
}

/** A volume (octets) of a container: uplink or downlink, kept exact as a number or marked inexact. */
function volumeOf(v: Volumes, t: Tlv, at: string, ctx: Ctx): number {
  const x = readUnsigned(ctx.buf, primitive(t, at));
  if (typeof x === 'number') return x;
  v.inexact = true;
  return 0;
}

function volumeValue(v: Volumes, d: FieldDef<TrafficVolume>, t: Tlv, ctx: Ctx): void {
  if (d.key === 'dataVolumeUplink') v.curUp = volumeOf(v, t, d.at, ctx);
  else if (d.key === 'dataVolumeDownlink') v.curDown = volumeOf(v, t, d.at, ctx);
  else checkScalar(d.kind, ctx.buf, t, d.at);
}

function serviceValue(v: Volumes, d: FieldDef<ServiceData>, t: Tlv, ctx: Ctx): void {
  if (d.key === 'datavolumeFBCUplink') v.curUp = volumeOf(v, t, d.at, ctx);
  else if (d.key === 'datavolumeFBCDownlink') v.curDown = volumeOf(v, t, d.at, ctx);
  else checkScalar(d.kind, ctx.buf, t, d.at);
}
