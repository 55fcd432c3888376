/**
 * A backlog behind a stalled consumer lives on disk, not in memory: the database behind the
 * gateway is down while GSNs send, the gateway answers every request once it is in its input log,
 * and with a small `host.inputMemoryBytes` it lets the entries go from memory and later reads them
 * back from the log. When the database is back every CDR is in the table exactly once.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { hostEndpoint } from '../../src/cluster/cli/status.js';
import { TRUTH_CDR_COLUMNS } from '../../src/cluster/loadgen/gtpp/truth-columns.js';
import { sleep, startNarflow, truthRows, waitForOutput } from '../helpers/narflow-process.js';
import { PgProxy } from '../helpers/pg-proxy.js';
import { scratchAfterAll } from '../helpers/scratch.js';
import { requirePostgresDatabase } from '../helpers/services.js';

const probe = await requirePostgresDatabase();
const MEMORY_BYTES = 65_536;
const COLUMNS = TRUTH_CDR_COLUMNS;

const { dirs, tables } = scratchAfterAll(probe);

/** The value of a metric series of the gtpp actor. */
function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}\\{node="gtpp",actor="gtpp\\.0"\\} (\\S+)$`, 'm').exec(text);
  return m === null ? Number.NaN : Number(m[1]);
}

describe("GTP' backlog behind a database outage", () => {
  // Skips only outside CI when the server is down (the probe warns loudly); under CI=true the probe throws.
  it.skipIf(!probe.available)(
    'ensures the backlog is read back from the input log past inputMemoryBytes, and every CDR reaches the table once',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-backlog-'));
      dirs.push(dir);
      const table = `narflow_backlog_${process.pid}_${Date.now()}`;
      tables.push(table);
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const proxy = await PgProxy.start();
      await proxy.down();
      const config = join(dir, 'narflow.yaml');
      await writeFile(
        config,
        `version: 1
host: { dataDir: ${join(dir, 'data')}, inputMemoryBytes: ${MEMORY_BYTES}, metrics: { port: 0 } }
nodes:
  - id: gtpp
    type: gtpp-ei
    settings: { listen: { address: 127.0.0.1, port: ${port}, udp: true, tcp: false }, warmUpCdrs: 0 }
    destinations: [{ to: [db] }]
  - id: db
    type: postgres-oi
    settings:
      connection: 'postgres://postgres@127.0.0.1:${proxy.port}/test'
      table: ${table}
      createTable: true
      retry: { initialMs: 100, maxMs: 500 }
    rules:
      columns:
${COLUMNS.map((c) => `        - { column: ${c.toLowerCase()}, attribute: ${c}, type: text }`).join('\n')}
`,
      );
      const narflow = startNarflow(['run', config]);
      const client = new pg.Client({ connectionString: probe.url });
      try {
        await waitForOutput(narflow, /GTP' charging gateway listening/, 30_000);
        const load = startNarflow([
          'loadgen',
          'gtpp',
          '--target',
          `127.0.0.1:${port}`,
          '--gsns',
          '2',
          '--count',
          '20000',
          '--cdrs-per-message',
          '5',
          '--rate',
          '8000',
          '--dup-rate',
          '0',
          '--out',
          join(dir, 'lg'),
          '--progress',
          'off',
          '--max-seconds',
          '60',
        ]);
        expect((await load.exit).code, load.output().slice(-3000)).toBe(0);
        const truth = (await truthRows(join(dir, 'lg', 'truth', 'cdr.csv'))).sort();
        expect(truth.length).toBeGreaterThan(19_000);

        // Every request was answered with the database down: the CDRs are in the gateway's log.
        const metrics = await (await fetch(`${await hostEndpoint(join(dir, 'data'))}/metrics`)).text();
        expect(metric(metrics, 'narflow_actor_input_read_back_total')).toBeGreaterThan(0);
        expect(metric(metrics, 'narflow_actor_input_memory_bytes')).toBeLessThanOrEqual(MEMORY_BYTES);
        // Checkpoints are still taken (they wait for the database to be written).
        expect(metric(metrics, 'narflow_actor_checkpoints_taken_total')).toBeGreaterThan(0);
        expect(metric(metrics, 'narflow_actor_checkpoint_bytes')).toBeGreaterThan(0);
        expect(metric(metrics, 'narflow_actor_checkpoint_take_seconds_total')).toBeGreaterThan(0);
        // Every answer waited for a commit of the gateway's log: each one is in the histogram.
        expect(metric(metrics, 'narflow_input_log_commit_seconds_count')).toBeGreaterThan(0);

        await proxy.up();
        await client.connect();
        const count = async (): Promise<number> => {
          try {
            return Number(
              (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n,
            );
          } catch {
            return 0;
          }
        };
        const end = Date.now() + 90_000;
        while ((await count()) < truth.length && Date.now() < end) await sleep(200);
        await sleep(500);
        const cols = COLUMNS.map((c) => c.toLowerCase()).join(` || ',' || `);
        const rows = (await client.query<{ line: string }>(`SELECT ${cols} AS line FROM ${table}`)).rows
          .map((r) => r.line)
          .sort();
        expect(rows.length).toBe(truth.length);
        expect(rows).toEqual(truth);
        // Read back by the running actor, not recovered by a restart.
        expect(narflow.output()).not.toMatch(/child_terminated|actor crashed/);
      } finally {
        narflow.child.kill('SIGTERM');
        await narflow.exit;
        await client.end().catch(() => undefined);
        await proxy.down().catch(() => undefined);
      }
    },
    180_000,
  );
});
