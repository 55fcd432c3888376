/**
 * One codec measurement in a fresh thread. msgpackr's encoder specialises on the object shapes it
 * sees, so measuring several kinds of records in one thread would slow down whichever runs later;
 * in the chain each actor's thread also sees one kind only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Packr } from 'msgpackr';
import { decodeBatch, encodeBatch } from '../src/protocols/nar/batch.js';
import type { Nar } from '../src/protocols/nar/nar.js';
import { COLUMNS, makeRecord } from './records.js';

export type CodecVariant =
  'encode-literal' | 'encode-ei-built' | 'encode-decoded' | 'decode' | 'bare-pack' | 'bare-unpack';

export interface CodecWorkerData {
  readonly variant: CodecVariant;
  readonly batches: number;
  readonly batchRecords: number;
}

export interface CodecWorkerResult {
  readonly recordsPerSecond: number;
  readonly bytesPerRecord: number;
}

const { variant, batches, batchRecords } = workerData as CodecWorkerData;

/** Like the file EI: an empty object, then one keyed store per configured column. */
function builtLikeEi(r: Nar): Nar {
  const nar: Nar = {};
  for (const c of COLUMNS) nar[c.name] = r[c.name] as Nar[string];
  return nar;
}

function measure(): CodecWorkerResult {
  const literal: Nar[][] = [];
  for (let b = 0, id = 1; b < batches; b++) {
    const batch: Nar[] = [];
    for (let i = 0; i < batchRecords; i++) batch.push(makeRecord(id++));
    literal.push(batch);
  }
  const records = batches * batchRecords;
  const encoded = literal.map((b, i) => encodeBatch('bench', i + 1, b));
  const bytesPerRecord = encoded.reduce((n, b) => n + b.length, 0) / records;
  const packr = new Packr({ useRecords: true });
  let sink = 0;
  let run: () => void;
  switch (variant) {
    case 'encode-literal':
      run = () => literal.forEach((b, i) => (sink += encodeBatch('bench', i + 1, b).length));
      break;
    case 'encode-ei-built': {
      const built = literal.map((b) => b.map(builtLikeEi));
      run = () => built.forEach((b, i) => (sink += encodeBatch('bench', i + 1, b).length));
      break;
    }
    case 'encode-decoded': {
      const decoded = encoded.map((b) => decodeBatch(b).records);
      run = () => decoded.forEach((b, i) => (sink += encodeBatch('bench', i + 1, b).length));
      break;
    }
    case 'decode':
      run = () => encoded.forEach((b) => (sink += decodeBatch(b).records.length));
      break;
    case 'bare-pack':
      run = () => literal.forEach((b) => (sink += packr.pack(b).length));
      break;
    case 'bare-unpack': {
      const bare = literal.map((b) => new Uint8Array(packr.pack(b)));
      run = () => bare.forEach((b) => (sink += (packr.unpack(b) as unknown[]).length));
      break;
    }
  }
  run();
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  if (sink === 0) throw new Error(`codec ${variant}: expected bytes or records to be counted`);
  return { recordsPerSecond: records / (best / 1000), bytesPerRecord };
}

parentPort?.postMessage(measure());
