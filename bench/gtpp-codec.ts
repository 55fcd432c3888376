/**
 * GTP' codec benchmarks, on one core, each against msgpackr in the same run:
 *  - CDR decode: `packCdrNar` (what gtpp-ei runs on each CDR: the NAR written as MessagePack) and
 *    `decodeCdrToNar` (NAR objects, what the CDR file EI runs) over the five record types, against
 *    msgpackr decoding the same records as NARs (the batch codec every record crosses);
 *  - the CDR file EI's work per CDR: its NAR with the file's attributes, packed (`decodeFileRecord`),
 *    into a batch, against the NAR object it made before (`decodeCdrToNar` + the attributes) in a batch;
 *  - the file OI's CSV rows of the gateway's NARs (the cdr columns): written from the batch's bytes
 *    (`readPackedBatch` + `packedRows`, what the file OI runs) against the batch decoded into NAR
 *    objects and formatted (`decodeBatch` + `rows`);
 *  - CDR encode (`encodeCdr`, the load generator's path) against msgpackr packing the same records,
 *    with the load generator's preparation per CDR.
 */
import { cdrToNar, decodeCdrToNar, encodeCdr, packCdrNar } from '../src/protocols/cdr/index.js';
import { fileOiSettings, resolveFileOi } from '../src/actors/nodes/oi/file-oi-settings.js';
import { rowFormat } from '../src/actors/nodes/oi/row-format.js';
import type { HandlerContext } from '../src/actors/runtime/actor.js';
import { decodeBatch, encodeBatch } from '../src/protocols/nar/batch.js';
import { MsgpackWriter } from '../src/protocols/nar/msgpack-writer.js';
import { readPackedBatch } from '../src/protocols/nar/packed-batch.js';
import { PackedNar } from '../src/protocols/nar/packed-nar.js';
import { Packr } from 'msgpackr';
import { DEFAULT_MIX } from '../src/cluster/loadgen/gtpp/options.js';
import { prepareRun } from '../src/cluster/loadgen/gtpp/prepare.js';
import { TRUTH_CDR_COLUMNS } from '../src/cluster/loadgen/gtpp/truth-columns.js';
import { sampleCdr } from '../src/protocols/cdr/samples.js';
import { decodeAgainstMsgpackr, narsOf, rateAgainstBaseline } from './servers.js';
import { BenchError } from './stats.js';
import { decodeFileRecord, RecordFailure } from '../src/actors/nodes/ei/gtpp/records.js';
import type { NarRecord } from '../src/protocols/nar/packed-nar.js';

export interface DecodeResult {
  /** `packCdrNar` (the gateway's path). */
  readonly cdrsPerSecond: number;
  readonly baselinePerSecond: number;
  /** `decodeCdrToNar` (NAR objects), against its own baseline measurement. */
  readonly objectCdrsPerSecond: number;
  readonly objectBaselinePerSecond: number;
  readonly bytesPerCdr: number;
}

export function runCdrDecodeBench(): DecodeResult {
  const recs = Array.from({ length: 20_000 }, (_, i) => sampleCdr(i));
  const encoded = recs.map(encodeCdr);
  const nars = [...narsOf(recs, cdrToNar)];
  const w = new MsgpackWriter();
  const packed = decodeAgainstMsgpackr(
    encoded,
    nars,
    (b) => {
      if (w.pos > 60_000) w.pos = 0; // a request's worth of CDRs at a time, as the gateway writes them
      return (packCdrNar(b, w) as readonly string[]).length;
    },
    'CDR (packed)',
  );
  const objects = decodeAgainstMsgpackr(encoded, nars, (b) => Object.keys(decodeCdrToNar(b)).length, 'CDR');
  return {
    cdrsPerSecond: packed.perSecond,
    baselinePerSecond: packed.baselinePerSecond,
    objectCdrsPerSecond: objects.perSecond,
    objectBaselinePerSecond: objects.baselinePerSecond,
    bytesPerCdr: packed.bytesPerItem,
  };
}

export interface FileRecordsResult {
  /** `decodeFileRecord` and the batch, per CDR. */
  readonly cdrsPerSecond: number;
  /** NAR objects (`decodeCdrToNar` and the file's attributes) and the batch. */
  readonly objectCdrsPerSecond: number;
  readonly recordsPerBatch: number;
}

/**
 * What the CDR file EI does with each CDR of a file, as far as the batch its records leave in: the
 * NAR with `cdrFile` and `cdrIndex`, packed (`decodeFileRecord`) against the NAR object with the same
 * attributes, each encoded into batches of 300 (`encodeBatch`).
 */
export function runCdrFileRecordsBench(): FileRecordsResult {
  const perBatch = 300;
  const cdrs = Array.from({ length: 20 * perBatch }, (_, i) => encodeCdr(sampleCdr(i)));
  const file = 'GGSN01_20261207120000_0001.dat';
  const pass = (decode: (bytes: Uint8Array, index: number) => NarRecord | RecordFailure): number => {
    let n = 0;
    for (let b = 0; b < cdrs.length; b += perBatch) {
      const records: NarRecord[] = [];
      for (let i = b; i < b + perBatch; i++) {
        const r = decode(cdrs[i] as Uint8Array, i);
        if (r instanceof RecordFailure)
          throw new BenchError('no_samples', `a sample CDR failed: ${r.message}`);
        records.push(r);
      }
      n += encodeBatch('cdrs.0', b, records).length;
    }
    return n;
  };
  const { perSecond, baselinePerSecond } = rateAgainstBaseline(
    cdrs.length,
    () => pass((bytes, index) => decodeFileRecord(bytes, file, index)),
    () =>
      pass((bytes, index) => {
        const nar = decodeCdrToNar(bytes);
        nar['cdrFile'] = file;
        nar['cdrIndex'] = index;
        return nar;
      }),
    'CDR file records',
  );
  return { cdrsPerSecond: perSecond, objectCdrsPerSecond: baselinePerSecond, recordsPerBatch: perBatch };
}

export interface RowsResult {
  /** CSV rows from packed batches (`readPackedBatch` + `packedRows`). */
  readonly rowsPerSecond: number;
  /** The same batches as NAR objects (`decodeBatch` + `rows`). */
  readonly objectRowsPerSecond: number;
  readonly recordsPerBatch: number;
}

/** Passes over the 40 batches per timed round: long enough (about 100,000 rows) to time steadily. */
const ROWS_REPEAT = 8;

/**
 * The file OI's CSV rows for batches of the gateway's NARs (packed CDRs of the five record types,
 * 300 per batch, the cdr output's columns): from the batch's bytes against NAR objects.
 */
export function runFileOiRowsBench(): RowsResult {
  const perBatch = 300;
  const batches: Uint8Array[] = [];
  const w = new MsgpackWriter();
  for (let b = 0; b < 40; b++) {
    const records: PackedNar[] = [];
    for (let i = 0; i < perBatch; i++) {
      w.pos = 0;
      const keys = packCdrNar(encodeCdr(sampleCdr(b * perBatch + i)), w);
      if (keys === undefined) throw new BenchError('no_samples', 'a sample CDR did not pack');
      records.push(new PackedNar(keys, w.buf.slice(0, w.pos), 0, w.pos));
    }
    batches.push(encodeBatch('gtpp.0', b, records));
  }
  const format = rowFormat(
    resolveFileOi(
      fileOiSettings.parse({ dir: '.', rules: TRUTH_CDR_COLUMNS.map((attribute) => ({ attribute })) }),
    ),
  );
  const packedRows = format.packedRows;
  if (packedRows === undefined) throw new BenchError('no_samples', 'CSV rows offer no packed path');
  // `rows` quarantines only in fixed-width; CSV never calls the context.
  const ctx = {} as HandlerContext;
  const { perSecond, baselinePerSecond } = rateAgainstBaseline(
    ROWS_REPEAT * batches.length * perBatch,
    () => {
      let n = 0;
      for (let r = 0; r < ROWS_REPEAT; r++)
        for (const b of batches) {
          const batch = readPackedBatch(b);
          if (batch === undefined) throw new BenchError('no_samples', 'a batch of packed CDRs did not read');
          n += packedRows(batch).length;
        }
      return n;
    },
    () => {
      let n = 0;
      for (let r = 0; r < ROWS_REPEAT; r++)
        for (const b of batches) n += format.rows(decodeBatch(b).records, ctx).text.length;
      return n;
    },
    'file-oi rows',
  );
  return { rowsPerSecond: perSecond, objectRowsPerSecond: baselinePerSecond, recordsPerBatch: perBatch };
}

export interface EncodeResult {
  readonly cdrsPerSecond: number;
  readonly baselinePerSecond: number;
  /** `narflow loadgen gtpp`'s preparation (generate, encode, frame, ground-truth lines), per CDR. */
  readonly prepareUsPerCdr: number;
  readonly preparedCdrs: number;
}

/**
 * CDR encode (`encodeCdr`, what the load generator runs on each CDR) against msgpackr packing the
 * same records, and the load generator's whole preparation of a run (default mix, 1–5 records per
 * session, 10 CDRs per message), which happens before its first message is sent.
 */
export function runCdrEncodeBench(): EncodeResult {
  const recs = Array.from({ length: 20_000 }, (_, i) => sampleCdr(i));
  const packr = new Packr({ useRecords: false, moreTypes: true });
  const { perSecond: cdrsPerSecond, baselinePerSecond } = rateAgainstBaseline(
    recs.length,
    () => {
      let n = 0;
      for (const r of recs) n += encodeCdr(r).length;
      return n;
    },
    () => {
      let n = 0;
      for (const r of recs) n += packr.pack(r).length;
      return n;
    },
    'CDR encode',
  );
  const t0 = performance.now();
  const prepared = prepareRun({
    gsns: 4,
    ipv6: false,
    mix: DEFAULT_MIX,
    records: { kind: 'uniform', min: 1, max: 5 },
    limit: { minRecords: 200_000 },
    cdrsPerMessage: 10,
    gtppVersion: 2,
    dupRate: 0,
    seed: 1,
    nowMs: Date.now(),
  });
  const prepareMs = performance.now() - t0;
  if (prepared.totalCdrs === 0) throw new BenchError('no_samples', 'loadgen preparation produced nothing');
  return {
    cdrsPerSecond,
    baselinePerSecond,
    prepareUsPerCdr: (prepareMs * 1000) / prepared.totalCdrs,
    preparedCdrs: prepared.totalCdrs,
  };
}
