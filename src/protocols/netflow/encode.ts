/**
 * Encoders for NetFlow v5, NetFlow v9 and IPFIX messages — for tests, load generation and benches.
 * Data records are given as the decoders return them (field values by the same keys: IE names,
 * "123" for unknown IEs, "e<pen>.<id>" for enterprise IEs), so decode(encode(x)) gives x back. A
 * missing value is sent as zeros (variable-length: empty).
 */
import { ByteWriter } from '../byte-writer.js';
import { EncodeError, type ProtocolName } from '../errors.js';
import { parseIpBytes } from '../ip.js';
import { VARIABLE_LENGTH } from './ie.js';
import { compilePlan, Kind, type PlannedField } from './plan.js';
import type { TemplateDefinition } from './templates.js';
import { microsToNtpFraction, nanosToNtpFraction, parseIsoTime, unixToNtpSeconds } from './time.js';
import type { FlowValue } from './types.js';
import { V5_HEADER_BYTES, V5_MAX_RECORDS, V5_RECORD_BYTES } from './v5.js';

export type FieldValues = Record<string, FlowValue>;

/** One set of a v9 or IPFIX message. */
export type SetInput =
  /** `padding`: zero octets after the records (v9 options templates: default to a 4-octet boundary). */
  | { kind: 'templates'; templates: TemplateDefinition[]; padding?: number }
  | { kind: 'options-templates'; templates: TemplateDefinition[]; padding?: number }
  | { kind: 'data'; template: TemplateDefinition; records: FieldValues[]; padding?: number }
  /** IPFIX template withdrawals (field count 0); `all` withdraws every template of the kind. */
  | { kind: 'withdrawals'; templateIds: number[]; options?: boolean; all?: boolean }
  /** Any set id with the given content, as is. */
  | { kind: 'raw'; setId: number; bytes: Uint8Array };

export interface V5Input {
  sysUptime: number;
  unixSecs: number;
  unixNsecs?: number;
  flowSequence: number;
  engineType?: number;
  engineId?: number;
  samplingMode?: number;
  samplingInterval?: number;
  /** Records with the v5 field names decodeV5 returns. */
  records: FieldValues[];
}

export interface V9Input {
  sysUptime: number;
  unixSecs: number;
  sequence: number;
  sourceId: number;
  /** The header count; default: template records plus data records. */
  count?: number;
  sets: SetInput[];
}

export interface IpfixInput {
  exportTime: number;
  sequence: number;
  observationDomainId: number;
  sets: SetInput[];
}

class Writer extends ByteWriter {
  constructor(readonly protocol: ProtocolName) {
    super(1500);
  }
}

/** One writer per protocol, emptied at the start of each (synchronous) encoding. */
const WRITERS = { netflow: new Writer('netflow'), ipfix: new Writer('ipfix') } as const;

function writerFor(protocol: 'netflow' | 'ipfix'): Writer {
  const w = WRITERS[protocol];
  w.clear();
  return w;
}

function fail(w: Writer, code: string, message: string, context: Record<string, unknown> = {}): never {
  throw new EncodeError(w.protocol, code, message, context);
}

const utf8 = new TextEncoder();

function bigOf(w: Writer, key: string, v: FlowValue | undefined): bigint {
  if (v === undefined) return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return fail(w, 'bad_value', `${key}: expected an integer, got ${String(v)}`, { key });
}

function writeInt(w: Writer, key: string, v: bigint, len: number, signed: boolean): void {
  const bits = BigInt(len * 8);
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (v < min || v > max)
    fail(w, 'value_range', `${key}: ${v} does not fit ${len} octets`, { key, length: len });
  let u = BigInt.asUintN(len * 8, v);
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(u & 0xffn);
    u >>= 8n;
  }
  w.octets(out);
}

function octetsOf(w: Writer, f: PlannedField, v: FlowValue | undefined): Uint8Array {
  if (v === undefined) return new Uint8Array(0);
  if (typeof v !== 'string') fail(w, 'bad_value', `${f.key}: expected a string`, { key: f.key });
  if (f.kind === Kind.String) return utf8.encode(v);
  if (!/^(?:[0-9a-f]{2})*$/i.test(v)) fail(w, 'bad_value', `${f.key}: expected hex octets`, { key: f.key });
  return Uint8Array.from(Buffer.from(v, 'hex'));
}

function timeOf(w: Writer, f: PlannedField, v: FlowValue | undefined): { second: number; nanos: number } {
  if (v === undefined) return { second: 0, nanos: 0 };
  if (typeof v === 'number') {
    return f.kind === Kind.DateMillis
      ? { second: Math.floor(v / 1000), nanos: (v % 1000) * 1e6 }
      : { second: v, nanos: 0 };
  }
  const t = typeof v === 'string' ? parseIsoTime(v) : undefined;
  return (
    t ?? fail(w, 'bad_value', `${f.key}: expected an ISO 8601 UTC time, got ${String(v)}`, { key: f.key })
  );
}

function writeValue(w: Writer, f: PlannedField, v: FlowValue | undefined): void {
  const len = f.length;
  switch (f.kind) {
    case Kind.Uint:
    case Kind.Int:
      return writeInt(w, f.key, bigOf(w, f.key, v), len, f.kind === Kind.Int);
    case Kind.Float: {
      w.float(v === undefined ? 0 : Number(v), len === 4 ? 4 : 8);
      return;
    }
    case Kind.Bool:
      return w.octet(v === true ? 1 : 2);
    case Kind.Mac: {
      const hex = v === undefined ? '000000000000' : String(v).replaceAll(':', '');
      if (!/^[0-9a-f]{12}$/i.test(hex))
        fail(w, 'bad_value', `${f.key}: expected a MAC address`, { key: f.key });
      return w.octets(Uint8Array.from(Buffer.from(hex, 'hex')));
    }
    case Kind.Ipv4:
    case Kind.Ipv6: {
      const ip = v === undefined ? new Uint8Array(len) : parseIpBytes(String(v));
      if (ip === undefined || ip.length !== len)
        fail(w, 'bad_value', `${f.key}: expected an IPv${len === 4 ? 4 : 6} address`, { key: f.key });
      return w.octets(ip);
    }
    case Kind.DateSeconds:
    case Kind.DateMillis: {
      const t = timeOf(w, f, v);
      const n = f.kind === Kind.DateSeconds ? t.second : t.second * 1000 + Math.floor(t.nanos / 1e6);
      return writeInt(w, f.key, BigInt(n), len, false);
    }
    case Kind.DateMicros:
    case Kind.DateNanos: {
      const t = timeOf(w, f, v);
      w.u32(unixToNtpSeconds(t.second));
      return w.u32(
        f.kind === Kind.DateMicros
          ? microsToNtpFraction(Math.floor(t.nanos / 1000))
          : nanosToNtpFraction(t.nanos),
      );
    }
    case Kind.Skip:
      return w.zeros(len === VARIABLE_LENGTH ? 1 : len);
    default: {
      const b = octetsOf(w, f, v);
      if (len === VARIABLE_LENGTH) {
        if (b.length > 65_535) fail(w, 'too_long', `${f.key}: ${b.length} octets`, { key: f.key });
        if (b.length < 255) w.octet(b.length);
        else {
          w.octet(255);
          w.u16(b.length);
        }
        return w.octets(b);
      }
      if (b.length > len)
        fail(w, 'too_long', `${f.key}: ${b.length} octets in a ${len}-octet field`, { key: f.key });
      w.octets(b);
      return w.zeros(len - b.length);
    }
  }
}

/** Encodes a v5 packet of 1–30 records. */
export function encodeV5(input: V5Input): Uint8Array {
  const w = writerFor('netflow');
  const n = input.records.length;
  if (n < 1 || n > V5_MAX_RECORDS)
    fail(w, 'bad_count', `a v5 packet carries 1–30 records, got ${n}`, { count: n });
  w.u16(5);
  w.u16(n);
  w.u32(input.sysUptime);
  w.u32(input.unixSecs);
  w.u32(input.unixNsecs ?? 0);
  w.u32(input.flowSequence);
  w.octet(input.engineType ?? 0);
  w.octet(input.engineId ?? 0);
  w.u16((((input.samplingMode ?? 0) & 3) << 14) | ((input.samplingInterval ?? 0) & 0x3fff));
  const plan = V5_PLAN;
  for (const r of input.records) for (const f of plan) writeValue(w, f, r[f.key]);
  if (w.length !== V5_HEADER_BYTES + n * V5_RECORD_BYTES) throw new Error('v5 layout');
  return w.take();
}

const V5_PLAN: readonly PlannedField[] = [
  ['sourceIPv4Address', Kind.Ipv4, 4],
  ['destinationIPv4Address', Kind.Ipv4, 4],
  ['ipNextHopIPv4Address', Kind.Ipv4, 4],
  ['ingressInterface', Kind.Uint, 2],
  ['egressInterface', Kind.Uint, 2],
  ['packetDeltaCount', Kind.Uint, 4],
  ['octetDeltaCount', Kind.Uint, 4],
  ['flowStartSysUpTime', Kind.Uint, 4],
  ['flowEndSysUpTime', Kind.Uint, 4],
  ['sourceTransportPort', Kind.Uint, 2],
  ['destinationTransportPort', Kind.Uint, 2],
  ['pad1', Kind.Skip, 1],
  ['tcpControlBits', Kind.Uint, 1],
  ['protocolIdentifier', Kind.Uint, 1],
  ['ipClassOfService', Kind.Uint, 1],
  ['bgpSourceAsNumber', Kind.Uint, 2],
  ['bgpDestinationAsNumber', Kind.Uint, 2],
  ['sourceIPv4PrefixLength', Kind.Uint, 1],
  ['destinationIPv4PrefixLength', Kind.Uint, 1],
  ['pad2', Kind.Skip, 2],
].map(([key, kind, length]) => ({
  key: key as string,
  kind: kind as number,
  length: length as number,
  role: 0,
}));

function dataSet(w: Writer, version: 9 | 10, s: Extract<SetInput, { kind: 'data' }>): number {
  const plan = compilePlan(s.template.fields, version === 9 ? s.template.scopeFieldCount : 0);
  for (const r of s.records) for (const f of plan.fields) writeValue(w, f, r[f.key]);
  w.zeros(s.padding ?? 0);
  return s.records.length;
}

function templateRecords(w: Writer, version: 9 | 10, options: boolean, ts: TemplateDefinition[]): number {
  for (const t of ts) {
    const scope = t.scopeFieldCount;
    if (options !== scope > 0)
      fail(
        w,
        'bad_template',
        `template ${t.templateId}: scopeFieldCount ${scope} in a ${options ? 'options ' : ''}template set`,
      );
    w.u16(t.templateId);
    if (version === 9 && options) {
      w.u16(scope * 4);
      w.u16((t.fields.length - scope) * 4);
    } else {
      w.u16(t.fields.length);
      if (options) w.u16(scope);
    }
    for (const f of t.fields) {
      const pen = f.enterprise ?? 0;
      if (pen !== 0 && version === 9)
        fail(w, 'bad_template', 'NetFlow v9 has no enterprise field specifiers');
      w.u16(pen !== 0 ? f.id | 0x8000 : f.id);
      w.u16(f.length);
      if (pen !== 0) w.u32(pen);
    }
  }
  return ts.length;
}

function writeSets(w: Writer, version: 9 | 10, sets: SetInput[]): number {
  let records = 0;
  for (const s of sets) {
    const start = w.length;
    w.u16(0);
    w.u16(0);
    let id: number;
    switch (s.kind) {
      case 'templates':
        id = version === 9 ? 0 : 2;
        records += templateRecords(w, version, false, s.templates);
        w.zeros(s.padding ?? 0);
        break;
      case 'options-templates':
        id = version === 9 ? 1 : 3;
        records += templateRecords(w, version, true, s.templates);
        // RFC 3954 §6.1: pad the options template FlowSet to a 4-octet boundary.
        w.zeros(s.padding ?? (version === 9 ? (4 - ((w.length - start) % 4)) % 4 : 0));
        break;
      case 'withdrawals':
        if (version === 9) fail(w, 'bad_set', 'NetFlow v9 has no template withdrawals');
        id = s.options === true ? 3 : 2;
        for (const t of s.all === true ? [id] : s.templateIds) {
          w.u16(t);
          w.u16(0);
        }
        break;
      case 'data':
        id = s.template.templateId;
        records += dataSet(w, version, s);
        break;
      case 'raw':
        id = s.setId;
        w.octets(s.bytes);
        break;
    }
    if (w.length - start > 65_535) fail(w, 'too_long', `set ${id} of ${w.length - start} octets`);
    w.patch16(start, id);
    w.patch16(start + 2, w.length - start);
  }
  return records;
}

/** Encodes a NetFlow v9 export packet. */
export function encodeV9(input: V9Input): Uint8Array {
  const w = writerFor('netflow');
  w.u16(9);
  w.u16(0);
  w.u32(input.sysUptime);
  w.u32(input.unixSecs);
  w.u32(input.sequence);
  w.u32(input.sourceId);
  const records = writeSets(w, 9, input.sets);
  w.patch16(2, input.count ?? records);
  return w.take();
}

/** Encodes an IPFIX message. */
export function encodeIpfix(input: IpfixInput): Uint8Array {
  const w = writerFor('ipfix');
  w.u16(10);
  w.u16(0);
  w.u32(input.exportTime);
  w.u32(input.sequence);
  w.u32(input.observationDomainId);
  writeSets(w, 10, input.sets);
  if (w.length > 65_535) fail(w, 'too_long', `message of ${w.length} octets`);
  w.patch16(2, w.length);
  return w.take();
}
