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

/** Format 1 is ASN.1 BER; `accept` lists the formats this node takes. */
export function decodeRecords(
  records: readonly Uint8Array[],
  format: number,
  accept: readonly number[],
): RecordResult[] {
  if (!accept.includes(format) || format !== 1) {
    const failure = new RecordFailure(
      'unsupported_record_format',
      `data record format ${format} is not accepted (accepted: ${accept.join(', ')}; decodable: 1 = BER)`,
    );
    return records.map(() => failure);
  }
  const w = requestWriter;
  w.pos = 0;
  const out: RecordResult[] = new Array<RecordResult>(records.length);
  const keys: (readonly string[] | undefined)[] = new Array<readonly string[] | undefined>(records.length);
  const ends = new Int32Array(records.length + 1);
  for (let i = 0; i < records.length; i++) {
    const bytes = records[i] as Uint8Array;
    try {
      const k = packCdrNar(bytes, w);
      if (k === undefined) out[i] = decodeCdrToNar(bytes);
      else keys[i] = k;
    } catch (err) {
      out[i] = failure(err);
    }
    ends[i + 1] = w.pos;
  }
  if (w.pos > 0) {
    const { buf, at } = slabs.reserve(w.pos);
    buf.set(w.buf.subarray(0, w.pos), at);
    for (let i = 0; i < records.length; i++) {
      const k = keys[i];
      if (k !== undefined)
        out[i] = new PackedNar(k, buf, at + (ends[i] as number), at + (ends[i + 1] as number));
    }
  }
  w.shrink();
  return out;
}

/** One CDR as a NAR object (a CDR file's records take attributes of the file beside). */
export function decodeRecord(bytes: Uint8Array): Nar | RecordFailure {
  try {
    return decodeCdrToNar(bytes);
  } catch (err) {
    return failure(err);
  }
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
