/**
 * Prepares the benchmark input once: CSV files for the chain (written aside, moved into the input
 * directory just before the chain starts) and the same records as msgpackr batches for the baseline.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import type { Nar } from '../src/protocols/nar/nar.js';
import { csvHeader, csvLine, makeRecord } from './records.js';

export interface PreparedData {
  /** CSV files in name order, each holding `perFile` records after a header line. */
  readonly csvFiles: readonly string[];
  readonly csvBytes: number;
  /** Baseline batches: msgpackr records/structures, each in its own ArrayBuffer (transferable). */
  readonly batches: Uint8Array<ArrayBuffer>[];
  readonly encodedBytes: number;
  readonly records: number;
  /** Record objects of the first `sampleBatches` batches, for the building-block measurements. */
  readonly sample: Nar[][];
}

export interface DataOptions {
  readonly dir: string;
  readonly files: number;
  readonly perFile: number;
  readonly batchRecords: number;
  readonly sampleBatches: number;
  /** First record id; ids run on without gaps across files. */
  readonly firstId?: number;
}

export function fileName(index: number): string {
  return `cdr-${String(index).padStart(4, '0')}.csv`;
}

/** One self-contained copy of `bytes` (msgpackr returns views into its shared buffer). */
export function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

export async function prepareData(o: DataOptions): Promise<PreparedData> {
  await mkdir(o.dir, { recursive: true });
  const packr = new Packr({ useRecords: true });
  const csvFiles: string[] = [];
  const batches: Uint8Array<ArrayBuffer>[] = [];
  const sample: Nar[][] = [];
  let csvBytes = 0;
  let encodedBytes = 0;
  let id = o.firstId ?? 1;
  for (let f = 0; f < o.files; f++) {
    const lines: string[] = [csvHeader()];
    let batch: Nar[] = [];
    for (let i = 0; i < o.perFile; i++) {
      const r = makeRecord(id++);
      lines.push(csvLine(r));
      batch.push(r);
      if (batch.length === o.batchRecords || i === o.perFile - 1) {
        const bytes = own(packr.pack(batch));
        batches.push(bytes);
        encodedBytes += bytes.length;
        if (sample.length < o.sampleBatches) sample.push(batch);
        batch = [];
      }
    }
    const text = `${lines.join('\n')}\n`;
    const path = join(o.dir, fileName(f));
    await writeFile(path, text);
    csvFiles.push(path);
    csvBytes += Buffer.byteLength(text);
  }
  return { csvFiles, csvBytes, batches, encodedBytes, records: o.files * o.perFile, sample };
}
