/**
 * CDRs of a Data Record Packet → NARs. Pure: the ingest decodes a request once to choose its answer
 * and hands the result to the handler through `decodedCache` (same thread, keyed by the log entry's
 * payload object); a handler replaying the log after a restart decodes again and gets the same.
 */
import { decodeCdrToNar } from '../../../../protocols/cdr/index.js';
import { DecodeError } from '../../../../protocols/errors.js';
import type { GtppFrame } from '../../../../protocols/gtpp/index.js';
import type { Nar } from '../../../../protocols/nar/nar.js';
import { DecodedCache } from '../datagram/decoded-cache.js';

/** A CDR that could not be decoded: the code is the quarantine reason. */
export class RecordFailure {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}

export type RecordResult = Nar | RecordFailure;

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
  return records.map(decodeRecord);
}

export function decodeRecord(bytes: Uint8Array): RecordResult {
  try {
    return decodeCdrToNar(bytes);
  } catch (err) {
    if (err instanceof DecodeError) return new RecordFailure(err.code, err.message);
    // A decoder fault on some input must not stop the gateway: the CDR is kept with the fault.
    return new RecordFailure('decoder_fault', err instanceof Error ? err.message : String(err));
  }
}

/** What the ingest learned about a logged request, handed to the handler in the same thread. */
export interface Decoded {
  readonly frame: GtppFrame;
  readonly fingerprint: bigint;
  readonly records: readonly RecordResult[] | undefined;
}

/** Per log entry, what the ingest decoded of each of its messages (undefined: not decoded). */
export const decodedCache = new DecodedCache<Decoded>();
