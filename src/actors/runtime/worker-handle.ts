/**
 * Host side of one actor's worker thread: spawn, ready handshake with a start timeout, and the
 * mapping of how the thread ended to an OTP exit reason (STYLE.md 3.11):
 *   posted stopped{normal} then exited        → normal
 *   exited after the host's shutdown request   → shutdown
 *   terminated by the host (kill)              → killed
 *   uncaught error, or exit without `stopped`  → abnormal (error name, message, exit code)
 */
import { Worker } from 'node:worker_threads';
import { builtSibling } from './built-module.js';
import type { ChildHandle, ErrorInfo, ExitReason, StartResult } from '../supervision/types.js';
import type { ActorWorkerData, HostToWorker, WorkerToHost } from './protocol.js';

export class ActorStartError extends Error {
  override readonly name = 'ActorStartError';
  constructor(
    readonly code: 'start_timeout' | 'start_failed',
    readonly actorId: string,
    message: string,
  ) {
    super(`actor ${actorId}: ${message}`);
  }
}

/** The compiled worker entry (tests run TypeScript sources, workers always run the built JS). */
export function workerEntryUrl(): URL {
  return builtSibling(import.meta.url, 'worker-entry');
}

export interface ActorWorker extends ChildHandle {
  readonly threadId: number;
  send(m: HostToWorker): void;
}

export interface SpawnOptions {
  readonly startTimeoutMs: number;
  readonly onMessage: (m: WorkerToHost) => void;
}

export function spawnActor(data: ActorWorkerData, opts: SpawnOptions): Promise<StartResult> {
  return new Promise<StartResult>((resolveStart) => {
    const worker = new Worker(workerEntryUrl(), { workerData: data, stdout: false, stderr: false });
    let ready = false;
    let stoppedReason: 'normal' | 'shutdown' | undefined;
    let stoppedDetail: string | undefined;
    let shutdownRequested = false;
    let killed = false;
    let lastError: ErrorInfo | undefined;
    let resolveExit: (r: ExitReason) => void = () => undefined;
    const exited = new Promise<ExitReason>((r) => (resolveExit = r));

    const handle: ActorWorker = {
      label: `thread:${worker.threadId}`,
      threadId: worker.threadId,
      exited,
      requestShutdown() {
        shutdownRequested = true;
        worker.postMessage({ type: 'shutdown' } satisfies HostToWorker);
      },
      kill() {
        killed = true;
        void worker.terminate();
      },
      send(m: HostToWorker) {
        const transfer = m.type === 'connect-in' || m.type === 'connect-out' ? [m.port] : [];
        worker.postMessage(m, transfer);
      },
    };

    const timer = setTimeout(() => {
      if (ready) return;
      killed = true;
      void worker.terminate();
      resolveStart({
        kind: 'error',
        reason: new ActorStartError(
          'start_timeout',
          data.actorId,
          `not ready within ${opts.startTimeoutMs} ms`,
        ),
      });
    }, opts.startTimeoutMs);

    worker.on('message', (m: WorkerToHost) => {
      if (m.type === 'ready' && !ready) {
        ready = true;
        clearTimeout(timer);
        resolveStart({ kind: 'started', handle });
      } else if (m.type === 'stopped') {
        stoppedReason = m.reason;
        stoppedDetail = m.detail;
      } else if (m.type === 'crashed') {
        lastError = m.error;
      }
      opts.onMessage(m);
    });
    worker.on('error', (err: Error) => {
      lastError ??= { name: err.name, message: err.message, stack: err.stack };
    });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      let reason: ExitReason;
      if (killed && stoppedReason === undefined) reason = { kind: 'killed' };
      else if (stoppedReason === 'normal') reason = { kind: 'normal' };
      else if (stoppedReason === 'shutdown' && stoppedDetail !== undefined)
        reason = { kind: 'shutdown', detail: stoppedDetail };
      else if (stoppedReason === 'shutdown' || (shutdownRequested && code === 0))
        reason = { kind: 'shutdown' };
      else {
        reason = {
          kind: 'abnormal',
          error: lastError ?? {
            name: 'WorkerExit',
            message: `worker exited with code ${code}`,
            exitCode: code,
          },
        };
      }
      if (!ready) {
        resolveStart({
          kind: 'error',
          reason: new ActorStartError(
            'start_failed',
            data.actorId,
            reason.kind === 'abnormal' ? reason.error.message : `exited during start (${reason.kind})`,
          ),
        });
      }
      resolveExit(reason);
    });
  });
}
