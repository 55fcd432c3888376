/**
 * CDRs of a Data Record Packet → NARs. Pure: the ingest decodes a request once to choose its answer
 * and hands the result to the handler through `decodedCache` (same thread, keyed by the log entry's
 * payload object); a handler replaying the log after a restart decodes again and gets the same.
 * A request's NARs come written as MessagePack already (`packCdrNar`, in a shared slab), so
 * the batch encoder copies them instead of building and walking NAR objects.
 */
import { decodeCdrToNar, packCdrNar } from '../../../../protocols/cdr/index.js';
import { DecodeError } from '../../../../protocols/errors.js';
import type { GtppFrame } from '../../../../protocols/gtpp/index.js';
import { MsgpackWriter } from '../../../../protocols/nar/msgpack-writer.js';
import type { Nar } from '../../../../protocols/nar/nar.js';
import { PackedNar } from '../../../../protocols/nar/packed-nar.js';
import { Slabs } from '../../../../protocols/nar/slabs.js';
import { DecodedCache } from '../datagram/decoded-cache.js';

/** A CDR that could not be decoded: the code is the quarantine reason. */
export class RecordFailure {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}

export type RecordResult = Nar | PackedNar | RecordFailure;

/** Where a request's NARs are written; its bytes are copied out once per request. */
const requestWriter = new MsgpackWriter(16 << 10);

/**
 * Requests' NAR bytes are copied into shared slabs rather than each into a buffer of its own; a slab
 * lives until the batches of the PackedNars pointing into it are encoded, a commit or so later.
 */
const slabs = new Slabs();

/** Why a data record format is not decoded (undefined: it is, as BER). */
export function formatRefused(format: number, accept: readonly number[]): RecordFailure | undefined {
  if (accept.includes(format) && format === 1) return undefined;
  return new RecordFailure(
    'unsupported_record_format',
    `data record format ${format} is not accepted (accepted: ${accept.join(', ')}; decodable: 1 = BER)`,
  );
}

/** Format 1 is ASN.1 BER; `accept` lists the formats this node takes. */
export function decodeRecords(
  records: readonly Uint8Array[],
  format: number,
  accept: readonly number[],
): RecordResult[] {
  const refused = formatRefused(format, accept);
  if (refused !== undefined) return records.map(() => refused);
  const w = requestWriter;
  w.pos = 0;
  const packed = packCdrs(records, w);
  const out = packed.others as RecordResult[];
  if (w.pos > 0) {
    const { buf, at } = toSlab(w);
    const { keys, ends } = packed;
    for (let i = 0; i < records.length; i++) {
      const k = keys[i];
      if (k !== undefined)
        out[i] = new PackedNar(k, buf, at + (ends[i] as number), at + (ends[i + 1] as number));
    }
  }
  w.shrink();
  return out;
}

/** What `w` holds, copied out once into the shared slabs. */
function toSlab(w: MsgpackWriter): { readonly buf: Uint8Array; readonly at: number } {
  const room = slabs.reserve(w.pos);
  room.buf.set(w.buf.subarray(0, w.pos), room.at);
  return room;
}

/** Records' NARs written one after another: what `packCdrs` made of each. */
export interface PackedCdrs {
  /** Record i's bytes are ends[i]..ends[i + 1] of the writer (none unless keys[i] is set). */
  readonly ends: Int32Array<ArrayBuffer>;
  /** The attribute names of record i's values, when it was packed. */
  readonly keys: (readonly string[] | undefined)[];
  /** Record i when it was not packed: decoded as an object (see `packCdrNar`) or failed. */
  readonly others: (Nar | RecordFailure | undefined)[];
}

/** Packs each BER CDR's NAR into `w` from its position on (the request path's one loop). */
export function packCdrs(records: readonly Uint8Array[], w: MsgpackWriter): PackedCdrs {
  const n = records.length;
  const others = new Array<Nar | RecordFailure | undefined>(n);
  const keys = new Array<readonly string[] | undefined>(n);
  const ends = new Int32Array(n + 1);
  ends[0] = w.pos;
  for (let i = 0; i < n; i++) {
    const bytes = records[i] as Uint8Array;
    try {
      const k = packCdrNar(bytes, w);
      if (k === undefined) others[i] = decodeCdrToNar(bytes);
      else keys[i] = k;
    } catch (err) {
      others[i] = failure(err);
    }
    ends[i + 1] = w.pos;
  }
  return { ends, keys, others };
}

/** A CDR file record's attribute names: the CDR's, then the file's (one array per shape). */
const FILE_KEYS = new WeakMap<readonly string[], readonly string[]>();

/**
 * One CDR of a CDR file, with the file's attributes after its own: `cdrFile` (its name) and
 * `cdrIndex` (the CDR's place in it). Packed as the gateway packs a request's CDRs; the rare record
 * `packCdrNar` leaves comes as a NAR object, with the same attributes and values.
 */
export function decodeFileRecord(bytes: Uint8Array, file: string, index: number): RecordResult {
  const w = requestWriter;
  w.pos = 0;
  const {
    keys: [keys],
    others: [other],
  } = packCdrs([bytes], w);
  if (keys === undefined) {
    const nar = other as Nar | RecordFailure;
    if (!(nar instanceof RecordFailure)) {
      nar['cdrFile'] = file;
      nar['cdrIndex'] = index;
    }
    return nar;
  }
  w.string(file);
  w.number(index);
  let fileKeys = FILE_KEYS.get(keys);
  if (fileKeys === undefined) FILE_KEYS.set(keys, (fileKeys = [...keys, 'cdrFile', 'cdrIndex']));
  const { buf, at } = toSlab(w);
  const end = at + w.pos;
  w.shrink();
  return new PackedNar(fileKeys, buf, at, end);
}

function failure(err: unknown): RecordFailure {
  if (err instanceof DecodeError) return new RecordFailure(err.code, err.message);
  // A decoder fault on some input must not stop the gateway: the CDR is kept with the fault.
  return new RecordFailure('decoder_fault', err instanceof Error ? err.message : String(err));
}

/** What the ingest learned about a logged request, handed to the handler in the same thread. */
export interface Decoded {
  readonly frame: GtppFrame;
  readonly fingerprint: bigint;
  readonly records: readonly RecordResult[] | undefined;
}

/** Per log entry, what the ingest decoded of each of its messages (undefined: not decoded). */
export const decodedCache = new DecodedCache<Decoded>();
