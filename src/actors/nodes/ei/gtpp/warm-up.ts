/**
 * Before the gateway opens its sockets, the per-request code runs on sample requests so V8 has
 * compiled it optimised. Cold, that code is about three times slower, and the first second after a
 * start is exactly what a restart storm of GSNs meets: their backlog, at once. Pure: nothing is
 * logged, counted, answered or remembered.
 *
 * One round per sample request, as the ingest and handler run it: decode the frame, fingerprint,
 * decode its CDRs to NARs, frame the log entry, pack the NARs into a batch, encode the response.
 */
import { encodeCdr } from '../../../../protocols/cdr/index.js';
import { sampleCdr } from '../../../../protocols/cdr/samples.js';
import { DATA_RECORD_FORMAT } from '../../../../protocols/cdr/file.js';
import {
  Cause,
  decodeFrame,
  encodeFrame,
  PacketTransferCommand,
  TS_32298_R17_FORMAT_VERSION,
} from '../../../../protocols/gtpp/index.js';
import { encodeBatch } from '../../../../protocols/nar/batch.js';
import type { NarRecord } from '../../../../protocols/nar/packed-nar.js';
import { encodeEntry, KIND_MESSAGE } from '../datagram/entry.js';
import { decodeRecords, RecordFailure } from './records.js';
import { fingerprint } from './fingerprint.js';

const CDRS_PER_REQUEST = 10;
const SAMPLE_REQUESTS = 12;

export interface WarmUpResult {
  readonly cdrs: number;
  readonly ms: number;
}

/** Runs at least `cdrs` sample CDRs through the request path (0: none). */
export function warmUp(cdrs: number): WarmUpResult {
  const t0 = performance.now();
  if (cdrs <= 0) return { cdrs: 0, ms: 0 };
  const requests = Array.from({ length: SAMPLE_REQUESTS }, (_, r) =>
    encodeFrame({
      version: 2,
      longHeader: false,
      sequence: r,
      message: {
        type: 'data-record-transfer-request',
        command: PacketTransferCommand.Send,
        packet: {
          format: DATA_RECORD_FORMAT.ber,
          formatVersion: TS_32298_R17_FORMAT_VERSION,
          records: Array.from({ length: CDRS_PER_REQUEST }, (_, i) =>
            encodeCdr(sampleCdr(r * CDRS_PER_REQUEST + i)),
          ),
        },
      },
    }),
  );
  let done = 0;
  for (let round = 0; done < cdrs; round++) {
    const buf = requests[round % requests.length] as Uint8Array;
    const frame = decodeFrame(buf);
    const m = frame.message;
    if (m.type !== 'data-record-transfer-request' || m.packet === undefined)
      throw new Error('warm-up request did not decode as a Data Record Transfer Request');
    fingerprint(buf, frame.longHeader ? 20 : 6);
    const nars: NarRecord[] = [];
    for (const r of decodeRecords(m.packet.records, m.packet.format, [DATA_RECORD_FORMAT.ber])) {
      if (r instanceof RecordFailure) throw new Error(`warm-up CDR did not decode: ${r.code}: ${r.message}`);
      nars.push(r);
    }
    encodeEntry({
      kind: KIND_MESSAGE,
      transport: 'udp',
      address: '127.0.0.1',
      port: 3386,
      receivedAtMs: Date.now(),
      message: buf,
    });
    encodeBatch('warm-up', round + 1, nars);
    encodeFrame({
      version: frame.version,
      longHeader: frame.longHeader,
      sequence: frame.sequence,
      message: {
        type: 'data-record-transfer-response',
        cause: Cause.RequestAccepted,
        requestsResponded: [frame.sequence],
      },
    });
    done += nars.length;
  }
  return { cdrs: done, ms: performance.now() - t0 };
}
