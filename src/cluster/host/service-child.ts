/**
 * An in-process service (the admin server, the map watcher) as a supervised child: it is started
 * by the supervisor, stops in order on a shutdown request, and a failure it reports is an abnormal
 * exit, so the supervisor restarts it by policy like any actor.
 */
import type { ChildSpec, ExitReason, RestartType } from '../../actors/supervision/types.js';

export interface RunningService {
  stop(): Promise<void>;
  /** Rejects... never; resolves with an error if the service fails while running. */
  readonly failed: Promise<Error>;
}

export function serviceChild(
  id: string,
  start: () => Promise<RunningService>,
  restart: RestartType = 'permanent',
): ChildSpec {
  return {
    id,
    restart,
    shutdown: 10_000,
    type: 'worker',
    start: async () => {
      const svc = await start();
      let resolveExit: (r: ExitReason) => void = () => undefined;
      const exited = new Promise<ExitReason>((r) => (resolveExit = r));
      let ended = false;
      const end = (r: ExitReason): void => {
        if (ended) return;
        ended = true;
        resolveExit(r);
      };
      void svc.failed.then((err) =>
        end({ kind: 'abnormal', error: { name: err.name, message: err.message, stack: err.stack } }),
      );
      return {
        kind: 'started',
        handle: {
          label: `service:${id}`,
          exited,
          requestShutdown: () => {
            void svc.stop().then(
              () => end({ kind: 'shutdown' }),
              (err: Error) => end({ kind: 'abnormal', error: { name: err.name, message: err.message } }),
            );
          },
          kill: () => {
            void svc.stop().catch(() => undefined);
            end({ kind: 'killed' });
          },
        },
      };
    },
  };
}
