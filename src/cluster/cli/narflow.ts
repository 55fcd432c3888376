/**
 * The `narflow` command line: run, validate, apply, status, quarantine list|replay, schema, demo, loadgen.
 */
import { parseArgs } from 'node:util';
import { runCommand } from './run.js';
import { validateCommand, schemaCommand } from './validate.js';
import { statusCommand } from './status.js';
import { quarantineCommand } from './quarantine.js';
import { demoCommand } from './demo.js';
import { UsageError } from './usage-error.js';
import { applyCommand } from './apply.js';
import { loadgenCommand } from './loadgen.js';

const USAGE = `usage:
  narflow run <config.yaml> [--data-dir DIR] [--set path=value]... [--idle-exit SECONDS]
  narflow validate <config.yaml> [--set path=value]...
  narflow apply <config.yaml> [--data-dir DIR] [--set path=value]...   (live change of the running map)
  narflow status [--data-dir DIR] [--json]
  narflow quarantine list [--data-dir DIR] [--node ID] [--reason R] [--json]
  narflow quarantine replay <config.yaml> [--data-dir DIR] [--node ID] [--reason R] [--id ID]...
  narflow schema
  narflow demo [--data-dir DIR] [--records N]
  narflow loadgen gtpp [--target HOST:PORT] [--gsns N] [--rate N] [--shape S] [--duration D] [--out DIR] ...  (--help for all)
  narflow loadgen radius [--target HOST:PORT] [--nases N] [--sessions N] [--dup-rate R] [--rate N] [--out DIR] ...  (--help for all)
  narflow loadgen netflow [--target HOST:PORT] [--version 5|9|10] [--exporters N] [--flows N] [--rate N] [--out DIR] ...  (--help for all)`;

async function main(argv: string[]): Promise<number> {
  // The load generator has its own options; the shared parser below would reject them.
  if (argv[0] === 'loadgen') return loadgenCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      set: { type: 'string', multiple: true },
      'idle-exit': { type: 'string' },
      json: { type: 'boolean' },
      node: { type: 'string' },
      reason: { type: 'string' },
      id: { type: 'string', multiple: true },
      records: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const dataDir = values['data-dir'];
  const sets = values.set ?? [];
  switch (command) {
    case 'run': {
      const file = rest[0];
      if (file === undefined) throw new UsageError('run: a config file is required');
      const idle = values['idle-exit'];
      const idleExitSeconds = idle === undefined ? undefined : Number(idle);
      if (idleExitSeconds !== undefined && !(idleExitSeconds >= 0)) {
        throw new UsageError(`--idle-exit: expected a number of seconds >= 0, got ${JSON.stringify(idle)}`);
      }
      return runCommand({ file, dataDir, sets, idleExitSeconds });
    }
    case 'validate': {
      const file = rest[0];
      if (file === undefined) throw new UsageError('validate: a config file is required');
      return validateCommand({ file, sets, dataDir });
    }
    case 'apply': {
      const file = rest[0];
      if (file === undefined) throw new UsageError('apply: a config file is required');
      return applyCommand({ file, dataDir, sets });
    }
    case 'schema':
      return schemaCommand();
    case 'status':
      return statusCommand({ dataDir: dataDir ?? './data', json: values.json === true });
    case 'quarantine':
      return quarantineCommand(rest, {
        dataDir,
        node: values.node,
        reason: values.reason,
        ids: values.id,
        json: values.json === true,
        sets,
      });
    case 'demo': {
      const records = values.records === undefined ? 100_000 : Number(values.records);
      if (!Number.isSafeInteger(records) || records < 1) {
        throw new UsageError(`--records: expected a positive integer, got ${JSON.stringify(values.records)}`);
      }
      return demoCommand({ dataDir: dataDir ?? './data/demo', records });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    if (err instanceof UsageError) {
      process.stderr.write(`narflow: ${err.message}\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`narflow: ${err.message}\n`);
    process.exitCode = 1;
  },
);
