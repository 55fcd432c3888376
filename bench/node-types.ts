/**
 * Per-node-type throughput: each node type's handler on its own, in this thread, fed encoded
 * batches of 1000 benchmark records read as an actor reads them: in place (`handlePackedBatch`)
 * when the type takes them so, else decoded into NAR objects (`handleBatch`); ticks/drain where
 * the type commits on them; emitted records counted and dropped. It measures what the node type
 * costs per record, reading its input included, without threads, input logs or links (the chain
 * benchmark measures those). For a type that reads batches in place, the same decoded into
 * objects is the baseline. Batches are encoded before each timed run; best of three after a warm-up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { aggregateAp } from '../src/actors/nodes/ap/aggregate.js';
import { enhanceEp } from '../src/actors/nodes/ep/enhance.js';
import { fileOi } from '../src/actors/nodes/oi/file-oi.js';
import { postgresOi } from '../src/actors/nodes/oi/postgres/node.js';
import type { NodeType } from '../src/actors/nodes/registry.js';
import type { HandlerContext, NodeEnv, NodeHandler } from '../src/actors/runtime/actor.js';
import { handleBatchInput, readBatchFor } from '../src/actors/runtime/batch-input.js';
import { encodeBatch } from '../src/protocols/nar/batch.js';
import type { Nar } from '../src/protocols/nar/nar.js';
import { makeRecord } from './records.js';
import { BenchError } from './stats.js';

export interface NodeTypeResult {
  readonly name: string;
  readonly recordsPerSecond: number;
  /** A type that reads batches in place: the same with the batches decoded into NAR objects. */
  readonly decodedPerSecond?: number;
  readonly note?: string;
}

const BATCH = 1000;
const PG_URL = process.env['NARFLOW_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Emits are counted, alarms must not happen: a raised alarm makes the number meaningless. */
function benchContext(dir: string, nodeId: string): HandlerContext & { position: number; emitted: number } {
  const ctx = {
    nodeId,
    actorId: `${nodeId}.0`,
    partition: 0,
    partitions: 1,
    actorDir: dir,
    log: pino({ level: 'silent' }),
    position: 0,
    emitted: 0,
    emit: () => {
      ctx.emitted++;
    },
    quarantine: (_raw: Uint8Array | string, reason: string) => {
      throw new BenchError('output_mismatch', `${nodeId}: a benchmark record was quarantined (${reason})`);
    },
    duplicate: () => undefined,
    count: () => undefined,
    requestCheckpoint: () => undefined,
    alarm: (name: string, raised: boolean, detail?: string) => {
      if (raised) throw new BenchError('output_mismatch', `${nodeId}: alarm ${name} raised: ${detail ?? ''}`);
    },
  };
  return ctx;
}

function env(dir: string, nodeId: string): NodeEnv {
  return {
    nodeId,
    actorId: `${nodeId}.0`,
    partition: 0,
    partitions: 1,
    actorDir: dir,
    dataDir: dir,
    log: pino({ level: 'silent' }),
    poolThreads: 0,
  };
}

function batches(records: number, firstId: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let b = 0; b < records / BATCH; b++) {
    const batch: Nar[] = [];
    for (let i = 0; i < BATCH; i++) batch.push(makeRecord(firstId + b * BATCH + i));
    out.push(encodeBatch('bench', b + 1, batch));
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly records: number;
  /** A fresh handler for one timed run (state from an earlier run would change the work). */
  create(run: number): Promise<{ handler: NodeHandler; ctx: ReturnType<typeof benchContext> }>;
  /** Ticks between batches, in tick ms (0: none). */
  readonly tickEveryBatches?: number;
  readonly note?: string;
  cleanup?(): Promise<void>;
}

/**
 * Best milliseconds of three runs after a warm-up, and whether the type reads batches in place;
 * `decode`: batches always decoded into objects.
 */
async function bestRun(c: Case, decode: boolean): Promise<{ ms: number; inPlace: boolean }> {
  let best = Infinity;
  let inPlace = false;
  for (let run = 0; run < 4; run++) {
    const input = batches(c.records, run * c.records + 1);
    // Each run gets its own number (its output directory, its table): the decoded runs come after.
    const { handler, ctx } = await c.create(decode ? run + 4 : run);
    inPlace = handler.handlePackedBatch !== undefined;
    await handler.init(undefined);
    let position = 0;
    let tick = 1_000_000;
    const t0 = performance.now();
    for (const bytes of input) {
      ctx.position = ++position;
      await handleBatchInput(handler, readBatchFor(handler, bytes, !decode), ctx);
      if (c.tickEveryBatches !== undefined && position % c.tickEveryBatches === 0) {
        ctx.position = ++position;
        tick += 1000;
        await handler.handleTick(tick, ctx);
      }
    }
    await handler.drain?.(ctx);
    const elapsed = performance.now() - t0;
    await handler.terminate?.('shutdown');
    if (run > 0) best = Math.min(best, elapsed); // run 0 warms up
  }
  return { ms: best, inPlace };
}

async function measure(c: Case): Promise<NodeTypeResult> {
  const { ms: best, inPlace } = await bestRun(c, false);
  const decoded = inPlace ? (await bestRun(c, true)).ms : undefined;
  await c.cleanup?.();
  return {
    name: c.name,
    recordsPerSecond: c.records / (best / 1000),
    ...(decoded === undefined ? {} : { decodedPerSecond: c.records / (decoded / 1000) }),
    note: c.note,
  };
}

function typed<S>(type: NodeType<S>, raw: unknown): S {
  return type.settings.parse(raw);
}

const IP_TABLE = Array.from(
  { length: 256 },
  (_, i) => `100.${64 + (i >> 2)}.${(i & 3) * 64}.0\t100.${64 + (i >> 2)}.${(i & 3) * 64 + 63}.255\t${i}`,
).join('\n');

async function enhanceCase(dir: string): Promise<Case> {
  const table = join(dir, 'pdp-groups.txt');
  const apns = join(dir, 'apn.csv');
  await writeFile(table, `${IP_TABLE}\n`);
  await writeFile(
    apns,
    'apn,tariffClass,operator\ninternet,A,home\nims,V,home\nmms,M,home\ncorp.example.mnc001.mcc262.gprs,C,corp\n',
  );
  const settings = typed(enhanceEp, {
    rules: [
      { set: 'zone', value: 'eu' },
      { set: 'heavy', value: true, when: 'downlinkBytes > 10000000' },
      { lookup: { file: apns, key: 'apn', keyColumn: 'apn', columns: ['tariffClass', 'operator'] } },
      { ipGroup: { table, source: 'servedPdpAddress', destination: 'pdpGroup', type: 'integer' } },
      { drop: ['imei', 'userLocationInfo'] },
      { filter: { drop: 'apn == "test"' } },
      { route: { channel: 'heavy', when: 'heavy == true' } },
    ],
  });
  return {
    name: 'enhance-ep (set, conditional set, lookup, IP-to-group of 256 ranges, drop, filter, route)',
    records: 200_000,
    create: () => {
      const handler = enhanceEp.create(settings, env(dir, 'enhance'));
      return Promise.resolve({ handler, ctx: benchContext(dir, 'enhance') });
    },
  };
}

function aggregateCase(dir: string, key: string[], keysNote: string): Case {
  const settings = typed(aggregateAp, {
    flushIntervalMs: 0,
    idleTimeoutMs: 0,
    maxKeys: 1_000_000,
    flushOnDrain: true,
    rules: {
      key,
      actions: [
        { field: 'uplinkBytes', action: 'sum' },
        { field: 'downlinkBytes', action: 'sum' },
        { field: 'duration', action: 'sum' },
        { field: 'recordOpeningTime', action: 'min' },
        { field: 'localSequenceNumber', action: 'max' },
      ],
    },
  });
  return {
    name: `aggregate-ap (${keysNote}, 5 actions, flush on drain)`,
    records: 200_000,
    create: () =>
      Promise.resolve({
        handler: aggregateAp.create(settings, env(dir, 'aggregate')),
        ctx: benchContext(dir, 'aggregate'),
      }),
  };
}

function fileOiCase(dir: string): Case {
  const columns = [
    'imsi',
    'msisdn',
    'chargingId',
    'apn',
    'recordOpeningTime',
    'duration',
    'uplinkBytes',
    'downlinkBytes',
  ];
  return {
    name: 'file-oi (csv, 8 columns, files of 100,000 rows committed with fsync)',
    records: 200_000,
    create: (run) => {
      const settings = typed(fileOi, {
        dir: join(dir, `out-${run}`),
        rollRecords: 100_000,
        rules: columns.map((attribute) => ({ attribute })),
      });
      return Promise.resolve({
        handler: fileOi.create(settings, env(dir, 'files')),
        ctx: benchContext(dir, 'files'),
      });
    },
  };
}

async function postgresCase(dir: string): Promise<Case | string> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch (err) {
    return `PostgreSQL at ${PG_URL} unreachable (${(err as Error).message})`;
  }
  const table = `narflow_bench_${process.pid}`;
  const columns = [
    { column: 'imsi', attribute: 'imsi', type: 'text' },
    { column: 'msisdn', attribute: 'msisdn', type: 'text' },
    { column: 'charging_id', attribute: 'chargingId', type: 'bigint' },
    { column: 'apn', attribute: 'apn', type: 'text' },
    { column: 'opened_at', attribute: 'recordOpeningTime', type: 'timestamptz' },
    { column: 'duration', attribute: 'duration', type: 'integer' },
    { column: 'uplink_bytes', attribute: 'uplinkBytes', type: 'bigint' },
    { column: 'pdp_address', attribute: 'servedPdpAddress', type: 'inet' },
  ];
  return {
    name: 'postgres-oi (COPY, 8 columns incl. timestamptz and inet, 10,000 rows per transaction)',
    records: 100_000,
    create: async (run) => {
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      const settings = typed(postgresOi, {
        connection: PG_URL,
        table,
        createTable: true,
        batchRows: 10_000,
        rules: { columns },
      });
      const actorDir = join(dir, `pg-${run}`);
      const handler = postgresOi.create(settings, env(actorDir, `pg${run}`));
      return { handler, ctx: benchContext(actorDir, `pg${run}`) };
    },
    note: 'local PostgreSQL, fsync as configured on this machine',
    cleanup: async () => {
      const rows = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      if (Number(rows.rows[0]?.n) !== 100_000)
        throw new BenchError('output_mismatch', `postgres-oi: expected 100000 rows, got ${rows.rows[0]?.n}`);
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.query(`DELETE FROM narflow_oi_progress WHERE node LIKE 'pg_'`);
      await client.end();
    },
  };
}

/** Runs every node-type case; a case whose service is unreachable is reported, not failed. */
export async function runNodeTypes(progress: (line: string) => void): Promise<{
  results: NodeTypeResult[];
  skipped: string[];
}> {
  const dir = await mkdtemp(join(tmpdir(), 'narflow-bench-nodes-'));
  const results: NodeTypeResult[] = [];
  const skipped: string[] = [];
  try {
    const cases: Case[] = [
      await enhanceCase(dir),
      aggregateCase(dir, ['ggsnAddress', 'apn', 'ratType'], 'about 100 keys'),
      aggregateCase(dir, ['imsi'], 'one key per record'),
      fileOiCase(dir),
    ];
    const pgCase = await postgresCase(dir);
    if (typeof pgCase === 'string') skipped.push(`postgres-oi: ${pgCase}`);
    else cases.push(pgCase);
    for (const c of cases) {
      progress(`node type ${c.name}`);
      results.push(await measure(c));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { results, skipped };
}
