/**
 * `narflow demo`: writes a CSV usage file (with a few malformed lines) into the demo input
 * directory, runs config/demo.yaml until the input is processed, and prints what happened.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QuarantineReader } from '../../actors/quarantine/store.js';
import { startHost } from '../host/process.js';

export function demoConfigPath(): string {
  const here = fileURLToPath(import.meta.url);
  // dist/src/cluster/cli/demo.js or src/cluster/cli/demo.ts → <package>/config/demo.yaml
  const root = here.includes('/dist/') ? resolve(here, '../../../../../') : resolve(here, '../../../../');
  return join(root, 'config', 'demo.yaml');
}

/** Usage lines shaped like PGW-CDR summaries; every 997th line is malformed on purpose. */
export function demoCsv(records: number, seed = 1): { text: string; bad: number } {
  let x = seed >>> 0;
  const rnd = (): number => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const apns = ['internet', 'ims', 'mms', 'corp.example'];
  const lines = ['imsi,chargingId,ggsnAddress,apn,uplinkBytes,downlinkBytes,recordOpeningTime'];
  let bad = 0;
  for (let i = 1; i <= records; i++) {
    if (i % 997 === 0) {
      lines.push(
        `26201${String(i).padStart(10, '0')},not-a-number,10.0.0.1,internet,1,2,2026-11-24T10:00:00Z`,
      );
      bad++;
      continue;
    }
    const imsi = `26201${String(Math.floor(rnd() * 1e10)).padStart(10, '0')}`;
    const apn = apns[Math.floor(rnd() * apns.length)] as string;
    const up = Math.floor(rnd() * 5e6);
    const down = Math.floor(rnd() * 2e7);
    lines.push(
      `${imsi},${i},10.0.${i % 4}.1,${apn},${up},${down},2026-11-24T10:${String(i % 60).padStart(2, '0')}:00Z`,
    );
  }
  return { text: `${lines.join('\n')}\n`, bad };
}

export async function demoCommand(opts: { dataDir: string; records: number }): Promise<number> {
  const dataDir = resolve(opts.dataDir);
  await rm(dataDir, { recursive: true, force: true });
  const input = join(dataDir, 'input');
  const output = join(dataDir, 'output');
  await mkdir(input, { recursive: true });
  const { text, bad } = demoCsv(opts.records);
  await writeFile(join(input, '.usage-0001.csv.part'), text);
  const { rename } = await import('node:fs/promises');
  await rename(join(input, '.usage-0001.csv.part'), join(input, 'usage-0001.csv'));
  process.stdout.write(`narflow demo: wrote ${opts.records} usage records (${bad} malformed) to ${input}\n`);

  const started = Date.now();
  const host = await startHost({
    file: demoConfigPath(),
    dataDir,
    sets: [`nodes[collect].settings.inputDir=${input}`, `nodes[deliver].settings.dir=${output}`],
    idleExitSeconds: 1,
    logLevel: 'warn',
  });
  process.stdout.write(
    `narflow demo: pipeline collect → enrich (2 actors) → deliver running; metrics on port ${host.adminPort}\n`,
  );
  const code = await host.done;
  const seconds = (Date.now() - started) / 1000;
  const quarantined = (await new QuarantineReader(join(dataDir, 'quarantine')).list({ node: 'collect' }))
    .length;
  const files = (await readdir(output)).filter((f) => f.endsWith('.csv')).sort();
  let rows = 0;
  for (const f of files)
    rows += (await readFile(join(output, f), 'utf8')).split('\n').filter((l) => l !== '').length - 1;
  process.stdout.write(
    [
      `narflow demo: done in ${seconds.toFixed(1)} s (exit ${code})`,
      `  delivered: ${rows} records in ${files.length} file(s) under ${output}`,
      `  quarantined: ${quarantined} malformed lines (${bad} written) — inspect with: narflow quarantine list --data-dir ${dataDir}`,
      `  consumed input moved to ${join(dataDir, 'actors', 'collect', '0', 'done')}`,
      '',
    ].join('\n'),
  );
  return code === 0 && rows === opts.records - bad && quarantined === bad ? 0 : 1;
}
