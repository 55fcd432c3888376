/**
 * GTP' information elements (TS 32.295 §6.2.4, TS 29.060 §7.7): the IE walk of a message and the
 * decoders of each IE's value.
 *
 * TV IEs (type < 128) have a fixed value length known per type; an unknown TV type cannot be stepped
 * over, so it ends the walk with `unknown_tv_ie`. TLV IEs (type >= 128) carry a 2-octet length and are
 * skipped when unknown. The walk records where each expected IE's value sits in a reused table, so a
 * decode allocates nothing per IE beyond the values it returns.
 */
import { DecodeError } from '../errors.js';
import { formatIpBytes } from '../ip.js';
import { IeType, MessageType } from './types.js';
import type { DataRecordPacket, PrivateExtension } from './types.js';

/** Value lengths of the TV IEs GTP' may meet (TS 29.060 §7.7: Cause, Recovery, Packet Transfer Command, Charging ID). */
const TV_LENGTH = new Int8Array(128).fill(-1);
TV_LENGTH[IeType.Cause] = 1;
TV_LENGTH[IeType.Recovery] = 1;
TV_LENGTH[IeType.PacketTransferCommand] = 1;
TV_LENGTH[IeType.ChargingId] = 4;

const IE_NAMES: ReadonlyMap<number, string> = new Map([
  [IeType.Cause, 'Cause'],
  [IeType.Recovery, 'Recovery'],
  [IeType.PacketTransferCommand, 'Packet Transfer Command'],
  [IeType.ChargingId, 'Charging ID'],
  [IeType.SequenceNumbersOfReleasedPackets, 'Sequence Numbers of Released Packets'],
  [IeType.SequenceNumbersOfCancelledPackets, 'Sequence Numbers of Cancelled Packets'],
  [IeType.ChargingGatewayAddress, 'Charging Gateway Address'],
  [IeType.DataRecordPacket, 'Data Record Packet'],
  [IeType.RequestsResponded, 'Requests Responded'],
  [IeType.AddressOfRecommendedNode, 'Address of Recommended Node'],
  [IeType.PrivateExtension, 'Private Extension'],
]);

export function ieName(type: number): string {
  return IE_NAMES.get(type) ?? `IE ${type}`;
}

/** How a message takes an IE: once, twice (an "alternative" second address), or any number of times. */
const ONCE = 1;
const TWICE = 2;
const MANY = 3;

function roles(entries: readonly (readonly [number, number])[]): Uint8Array {
  const r = new Uint8Array(256);
  for (const [type, role] of entries) r[type] = role;
  return r;
}

const EXT = [IeType.PrivateExtension, MANY] as const;

/** IEs each message carries (TS 32.295 §6.2); anything else is skipped and counted. */
export const MESSAGE_IES: ReadonlyMap<number, Uint8Array> = new Map([
  [MessageType.EchoRequest, roles([EXT])],
  [MessageType.EchoResponse, roles([[IeType.Recovery, ONCE], EXT])],
  [MessageType.VersionNotSupported, roles([])],
  [MessageType.NodeAliveRequest, roles([[IeType.ChargingGatewayAddress, TWICE], EXT])],
  [MessageType.NodeAliveResponse, roles([EXT])],
  [
    MessageType.RedirectionRequest,
    roles([[IeType.Cause, ONCE], [IeType.AddressOfRecommendedNode, TWICE], EXT]),
  ],
  [MessageType.RedirectionResponse, roles([[IeType.Cause, ONCE], EXT])],
  [
    MessageType.DataRecordTransferRequest,
    roles([
      [IeType.PacketTransferCommand, ONCE],
      [IeType.SequenceNumbersOfReleasedPackets, ONCE],
      [IeType.SequenceNumbersOfCancelledPackets, ONCE],
      [IeType.DataRecordPacket, ONCE],
      EXT,
    ]),
  ],
  [
    MessageType.DataRecordTransferResponse,
    roles([[IeType.Cause, ONCE], [IeType.RequestsResponded, ONCE], EXT]),
  ],
]);

/**
 * Where the expected IEs of the last walked message sit: value offset (-1 when absent) and length,
 * the second occurrence of a TWICE IE in `alt*`, every Private Extension in `ext*`.
 */
export class IeTable {
  readonly pos = new Int32Array(256);
  readonly len = new Int32Array(256);
  readonly altPos = new Int32Array(256);
  readonly altLen = new Int32Array(256);
  readonly extPos: number[] = [];
  readonly extLen: number[] = [];
  skipped = 0;

  reset(): void {
    this.pos.fill(-1);
    this.altPos.fill(-1);
    this.extPos.length = 0;
    this.extLen.length = 0;
    this.skipped = 0;
  }
}

/** Walks the IEs in buf[start, end) of a message of `messageType` into `table`. */
export function walkIes(
  buf: Uint8Array,
  start: number,
  end: number,
  messageType: number,
  allowed: Uint8Array,
  table: IeTable,
): void {
  table.reset();
  let p = start;
  while (p < end) {
    const type = buf[p] as number;
    let valueAt: number;
    let valueLen: number;
    if (type < 128) {
      valueLen = TV_LENGTH[type] as number;
      if (valueLen < 0) {
        throw new DecodeError(
          'gtpp',
          'unknown_tv_ie',
          `TV IE type ${type} has no known length, so the IEs after it cannot be read`,
          p,
          {
            ie: type,
            messageType,
          },
        );
      }
      valueAt = p + 1;
    } else {
      if (end - p < 3) {
        throw new DecodeError(
          'gtpp',
          'length_mismatch',
          `${ieName(type)} needs a 3-octet type and length, ${end - p} octets left in the message`,
          p,
          {
            ie: type,
            messageType,
          },
        );
      }
      valueLen = ((buf[p + 1] as number) << 8) | (buf[p + 2] as number);
      valueAt = p + 3;
    }
    if (valueAt + valueLen > end) {
      throw new DecodeError(
        'gtpp',
        'length_mismatch',
        `${ieName(type)} needs ${valueLen} value octets, ${end - valueAt} left in the message`,
        p,
        {
          ie: type,
          messageType,
        },
      );
    }
    const role = allowed[type] as number;
    if (role === MANY) {
      table.extPos.push(valueAt);
      table.extLen.push(valueLen);
    } else if (role !== 0 && (table.pos[type] as number) < 0) {
      table.pos[type] = valueAt;
      table.len[type] = valueLen;
    } else if (role === TWICE && (table.altPos[type] as number) < 0) {
      table.altPos[type] = valueAt;
      table.altLen[type] = valueLen;
    } else {
      // Not part of this message, or a repeat: TS 29.060 §11.1 says only the first is handled.
      table.skipped++;
    }
    p = valueAt + valueLen;
  }
}

/** Whether an IE is required in the message at hand; picks the `*_ie_incorrect` code. */
export type IeRole = 'mandatory' | 'optional';

export function ieIncorrect(
  type: number,
  role: IeRole,
  valueAt: number,
  expected: string,
  context: Record<string, unknown> = {},
): DecodeError {
  const ieAt = type < 128 ? valueAt - 1 : valueAt - 3;
  return new DecodeError(
    'gtpp',
    role === 'mandatory' ? 'mandatory_ie_incorrect' : 'optional_ie_incorrect',
    `${ieName(type)}: ${expected}`,
    ieAt,
    {
      ie: type,
      ...context,
    },
  );
}

/** An IPv4 (4 octets) or IPv6 (16 octets) address value as text. */
export function readAddress(buf: Uint8Array, type: number, role: IeRole, at: number, len: number): string {
  if (len !== 4 && len !== 16)
    throw ieIncorrect(type, role, at, `expected 4 (IPv4) or 16 (IPv6) octets, got ${len}`, { length: len });
  return formatIpBytes(buf, at, len);
}

/** A non-empty list of 2-octet sequence numbers; its size is checked against `max` before allocating. */
export function readSequenceList(
  buf: Uint8Array,
  type: number,
  role: IeRole,
  at: number,
  len: number,
  max: number,
): number[] {
  if (len === 0 || len % 2 !== 0) {
    throw ieIncorrect(
      type,
      role,
      at,
      `expected a non-empty list of 2-octet sequence numbers, got ${len} octets`,
      { length: len },
    );
  }
  const count = len / 2;
  if (count > max) {
    throw new DecodeError(
      'gtpp',
      'too_many_sequence_numbers',
      `${ieName(type)} lists ${count} sequence numbers, limit ${max}`,
      at - 3,
      {
        ie: type,
        count,
        limit: max,
      },
    );
  }
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++)
    out[i] = ((buf[at + 2 * i] as number) << 8) | (buf[at + 2 * i + 1] as number);
  return out;
}

/**
 * Data Record Packet (TS 32.295 §6.2.4.5.3): number of records (1 octet), Data Record Format
 * (1 octet), Data Record Format Version (application identifier | release identifier, version
 * identifier; when the release half octet is 0 a Release Identifier Extension octet follows, as
 * from Release 16), then each record as a 2-octet length and its bytes. An empty IE (length 0)
 * gives `undefined`; records are subarrays of `buf`.
 */
export function readDataRecordPacket(
  buf: Uint8Array,
  role: IeRole,
  at: number,
  len: number,
  maxRecords: number,
): DataRecordPacket | undefined {
  if (len === 0) return undefined;
  const type = IeType.DataRecordPacket;
  const end = at + len;
  if (len < 4)
    throw ieIncorrect(type, role, at, `expected at least 4 octets before the records, got ${len}`, {
      length: len,
    });
  const count = buf[at] as number;
  if (count > maxRecords) {
    throw new DecodeError(
      'gtpp',
      'too_many_records',
      `Data Record Packet holds ${count} records, limit ${maxRecords}`,
      at - 3,
      {
        ie: type,
        count,
        limit: maxRecords,
      },
    );
  }
  if (count === 0) throw ieIncorrect(type, role, at, 'expected at least one data record, the count is 0');
  const format = buf[at + 1] as number;
  const appRel = buf[at + 2] as number;
  const version = buf[at + 3] as number;
  let release = appRel & 0x0f;
  let p = at + 4;
  if (release === 0) {
    if (p >= end)
      throw ieIncorrect(type, role, at, 'release identifier 0 needs the Release Identifier Extension octet');
    release = buf[p] as number;
    p++;
  }
  const records = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) {
    if (end - p < 2) {
      throw ieIncorrect(
        type,
        role,
        at,
        `record ${i + 1} of ${count}: expected a 2-octet length, ${end - p} octets left`,
        { record: i },
      );
    }
    const recLen = ((buf[p] as number) << 8) | (buf[p + 1] as number);
    p += 2;
    if (recLen > end - p) {
      throw ieIncorrect(
        type,
        role,
        at,
        `record ${i + 1} of ${count}: length ${recLen} exceeds the ${end - p} octets left`,
        { record: i },
      );
    }
    records[i] = buf.subarray(p, p + recLen);
    p += recLen;
  }
  if (p !== end)
    throw ieIncorrect(type, role, at, `${end - p} octets after the ${count} records declared`, {
      trailing: end - p,
    });
  return { format, formatVersion: { application: appRel >>> 4, release, version }, records };
}

/** Private Extension: a 2-octet extension identifier, then the value (a subarray of `buf`). */
export function readPrivateExtension(buf: Uint8Array, at: number, len: number): PrivateExtension {
  if (len < 2)
    throw ieIncorrect(
      IeType.PrivateExtension,
      'optional',
      at,
      `expected at least a 2-octet extension identifier, got ${len} octets`,
    );
  return {
    identifier: ((buf[at] as number) << 8) | (buf[at + 1] as number),
    value: buf.subarray(at + 2, at + len),
  };
}
