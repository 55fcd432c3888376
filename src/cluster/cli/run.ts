/** `narflow run`: runs a pipeline in the foreground until SIGTERM/SIGINT, idle exit, or a give-up. */
import { LayoutFileError } from '../host/key-group-layout.js';
import { startHost } from '../host/process.js';
import { RepartitionError } from '../host/repartition.js';
import { printConfigError } from './validate.js';

export interface RunOptions {
  readonly file: string;
  readonly dataDir: string | undefined;
  readonly sets: readonly string[];
  readonly idleExitSeconds: number | undefined;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  let host;
  try {
    host = await startHost(opts);
  } catch (err) {
    if (printConfigError(err)) return 2;
    if (err instanceof RepartitionError || err instanceof LayoutFileError) {
      process.stderr.write(`narflow: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const code = await host.done;
  // Worker threads and sockets are closed; leave promptly even if a stray handle remains.
  setTimeout(() => process.exit(code), 200).unref();
  return code;
}
