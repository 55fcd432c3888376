/**
 * Building blocks of the chain, on the same records: the batch codec (narflow's and bare msgpackr, each
 * in a fresh thread), the file EI's CSV parse + typed conversion, the file OI's CSV formatting, and the
 * input log's append with group commit. Each runs once to warm up, then is measured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compileField, convertField, type CompiledField } from '../src/actors/nodes/ei/field-convert.js';
import { InputLog } from '../src/actors/durability/input-log.js';
import { formatCsvLine, parseCsvLine } from '../src/protocols/csv/csv.js';
import { encodeBatch } from '../src/protocols/nar/batch.js';
import type { AttributeValue, Nar } from '../src/protocols/nar/nar.js';
import type { CodecVariant, CodecWorkerData, CodecWorkerResult } from './codec-worker.js';
import { COLUMNS, EP_ATTRIBUTE, csvLine } from './records.js';
import { BenchError } from './stats.js';

export interface BlockResult {
  readonly name: string;
  readonly recordsPerSecond: number;
  readonly note?: string;
}

/** Best of three timed runs after one warm-up run (the machine is shared: the best is the least disturbed). */
function timed(records: number, run: () => void): number {
  run();
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return records / (best / 1000);
}

const CODEC_BLOCKS: readonly { variant: CodecVariant; name: string }[] = [
  { variant: 'encode-literal', name: 'narflow batch encode, fixed-shape records' },
  { variant: 'encode-ei-built', name: 'narflow batch encode, records built like the file EI (keyed stores)' },
  { variant: 'encode-decoded', name: 'narflow batch encode, records as decodeBatch returns them' },
  { variant: 'decode', name: 'narflow batch decode' },
  { variant: 'bare-pack', name: 'bare msgpackr pack' },
  { variant: 'bare-unpack', name: 'bare msgpackr unpack' },
];

function codecBlock(variant: CodecVariant, batches: number): Promise<CodecWorkerResult> {
  const workerData: CodecWorkerData = { variant, batches, batchRecords: 1000 };
  const w = new Worker(new URL('./codec-worker.js', import.meta.url), { workerData });
  return new Promise((resolve, reject) => {
    w.once('message', (r: CodecWorkerResult) => resolve(r));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0)
        reject(new BenchError('worker_failed', `codec ${variant}: expected exit 0, got ${code}`));
    });
  });
}

async function codecBlocks(batches: number): Promise<BlockResult[]> {
  const out: BlockResult[] = [];
  for (const b of CODEC_BLOCKS) {
    const r = await codecBlock(b.variant, batches);
    out.push({
      name: b.name,
      recordsPerSecond: r.recordsPerSecond,
      note: b.variant === 'encode-literal' ? `${Math.round(r.bytesPerRecord)} B/record` : undefined,
    });
  }
  return out;
}

function csvBlocks(sample: Nar[][], records: number): BlockResult[] {
  const lines = sample.flatMap((b) => b.map(csvLine));
  const columns: CompiledField[] = COLUMNS.map((c) =>
    compileField({ name: c.name, type: c.type, required: false }),
  );
  const outColumns = [...COLUMNS.map((c) => c.name), EP_ATTRIBUTE];
  const rows = sample.flat().map((r): Nar => ({ ...r, [EP_ATTRIBUTE]: 'eu' }));
  let sink = 0;
  const text = (v: AttributeValue | undefined): string =>
    v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
  return [
    {
      name: 'csv parse + typed fields (file EI work)',
      recordsPerSecond: timed(records, () => {
        for (const line of lines) {
          const fields = parseCsvLine(line, { delimiter: ',' });
          const nar: Nar = {};
          for (let i = 0; i < columns.length; i++) {
            const col = columns[i] as CompiledField;
            nar[col.name] = convertField(fields[i] as string, col);
          }
          sink += Object.keys(nar).length;
        }
      }),
    },
    {
      name: 'csv format (file OI work)',
      recordsPerSecond: timed(records, () => {
        for (const r of rows)
          sink += formatCsvLine(
            outColumns.map((c) => text(r[c])),
            ',',
          ).length;
      }),
    },
  ].map((b) => {
    if (sink === 0) throw new BenchError('no_samples', `${b.name}: expected fields to be counted`);
    return b;
  });
}

async function inputLogBlock(sample: Nar[][], records: number): Promise<BlockResult> {
  const dir = await mkdtemp(join(tmpdir(), 'narflow-bench-log-'));
  try {
    const encoded = sample.map((b, i) => encodeBatch('bench', i + 1, b));
    const once = async (name: string): Promise<number> => {
      const log = await InputLog.open(join(dir, name), { segmentBytes: 64 * 1048576, groupCommitMs: 5 });
      const t0 = performance.now();
      let last = 0;
      for (const b of encoded) {
        last = log.append(1, b);
        // Let commits interleave with appends, as they do when batches arrive over a port.
        await new Promise((r) => setImmediate(r));
      }
      await log.whenDurable(last);
      const seconds = (performance.now() - t0) / 1000;
      await log.close();
      return records / seconds;
    };
    await once('warm');
    return {
      name: 'input log append, 5 ms group commit',
      recordsPerSecond: await once('measured'),
      note: 'batches of 1000',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runBlocks(sample: Nar[][]): Promise<BlockResult[]> {
  const records = sample.reduce((n, b) => n + b.length, 0);
  return [
    ...(await codecBlocks(sample.length)),
    ...csvBlocks(sample, records),
    await inputLogBlock(sample, records),
  ];
}
