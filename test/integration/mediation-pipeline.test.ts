/**
 * The node library end to end: file EI → EP (IP-to-group, filter, split) → AP (2 partitions, hash
 * routing) → file OI and PostgreSQL OI, SIGKILLed at random moments and restarted. The file and the
 * table must hold exactly the expected aggregates: none missing, none twice.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { csvRows, prng, runToCompletion, sleep, startNarflow } from '../helpers/narflow-process.js';
import { scratchAfterAll } from '../helpers/scratch.js';
import { requirePostgresDatabase } from '../helpers/services.js';

const FILES = 8;
const FLOWS_PER_FILE = 6_000;
const KILLS = 4;

const postgres = await requirePostgresDatabase();
const { dirs, tables } = scratchAfterAll(postgres);

const IP_TABLE = `# seed 002 example, then an IPv6 range
192.235.34.1\t192.235.34.10\t1
192.235.34.11\t192.235.34.20\t2
192.235.34.21\t192.235.34.40\t4
192.235.34.41\t192.235.37.60\t6
2001:db8::\t2001:db8::ffff\t8
`;

interface Flow {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  proto: number;
  apn: string;
  up: bigint[];
  down: bigint[];
}

function groupOf(ip: string): string {
  if (ip.startsWith('2001:db8::')) return '8';
  const last = ip.split('.').map(Number);
  if (last[0] !== 192 || last[1] !== 235) return '';
  const v = ((last[2] as number) << 8) | (last[3] as number);
  const at = (c: number, d: number) => (c << 8) | d;
  if (v >= at(34, 1) && v <= at(34, 10)) return '1';
  if (v >= at(34, 11) && v <= at(34, 20)) return '2';
  if (v >= at(34, 21) && v <= at(34, 40)) return '4';
  if (v >= at(34, 41) && v <= at(37, 60)) return '6';
  return '';
}

/** Writes the input files; returns the expected output rows (as the file OI writes them). */
async function writeFlows(input: string, seed: number): Promise<string[]> {
  const rnd = prng(seed);
  const expected: string[] = [];
  let n = 0;
  for (let f = 0; f < FILES; f++) {
    const flows: Flow[] = [];
    for (let i = 0; i < FLOWS_PER_FILE; i++) {
      n++;
      const v6 = rnd() < 0.1;
      const src = v6
        ? `2001:db8::${(n % 0xffff).toString(16)}`
        : `192.235.${34 + Math.floor(rnd() * 4)}.${Math.floor(rnd() * 256)}`;
      const k = 1 + Math.floor(rnd() * 4);
      flows.push({
        src,
        srcPort: 1024 + (n % 60_000),
        dst: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
        dstPort: 443,
        proto: rnd() < 0.8 ? 6 : 17,
        apn: rnd() < 0.05 ? 'test' : 'internet',
        up: Array.from({ length: k }, () => BigInt(Math.floor(rnd() * 100_000))),
        down: Array.from({ length: k }, () => BigInt(Math.floor(rnd() * 1_000_000))),
      });
    }
    // Interleave the records of the flows, keeping each flow's own order; the last one ends it.
    const lines = ['srcIp,srcPort,dstIp,dstPort,protocol,apn,uplinkBytes,downlinkBytes,flowEnd'];
    const cursor = flows.map(() => 0);
    let open = flows.length;
    while (open > 0) {
      for (let i = 0; i < flows.length; i++) {
        const fl = flows[i] as Flow;
        const c = cursor[i] as number;
        if (c >= fl.up.length || rnd() < 0.3) continue;
        const end = c === fl.up.length - 1 ? 1 : 0;
        lines.push(
          `${fl.src},${fl.srcPort},${fl.dst},${fl.dstPort},${fl.proto},${fl.apn},${fl.up[c]},${fl.down[c]},${end}`,
        );
        cursor[i] = c + 1;
        if (end === 1) open--;
      }
    }
    await writeFile(join(input, `flows-${String(f).padStart(3, '0')}.csv`), lines.join('\n') + '\n');
    for (const fl of flows) {
      if (fl.apn === 'test') continue;
      const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
      const group = groupOf(fl.src);
      for (const [dir, bytes] of [
        ['up', sum(fl.up)],
        ['down', sum(fl.down)],
      ] as const) {
        expected.push(
          `${fl.src},${fl.srcPort},${fl.dst},${fl.dstPort},${fl.proto},${dir},${group},${bytes},${fl.up.length}`,
        );
      }
    }
  }
  return expected;
}

function config(dir: string, table: string, url: string): string {
  return `version: 1
host:
  dataDir: ${join(dir, 'data')}
  tickIntervalMs: 200
  metrics: { port: 0 }
nodes:
  - id: collect
    type: file-ei
    settings: { inputDir: ${join(dir, 'in')}, pattern: '*.csv', pollMs: 20 }
    rules:
      - { name: srcIp, type: ip }
      - { name: srcPort, type: integer }
      - { name: dstIp, type: ip }
      - { name: dstPort, type: integer }
      - { name: protocol, type: integer }
      - { name: apn, type: string }
      - { name: uplinkBytes, type: bigint }
      - { name: downlinkBytes, type: bigint }
      - { name: flowEnd, type: integer }
    destinations: [{ to: [enhance] }]
  - id: enhance
    type: enhance-ep
    rules:
      - ipGroup: { table: ipgroups.txt, source: srcIp, destination: group, type: integer }
      - filter: { drop: 'apn == "test"' }
      - split:
          parts:
            - set: { direction: { value: up }, bytes: { copy: uplinkBytes } }
              drop: [uplinkBytes, downlinkBytes]
            - set: { direction: { value: down }, bytes: { copy: downlinkBytes } }
              drop: [uplinkBytes, downlinkBytes]
    destinations:
      - to: [aggregate]
        routing: { type: hash, attribute: srcIp }
  - id: aggregate
    type: aggregate-ap
    partitions: 2
    settings: { flowEnd: 'flowEnd == 1', flushIntervalMs: 0, idleTimeoutMs: 0 }
    rulesFile: ipflow.rules
    destinations: [{ to: [files] }, { to: [db] }]
  - id: files
    type: file-oi
    settings: { dir: ${join(dir, 'out')}, rollRecords: 5000, rollIntervalMs: 1000 }
    rules:
      - { column: srcIp, attribute: srcIp }
      - { column: srcPort, attribute: srcPort }
      - { column: dstIp, attribute: dstIp }
      - { column: dstPort, attribute: dstPort }
      - { column: protocol, attribute: protocol }
      - { column: direction, attribute: direction }
      - { column: group, attribute: group }
      - { column: bytes, attribute: bytes }
      - { column: records, attribute: aggregatedCount }
  - id: db
    type: postgres-oi
    settings: { connection: '${url}', table: ${table}, createTable: true, batchRows: 5000, commitIntervalMs: 1000 }
    rules:
      columns:
        - { column: src_ip, attribute: srcIp, type: inet }
        - { column: src_port, attribute: srcPort, type: integer }
        - { column: dst_ip, attribute: dstIp, type: inet }
        - { column: dst_port, attribute: dstPort, type: integer }
        - { column: protocol, attribute: protocol, type: integer }
        - { column: direction, attribute: direction, type: text }
        - { column: grp, attribute: group, type: integer }
        - { column: bytes, attribute: bytes, type: bigint }
        - { column: records, attribute: aggregatedCount, type: integer }
`;
}

async function tableRows(table: string, url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<Record<string, string | number | null>>(
      `SELECT host(src_ip) AS src_ip, src_port, host(dst_ip) AS dst_ip, dst_port, protocol, direction, grp, bytes, records FROM ${table}`,
    );
    return r.rows.map((x) =>
      [
        x.src_ip,
        x.src_port,
        x.dst_ip,
        x.dst_port,
        x.protocol,
        x.direction,
        x.grp ?? '',
        x.bytes,
        x.records,
      ].join(','),
    );
  } finally {
    await client.end();
  }
}

describe('file EI → EP → AP → file OI + PostgreSQL OI under kill -9', () => {
  // Skips only outside CI when the server is down (the probe warns loudly); under CI=true the probe throws.
  it.skipIf(!postgres.available)(
    'ensures the file and the table hold exactly the expected aggregates after repeated SIGKILLs',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'narflow-mediation-'));
      dirs.push(dir);
      const table = `narflow_it_${process.pid}_${Date.now()}`;
      tables.push(table);
      await mkdir(join(dir, 'in'));
      await writeFile(join(dir, 'ipgroups.txt'), IP_TABLE);
      await writeFile(
        join(dir, 'ipflow.rules'),
        '# IP flow on the five-tuple and direction\nsrcIp,srcPort,dstIp,dstPort,protocol,direction bytes,accumulate;flowEnd,last\n',
      );
      const file = join(dir, 'narflow.yaml');
      await writeFile(file, config(dir, table, postgres.url));
      const expected = await writeFlows(join(dir, 'in'), 7);

      const rnd = prng(Number(process.env.NARFLOW_KILL_SEED ?? 424242));
      let kills = 0;
      for (let round = 0; round < KILLS; round++) {
        const r = startNarflow(['run', file, '--idle-exit', '2']);
        const ended = await Promise.race([
          r.exit.then(() => true),
          sleep(1500 + rnd() * 2500).then(() => false),
        ]);
        if (ended) break;
        r.child.kill('SIGKILL');
        await r.exit;
        kills++;
      }
      await runToCompletion(['run', file, '--idle-exit', '2']);

      const sorted = [...expected].sort();
      const rows = await csvRows(join(dir, 'out'));
      expect(rows.length).toBe(expected.length);
      expect(new Set(rows).size).toBe(rows.length);
      expect([...rows].sort()).toEqual(sorted);
      const dbRows = await tableRows(table, postgres.url);
      expect(dbRows.length).toBe(expected.length);
      expect([...dbRows].sort()).toEqual(sorted);
      expect(kills).toBeGreaterThanOrEqual(2);
    },
    240_000,
  );
});
