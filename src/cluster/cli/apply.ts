/**
 * `narflow apply <config.yaml>`: validates the file and hands its nodes to the running host as
 * the new data-flow map; the host applies the difference live (add, remove, reconfigure nodes,
 * change destinations) without a restart and without losing or duplicating records.
 */
import { loadRegistry } from '../../actors/nodes/load.js';
import { loadConfig } from '../config/index.js';
import { hostEndpoint } from './status.js';
import { printConfigError } from './validate.js';

export async function applyCommand(opts: {
  file: string;
  dataDir: string | undefined;
  sets: readonly string[];
}): Promise<number> {
  const registry = await loadRegistry([]);
  let nodes;
  let dataDir: string;
  try {
    const config = await loadConfig(opts.file, { registry, sets: [...opts.sets], dataDir: opts.dataDir });
    nodes = config.nodes;
    dataDir = config.host.dataDir;
  } catch (err) {
    if (printConfigError(err)) return 2;
    throw err;
  }
  const res = await fetch(`${await hostEndpoint(dataDir)}/map`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nodes }),
  });
  const body = (await res.json()) as { version?: number; error?: string; problems?: string[] };
  if (!res.ok) {
    process.stderr.write(`narflow: the host refused the map: ${body.error ?? res.status}\n`);
    for (const p of body.problems ?? []) process.stderr.write(`  ${p}\n`);
    return 2;
  }
  process.stdout.write(`map version ${body.version} stored; the host applies it now\n`);
  return 0;
}
