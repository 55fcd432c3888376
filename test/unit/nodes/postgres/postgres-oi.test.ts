/**
 * postgres-oi against a real PostgreSQL (skipped loudly when there is none; fails under CI=true).
 * Every test works in its own schema, dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresOiError } from '../../../../src/actors/nodes/oi/postgres/errors.js';
import { INSTANCE_FILE, readInstance } from '../../../../src/actors/nodes/oi/postgres/instance.js';
import { DATABASE_UNAVAILABLE, postgresOi } from '../../../../src/actors/nodes/oi/postgres/node.js';
import { postgresOiSettings } from '../../../../src/actors/nodes/oi/postgres/settings.js';
import type { NodeHandler } from '../../../../src/actors/runtime/actor.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { nodeEnv, recorded, recordingContext, type Recorded } from '../../../helpers/handler-context.js';
import { PgProxy } from '../../../helpers/pg-proxy.js';
import { requirePostgresDatabase } from '../../../helpers/services.js';

const probe = await requirePostgresDatabase();

let admin: Client;
let schema = '';
let dir = '';
const handlers: NodeHandler[] = [];
const proxies: PgProxy[] = [];

beforeAll(async () => {
  if (!probe.available) return;
  admin = new Client({ connectionString: probe.url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
});

afterEach(async () => {
  for (const h of handlers.splice(0)) await h.terminate?.('shutdown');
  for (const p of proxies.splice(0)) await p.down();
  if (schema !== '') await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  schema = '';
  if (dir !== '') await rm(dir, { recursive: true, force: true });
  dir = '';
});

async function freshSchema(createTable = true): Promise<string> {
  schema = `oi_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  dir = await mkdtemp(join(tmpdir(), 'narflow-pg-oi-'));
  await admin.query(`CREATE SCHEMA ${schema}`);
  if (createTable) {
    await admin.query(
      `CREATE TABLE ${schema}.usage (id integer, imsi text, uplink_bytes bigint, ratio double precision, ` +
        'amount numeric, roaming boolean, started_at timestamptz, src_ip inet)',
    );
  }
  return schema;
}

const COLUMNS = [
  { column: 'id', attribute: 'narId', type: 'integer' },
  { column: 'imsi', attribute: 'imsi', type: 'text' },
  { column: 'uplink_bytes', attribute: 'uplinkBytes', type: 'bigint' },
  { column: 'ratio', attribute: 'ratio', type: 'double' },
  { column: 'amount', attribute: 'amount', type: 'numeric' },
  { column: 'roaming', attribute: 'roaming', type: 'boolean' },
  { column: 'started_at', attribute: 'recordOpeningTime', type: 'timestamptz' },
  { column: 'src_ip', attribute: 'srcIp', type: 'inet' },
];

function settings(patch: Record<string, unknown> = {}): ReturnType<typeof postgresOiSettings.parse> {
  return postgresOiSettings.parse({
    connection: probe.url,
    table: `${schema}.usage`,
    batchRows: 5,
    commitIntervalMs: 1_000,
    retry: { initialMs: 20, maxMs: 200 },
    rules: { columns: COLUMNS },
    ...patch,
  });
}

async function handler(
  snapshot: unknown,
  patch: Record<string, unknown> = {},
  actorDir = dir,
): Promise<NodeHandler> {
  const h = postgresOi.create(settings(patch), nodeEnv(actorDir, { nodeId: 'billing-db' }));
  handlers.push(h);
  await h.init(snapshot);
  return h;
}

function ctx(out: Recorded, position: number): ReturnType<typeof recordingContext> {
  return recordingContext(out, position, { nodeId: 'billing-db', actorDir: dir });
}

function records(from: number, n: number): Nar[] {
  return Array.from({ length: n }, (_, i) => ({
    narId: from + i,
    imsi: `00101\t${from + i}\\x\n`,
    uplinkBytes: 9007199254740993n + BigInt(from + i),
    ratio: (from + i) / 4,
    amount: `${from + i}.25`,
    roaming: (from + i) % 2 === 0,
    recordOpeningTime: '2024-05-01T12:00:00.5+02:00',
    srcIp: '10.0.0.1',
  }));
}

async function ids(): Promise<number[]> {
  const r = await admin.query<{ id: number }>(`SELECT id FROM ${schema}.usage ORDER BY id`);
  return r.rows.map((row) => row.id);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

async function progress(): Promise<Array<{ instance: string; position: string }>> {
  const r = await admin.query<{ instance: string; position: string }>(
    `SELECT instance, position FROM ${schema}.narflow_oi_progress WHERE node = 'billing-db' AND partition = 0`,
  );
  return r.rows;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Skips only outside CI when the server is down (the probe warns loudly); under CI=true the probe throws.
describe.skipIf(!probe.available)('postgres-oi', () => {
  it('ensures rows land once, with their values, committed at batchRows, on ticks and on drain', async () => {
    await freshSchema();
    const out = recorded();
    const h = await handler(undefined);
    await h.handleBatch(records(1, 3), ctx(out, 1));
    expect(await ids()).toEqual([]);
    expect(h.held()).toBe(3);
    await h.handleBatch(records(4, 3), ctx(out, 2));
    expect(await ids()).toEqual(range(1, 6));
    expect(out.counts.out).toBe(6);
    expect(out.checkpointRequests).toBe(1);
    expect(h.held()).toBe(0);
    expect(await progress()).toEqual([{ instance: readInstance(dir), position: '2' }]);

    await h.handleTick(1_000, ctx(out, 3));
    await h.handleBatch(records(7, 2), ctx(out, 4));
    await h.handleTick(1_500, ctx(out, 5));
    expect(await ids()).toEqual(range(1, 6));
    await h.handleTick(2_000, ctx(out, 6));
    expect(await ids()).toEqual(range(1, 8));
    expect((await progress())[0]?.position).toBe('4');

    await h.handleBatch(records(9, 1), ctx(out, 7));
    await h.drain?.(ctx(out, 7));
    expect(await ids()).toEqual(range(1, 9));
    expect(out.counts.out).toBe(9);
    expect(out.checkpointRequests).toBe(3);
    expect(out.alarmChanges).toEqual([]);

    const row = await admin.query(
      `SELECT imsi, uplink_bytes, ratio, amount::text AS amount, roaming, started_at, host(src_ip) AS ip ` +
        `FROM ${schema}.usage WHERE id = 2`,
    );
    expect(row.rows[0]).toEqual({
      imsi: '00101\t2\\x\n',
      uplink_bytes: '9007199254740995',
      ratio: 0.5,
      amount: '2.25',
      roaming: true,
      started_at: new Date('2024-05-01T10:00:00.500Z'),
      ip: '10.0.0.1',
    });
  });

  it('ensures a replay after a crash that followed a commit but preceded the checkpoint writes nothing twice', async () => {
    await freshSchema();
    const first = await handler(undefined);
    const before = first.snapshot();
    const out1 = recorded();
    await first.handleBatch(records(1, 3), ctx(out1, 1));
    await first.handleBatch(records(4, 3), ctx(out1, 2)); // commits 1..6, asks for a checkpoint
    await first.terminate?.('crash');

    // The replay commits at other boundaries (here: only on drain), so its buffer spans the
    // committed positions and new ones: only the batches above the committed position are written.
    const out2 = recorded();
    const replay = await handler(before, { batchRows: 100 });
    await replay.handleBatch(records(1, 3), ctx(out2, 1));
    await replay.handleBatch(records(4, 3), ctx(out2, 2));
    expect(replay.held()).toBe(0);
    expect(out2.counts.out).toBe(6);
    await replay.handleBatch(records(7, 2), ctx(out2, 3));
    await replay.drain?.(ctx(out2, 3));
    expect(await ids()).toEqual(range(1, 8));
    expect(out2.counts.out).toBe(8);
  });

  it('ensures rows buffered but not committed before a crash are written by the replay', async () => {
    await freshSchema();
    const first = await handler(undefined);
    const before = first.snapshot();
    await first.handleBatch(records(1, 2), ctx(recorded(), 1));
    await first.handleBatch(records(3, 2), ctx(recorded(), 2));
    await first.terminate?.('crash');
    expect(await ids()).toEqual([]);

    const replay = await handler(before);
    const out = recorded();
    await replay.handleBatch(records(1, 2), ctx(out, 1));
    await replay.handleBatch(records(3, 2), ctx(out, 2));
    await replay.drain?.(ctx(out, 2));
    expect(await ids()).toEqual(range(1, 4));
    expect(out.counts.out).toBe(4);
  });

  it('ensures a terminated backend is reconnected to and the commit retried, raising and clearing the alarm', async () => {
    await freshSchema();
    const out = recorded();
    const h = await handler(undefined);
    await h.handleBatch(records(1, 5), ctx(out, 1));
    const killed = await admin.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'narflow billing-db.0'",
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    await h.handleBatch(records(6, 5), ctx(out, 2));
    expect(await ids()).toEqual(range(1, 10));
    expect(out.alarmChanges.map((a) => [a.name, a.raised])).toEqual([
      [DATABASE_UNAVAILABLE, true],
      [DATABASE_UNAVAILABLE, false],
    ]);
    expect(out.alarms.size).toBe(0);
  });

  it('ensures an unreachable database holds the batch, alarms with the error code, and writes once when it is back', async () => {
    await freshSchema();
    const proxy = await PgProxy.start();
    proxies.push(proxy);
    const url = `postgres://postgres@127.0.0.1:${proxy.port}/test`;
    const out = recorded();
    const h = await handler(undefined, { connection: url });
    await h.handleBatch(records(1, 5), ctx(out, 1));
    expect(await ids()).toEqual(range(1, 5));

    await proxy.down();
    let done = false;
    const pending = Promise.resolve(h.handleBatch(records(6, 5), ctx(out, 2))).then(() => {
      done = true;
    });
    await until('the alarm', () => out.alarms.has(DATABASE_UNAVAILABLE));
    expect(out.alarms.get(DATABASE_UNAVAILABLE)).toMatch(/^(ECONNREFUSED|connection_lost): /);
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect(h.held()).toBe(5);
    expect(await ids()).toEqual(range(1, 5));

    await proxy.up();
    await pending;
    expect(await ids()).toEqual(range(1, 10));
    expect(out.alarms.size).toBe(0);
    expect(out.counts.out).toBe(10);
    expect(out.checkpointRequests).toBe(2);
  });

  it('ensures a handler started against a closed port waits, then reads its position and writes', async () => {
    await freshSchema();
    const proxy = await PgProxy.start();
    proxies.push(proxy);
    await proxy.down();
    const out = recorded();
    const h = await handler(undefined, { connection: `postgres://postgres@127.0.0.1:${proxy.port}/test` });
    const pending = h.handleBatch(records(1, 5), ctx(out, 1));
    await until('the alarm', () => out.alarms.has(DATABASE_UNAVAILABLE));
    expect(out.alarms.get(DATABASE_UNAVAILABLE)).toMatch(/^ECONNREFUSED: /);
    await proxy.up();
    await pending;
    expect(await ids()).toEqual(range(1, 5));
    expect(out.alarms.size).toBe(0);
  });

  it('ensures a COMMIT whose answer was lost is not written again by the retry', async () => {
    await freshSchema();
    const proxy = await PgProxy.start();
    proxies.push(proxy);
    const out = recorded();
    const h = await handler(undefined, { connection: `postgres://postgres@127.0.0.1:${proxy.port}/test` });
    await h.handleBatch(records(1, 5), ctx(out, 1));
    proxy.swallowNextCommitAnswer();
    await h.handleBatch(records(6, 5), ctx(out, 2));
    expect(await ids()).toEqual(range(1, 10));
    expect(out.alarmChanges.map((a) => a.raised)).toEqual([true, false]);
    expect(out.counts.out).toBe(10);
    expect((await progress())[0]?.position).toBe('2');
  });

  it('ensures connections cut while COPY streams are retried without loss or duplicates', async () => {
    await freshSchema();
    const proxy = await PgProxy.start();
    proxies.push(proxy);
    const out = recorded();
    const h = await handler(undefined, {
      connection: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
      batchRows: 2_000,
    });
    let cuts = 0;
    let stop = false;
    const cutter = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 15));
        if (proxy.connections > 0 && cuts < 20) {
          cuts++;
          await proxy.down();
          await proxy.up();
        }
      }
    })();
    for (let p = 1; p <= 20; p++) await h.handleBatch(records((p - 1) * 500 + 1, 500), ctx(out, p));
    await h.drain?.(ctx(out, 20));
    stop = true;
    await cutter;
    expect(cuts).toBeGreaterThan(0);
    expect(out.alarmChanges.length).toBeGreaterThan(0);
    expect(await ids()).toEqual(range(1, 10_000));
    expect(out.counts.out).toBe(10_000);
    expect(out.alarms.size).toBe(0);
  });

  it('ensures a wiped actor directory gets a new instance and its new input is not skipped', async () => {
    await freshSchema();
    const first = await handler(undefined);
    await first.handleBatch(records(1, 5), ctx(recorded(), 1));
    await first.terminate?.('shutdown');
    const oldInstance = readInstance(dir);

    await rm(dir, { recursive: true });
    const out = recorded();
    const fresh = await handler(undefined);
    const newInstance = readInstance(dir);
    expect(newInstance).toBeDefined();
    expect(newInstance).not.toBe(oldInstance);
    await fresh.handleBatch(records(101, 5), ctx(out, 1));
    expect(await ids()).toEqual([...range(1, 5), ...range(101, 105)]);
    expect((await progress()).map((p) => p.instance).sort()).toEqual([oldInstance, newInstance].sort());
  });

  it("ensures the checkpoint's instance wins over a missing or different instance file", async () => {
    await freshSchema();
    const first = await handler(undefined);
    const snapshot = first.snapshot();
    const instance = readInstance(dir);
    await first.handleBatch(records(1, 5), ctx(recorded(), 1));
    await writeFile(join(dir, INSTANCE_FILE), `${randomUUID()}\n`);
    const out = recorded();
    const restored = await handler(snapshot);
    expect(readInstance(dir)).toBe(instance);
    await restored.handleBatch(records(1, 5), ctx(out, 1));
    expect(out.counts.out).toBe(5);
    expect(restored.held()).toBe(0);
    expect(await ids()).toEqual(range(1, 5));
  });

  it('ensures a corrupt instance file stops the handler with its name', async () => {
    await freshSchema();
    await writeFile(join(dir, INSTANCE_FILE), 'not-a-uuid\n');
    const h = postgresOi.create(settings(), nodeEnv(dir, { nodeId: 'billing-db' }));
    expect(() => h.init(undefined)).toThrow(
      expect.objectContaining({ code: 'bad_instance_file' }) as unknown as Error,
    );
  });

  it('ensures createTable creates the table with the column types', async () => {
    await freshSchema(false);
    const h = await handler(undefined, {
      createTable: true,
      rules: {
        columns: [...COLUMNS.slice(0, 1).map((c) => ({ ...c, nullable: false })), ...COLUMNS.slice(1)],
      },
    });
    await h.handleBatch(records(1, 5), ctx(recorded(), 1));
    const cols = await admin.query<{ column_name: string; data_type: string; is_nullable: string }>(
      'SELECT column_name, data_type, is_nullable FROM information_schema.columns ' +
        `WHERE table_schema = $1 AND table_name = 'usage' ORDER BY ordinal_position`,
      [schema],
    );
    expect(cols.rows.map((c) => `${c.column_name} ${c.data_type} ${c.is_nullable}`)).toEqual([
      'id integer NO',
      'imsi text YES',
      'uplink_bytes bigint YES',
      'ratio double precision YES',
      'amount numeric YES',
      'roaming boolean YES',
      'started_at timestamp with time zone YES',
      'src_ip inet YES',
    ]);
    expect(await ids()).toEqual(range(1, 5));
  });

  it('ensures a value that does not fit its column quarantines only its record', async () => {
    await freshSchema();
    const out = recorded();
    const h = await handler(undefined);
    const batch = records(1, 5);
    (batch[1] as Nar).uplinkBytes = 'lots';
    (batch[3] as Nar).srcIp = '10.0.0.256';
    await h.handleBatch(batch, ctx(out, 1));
    await h.drain?.(ctx(out, 1));
    expect(await ids()).toEqual([1, 3, 5]);
    expect(out.counts).toMatchObject({ out: 3, quarantined: 2 });
    expect(out.quarantined.map((q) => [q.reason, q.detail?.['column']])).toEqual([
      ['bad_column_value', 'uplink_bytes'],
      ['bad_column_value', 'src_ip'],
    ]);
    expect(String(out.quarantined[0]?.detail?.['error'])).toContain('expected bigint');
  });

  it('ensures a missing table stops the handler with SQLSTATE 42P01 instead of retrying', async () => {
    await freshSchema(false);
    const out = recorded();
    const h = await handler(undefined);
    const err = await Promise.resolve(h.handleBatch(records(1, 5), ctx(out, 1))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PostgresOiError);
    expect(err).toMatchObject({ code: 'database_rejected', sqlState: '42P01' });
    expect((err as Error).message).toContain(`"${schema}"."usage"`);
    expect(out.alarmChanges).toEqual([]);
    expect(h.held()).toBe(5);
  });

  it('ensures a column type mismatch with the table stops the handler with SQLSTATE 22P02', async () => {
    await freshSchema(false);
    await admin.query(`CREATE TABLE ${schema}.usage (id integer, imsi integer)`);
    const h = await handler(undefined, { rules: { columns: COLUMNS.slice(0, 2) } });
    await expect(h.handleBatch(records(1, 5), ctx(recorded(), 1))).rejects.toMatchObject({
      code: 'database_rejected',
      sqlState: '22P02',
    });
    expect(await ids()).toEqual([]);
  });

  it('ensures the password is taken from passwordEnv and a missing variable is a clear error', async () => {
    await freshSchema();
    const env = `NARFLOW_TEST_PG_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    expect(() =>
      postgresOi.create(settings({ passwordEnv: env }), nodeEnv(dir, { nodeId: 'billing-db' })),
    ).toThrow(`expected the environment variable ${env} (passwordEnv) to hold the password`);
    process.env[env] = 'unused-with-trust-auth';
    try {
      const h = await handler(undefined, { passwordEnv: env });
      await h.handleBatch(records(1, 5), ctx(recorded(), 1));
      expect(await ids()).toEqual(range(1, 5));
    } finally {
      delete process.env[env];
    }
  });
});
