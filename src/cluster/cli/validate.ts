/** `narflow validate` and `narflow schema`. */
import { loadRegistry } from '../../actors/nodes/load.js';
import { ConfigError, configJsonSchema, loadConfig } from '../config/index.js';

export function printConfigError(err: unknown): boolean {
  if (!(err instanceof ConfigError)) return false;
  process.stderr.write(`narflow: the configuration is not valid (${err.issues.length} problem(s)):\n`);
  for (const issue of err.issues) process.stderr.write(`  ${issue.message}\n`);
  return true;
}

export async function validateCommand(opts: {
  file: string;
  sets: readonly string[];
  dataDir: string | undefined;
}): Promise<number> {
  const registry = await loadRegistry([]);
  try {
    const config = await loadConfig(opts.file, { registry, sets: [...opts.sets], dataDir: opts.dataDir });
    for (const w of config.warnings) process.stdout.write(`warning: ${w}\n`);
    process.stdout.write(`${opts.file}: valid (${config.nodes.length} nodes)\n`);
    return 0;
  } catch (err) {
    if (printConfigError(err)) return 2;
    throw err;
  }
}

export async function schemaCommand(): Promise<number> {
  const registry = await loadRegistry([]);
  process.stdout.write(`${JSON.stringify(configJsonSchema(registry), null, 2)}\n`);
  return 0;
}
