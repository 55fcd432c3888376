/**
 * Shutting down one child (STYLE.md 3.7). The exit promise is held before anything is sent, so a
 * child that already died, or dies on its own meanwhile, never hangs the supervisor.
 */
import type { Clock } from './clock.js';
import type { ChildHandle, ExitReason, RestartType, ShutdownSpec } from './types.js';

export type ShutdownOutcome =
  | { readonly ok: true; readonly reason: ExitReason }
  /** `reason` goes into a `shutdown_error` report. */
  | { readonly ok: false; readonly reason: ExitReason };

/**
 * 3.7 step 5: `shutdown` is fine; `normal` and `{shutdown, _}` only for a non-permanent child;
 * `killed` only under `brutal_kill` (a child killed after its timeout is an error); anything else
 * is an error.
 */
export function isCleanShutdown(reason: ExitReason, restart: RestartType, shutdown: ShutdownSpec): boolean {
  switch (reason.kind) {
    case 'shutdown':
      return reason.detail === undefined || restart !== 'permanent';
    case 'normal':
      return restart !== 'permanent';
    case 'killed':
      return shutdown === 'brutal_kill';
    case 'abnormal':
      return false;
  }
}

function errorReason(err: unknown): ExitReason {
  const error =
    err instanceof Error
      ? { name: err.name, message: err.message, stack: err.stack }
      : { name: 'Error', message: String(err) };
  return { kind: 'abnormal', error };
}

/**
 * Stops `handle` according to its shutdown spec and judges how it ended. A child whose
 * `requestShutdown` throws is killed at once, and the throw is the reported reason.
 */
export async function shutdownChild(
  handle: ChildHandle,
  restart: RestartType,
  shutdown: ShutdownSpec,
  clock: Clock,
): Promise<ShutdownOutcome> {
  const exited = handle.exited.then(
    (reason) => reason,
    (err: unknown) => errorReason(err),
  );
  if (shutdown === 'brutal_kill') {
    handle.kill();
    return judge(await exited, restart, shutdown);
  }
  try {
    handle.requestShutdown();
  } catch (err) {
    handle.kill();
    await exited;
    return { ok: false, reason: errorReason(err) };
  }
  if (shutdown === 'infinity') return judge(await exited, restart, shutdown);
  let timer: unknown;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimeout(() => resolve('timeout'), shutdown);
  });
  const first = await Promise.race([exited, timedOut]);
  clock.clearTimeout(timer);
  if (first !== 'timeout') return judge(first, restart, shutdown);
  handle.kill();
  return judge(await exited, restart, shutdown);
}

function judge(reason: ExitReason, restart: RestartType, shutdown: ShutdownSpec): ShutdownOutcome {
  return { ok: isCleanShutdown(reason, restart, shutdown), reason };
}
