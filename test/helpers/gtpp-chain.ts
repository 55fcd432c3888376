/** `narflow run config/gtpp-chain.yaml` in a directory of its own, for end-to-end tests and soaks. */
import { join } from 'node:path';
import { ROOT } from './narflow-process.js';

/**
 * The arguments of `narflow run config/gtpp-chain.yaml` with its data under `dir/data`, its outputs
 * in `dir/out/cdr` and `dir/out/sessions`, the CDR-file input in `dir/in`, the gateway on `port`
 * (0: any) and the admin server on any port; `sets` are further `path=value` overrides, in order.
 * `root`: the checkout whose config is run (built into dist/, this module's own guess is dist/).
 */
export function gtppChainArgs(
  dir: string,
  port: number,
  sets: ReadonlyArray<readonly [string, string | number]> = [],
  root = ROOT,
): string[] {
  const all: ReadonlyArray<readonly [string, string | number]> = [
    ['nodes[gtpp].settings.listen.port', port],
    ['host.metrics.port', 0],
    ['nodes[cdr].settings.dir', join(dir, 'out', 'cdr')],
    ['nodes[sessions].settings.dir', join(dir, 'out', 'sessions')],
    ['nodes[cdr-files].settings.inputDir', join(dir, 'in')],
    ...sets,
  ];
  return [
    'run',
    join(root, 'config', 'gtpp-chain.yaml'),
    '--data-dir',
    join(dir, 'data'),
    ...all.flatMap(([path, value]) => ['--set', `${path}=${value}`]),
  ];
}
