/** A file EI → EP → file OI chain in a temp directory, with generated CSV input. */
import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostStatus } from '../../src/cluster/host/host-status.js';

export interface Chain {
  readonly dir: string;
  readonly config: string;
  readonly input: string;
  readonly output: string;
  readonly dataDir: string;
}

export interface ChainOptions {
  readonly epPartitions?: number;
  readonly epType?: string;
  readonly epSettings?: unknown;
  readonly extraNodes?: string;
  readonly plugins?: readonly string[];
  readonly oiRollRecords?: number;
  readonly poisonAfter?: number;
  readonly intensity?: number;
}

/** The file OI's columns, as a flow sequence (also used by tests that add a second OI). */
export const OI_RULES =
  '[{ attribute: imsi }, { attribute: chargingId }, { attribute: apn }, { attribute: uplinkBytes }, { attribute: zone }]';

export async function makeChain(name: string, o: ChainOptions = {}): Promise<Chain> {
  const dir = await mkdtemp(join(tmpdir(), `narflow-${name}-`));
  const input = join(dir, 'input');
  const output = join(dir, 'output');
  const dataDir = join(dir, 'data');
  await mkdir(input, { recursive: true });
  const epSettings = JSON.stringify(o.epSettings ?? { rules: [{ set: 'zone', value: 'eu' }] });
  const yaml = `version: 1
${o.plugins === undefined ? '' : `plugins: ${JSON.stringify(o.plugins)}\n`}host:
  dataDir: ${dataDir}
  metrics: { enabled: true, host: 127.0.0.1, port: 0 }
  log: { level: warn }
  pool: { threads: ${Number(process.env.NARFLOW_TEST_POOL_THREADS ?? 0)} }
  tickIntervalMs: 200
  checkpointIntervalMs: 200
supervision:
  pipeline: { strategy: one_for_one, intensity: ${o.intensity ?? 20}, period: 10, backoff: { initialMs: 50, maxMs: 500, factor: 2, jitter: 0.1 } }
nodes:
  - id: collect
    type: file-ei
    settings:
      inputDir: ${input}
      header: true
      pollMs: 50
    rules:
      - { name: imsi, type: string, required: true }
      - { name: chargingId, type: integer, required: true }
      - { name: apn, type: string }
      - { name: uplinkBytes, type: bigint }
    destinations:
      - to: [enrich]
  - id: enrich
    type: ${o.epType ?? 'enhance-ep'}
    partitions: ${o.epPartitions ?? 2}
    supervision: { poisonAfter: ${o.poisonAfter ?? 3} }
    settings: ${epSettings}
    destinations:
      - to: [deliver]
  - id: deliver
    type: file-oi
    settings:
      dir: ${output}
      rollRecords: ${o.oiRollRecords ?? 20000}
      rollIntervalMs: 1000
    rules: ${OI_RULES}
${o.extraNodes ?? ''}`;
  const config = join(dir, 'chain.yaml');
  await writeFile(config, yaml);
  return { dir, config, input, output, dataDir };
}

/** Writes `files` CSV files of `perFile` records; every `badEvery`-th line is malformed. */
export async function writeInput(
  input: string,
  files: number,
  perFile: number,
  badEvery = 0,
  firstFile = 0,
): Promise<{ good: number; bad: number }> {
  let id = firstFile * perFile;
  let good = 0;
  let bad = 0;
  for (let f = firstFile; f < firstFile + files; f++) {
    const lines = ['imsi,chargingId,apn,uplinkBytes'];
    for (let i = 0; i < perFile; i++) {
      id++;
      if (badEvery > 0 && id % badEvery === 0) {
        lines.push(`2620100${String(id).padStart(8, '0')},x${id},internet,1`);
        bad++;
      } else {
        lines.push(
          `2620100${String(id).padStart(8, '0')},${id},${id % 3 === 0 ? 'ims' : 'internet'},${id * 7}`,
        );
        good++;
      }
    }
    const name = `usage-${String(f).padStart(4, '0')}.csv`;
    await writeFile(join(input, `.${name}.part`), `${lines.join('\n')}\n`);
    await rename(join(input, `.${name}.part`), join(input, name));
  }
  return { good, bad };
}

/** The running host's status, through host.json and the admin server. */
export async function hostStatus(dataDir: string, pid?: number): Promise<HostStatus | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, 'host.json'), 'utf8')) as {
      pid: number;
      adminHost: string;
      adminPort: number;
    };
    if (pid !== undefined && info.pid !== pid) return undefined;
    const res = await fetch(`http://${info.adminHost}:${info.adminPort}/status`);
    return res.ok ? ((await res.json()) as HostStatus) : undefined;
  } catch {
    return undefined;
  }
}
