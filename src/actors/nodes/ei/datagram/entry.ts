/**
 * The input-log entry of the datagram EIs (GTP', RADIUS, NetFlow/IPFIX): one message as received,
 * with where and when it came from and what the ingest made of it. Binary, so the hot path neither builds objects nor copies the message twice:
 *
 *   u8 format (1) | u8 kind | u8 transport | u8 address length | address (ASCII) | u16 port |
 *   f64 received-at (ms since the epoch) | message bytes
 *
 * `kind` says whether the message decoded (`message`) or not (`invalid`, kept for the quarantine).
 * The ingest logs the messages that arrive together as one entry (`encodeEntries`: u8 format (2) |
 * u16 count | per message u32 length + the form above), so the log, the actor loop and the output
 * batches pay their per-entry costs once per burst, not once per message.
 */
import { ByteWriter } from '../../../../protocols/byte-writer.js';

export const ENTRY_FORMAT = 1;
export const ENTRIES_FORMAT = 2;
/** Most messages in one log entry. */
export const MAX_MESSAGES_PER_ENTRY = 1024;
export const KIND_MESSAGE = 1;
export const KIND_INVALID = 2;
export type EntryKind = typeof KIND_MESSAGE | typeof KIND_INVALID;
export type Transport = 'udp' | 'tcp';

export interface DatagramEntry {
  readonly kind: EntryKind;
  readonly transport: Transport;
  /** The peer: its source address (the GSN's identity) and port. */
  readonly address: string;
  readonly port: number;
  readonly receivedAtMs: number;
  readonly message: Uint8Array;
}

/** Octets of `e` in the single-message form. */
export function entryBytes(e: DatagramEntry): number {
  return 14 + e.address.length + e.message.length;
}

/** Writes `e` in the single-message form. */
export function writeEntry(w: ByteWriter, e: DatagramEntry): void {
  const addr = e.address;
  w.octet(ENTRY_FORMAT);
  w.octet(e.kind);
  w.octet(e.transport === 'tcp' ? 1 : 0);
  w.octet(addr.length);
  for (let i = 0; i < addr.length; i++) w.octet(addr.charCodeAt(i));
  w.u16(e.port);
  w.float(e.receivedAtMs, 8);
  w.octets(e.message);
}

export function encodeEntry(e: DatagramEntry): Uint8Array {
  const w = new ByteWriter(entryBytes(e));
  writeEntry(w, e);
  return w.take();
}

export class EntryFormatError extends Error {
  override readonly name = 'EntryFormatError';
  readonly code = 'invalid_entry' as const;
}

export function decodeEntry(payload: Uint8Array): DatagramEntry {
  if (payload.length < 14 || payload[0] !== ENTRY_FORMAT) {
    throw new EntryFormatError(`datagram input-log entry of ${payload.length} bytes has an unknown format`);
  }
  const kind = payload[1];
  const addrLen = payload[3] as number;
  if ((kind !== KIND_MESSAGE && kind !== KIND_INVALID) || payload.length < 14 + addrLen) {
    throw new EntryFormatError(`datagram input-log entry has kind ${kind} / address length ${addrLen}`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let address = '';
  for (let i = 0; i < addrLen; i++) address += String.fromCharCode(payload[4 + i] as number);
  const o = 4 + addrLen;
  return {
    kind,
    transport: payload[2] === 1 ? 'tcp' : 'udp',
    address,
    port: view.getUint16(o),
    receivedAtMs: view.getFloat64(o + 2),
    message: payload.subarray(o + 10),
  };
}

/** Received messages (either form), as opposed to the replay pick-up's file entries in the same log. */
export function isDatagramEntry(payload: Uint8Array): boolean {
  return payload[0] === ENTRY_FORMAT || payload[0] === ENTRIES_FORMAT;
}

/** Starts an entry of the multi-message form at the start of `w`; `endEntries` fills its count in. */
export function beginEntries(w: ByteWriter): void {
  w.octet(ENTRIES_FORMAT);
  w.u16(0);
}

/** Adds one message to the entry `beginEntries` started. */
export function addToEntries(w: ByteWriter, e: DatagramEntry): void {
  w.u32(entryBytes(e));
  writeEntry(w, e);
}

export function endEntries(w: ByteWriter, count: number): void {
  w.patch16(1, count);
}

/** The multi-message form of messages already in the single-message form. */
export function encodeEntries(parts: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(parts.reduce((n, p) => n + 4 + p.length, 3));
  beginEntries(w);
  for (const p of parts) {
    w.u32(p.length);
    w.octets(p);
  }
  endEntries(w, parts.length);
  return w.take();
}

/** The messages of a log entry (one for an entry of the single-message form). */
export function decodeEntries(payload: Uint8Array): DatagramEntry[] {
  if (payload[0] === ENTRY_FORMAT) return [decodeEntry(payload)];
  if (payload.length < 3 || payload[0] !== ENTRIES_FORMAT) {
    throw new EntryFormatError(`datagram input-log entry of ${payload.length} bytes has an unknown format`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const count = view.getUint16(1);
  const out: DatagramEntry[] = [];
  let o = 3;
  for (let i = 0; i < count; i++) {
    if (o + 4 > payload.length)
      throw new EntryFormatError(`datagram input-log entry ends inside message ${i} of ${count}`);
    const len = view.getUint32(o);
    if (o + 4 + len > payload.length)
      throw new EntryFormatError(`datagram input-log entry ends inside message ${i} of ${count}`);
    out.push(decodeEntry(payload.subarray(o + 4, o + 4 + len)));
    o += 4 + len;
  }
  if (o !== payload.length)
    throw new EntryFormatError(`datagram input-log entry has ${payload.length - o} bytes after its messages`);
  return out;
}
