/**
 * The contract between a supervisor and its children (see STYLE.md "OTP supervisor semantics").
 * A child is anything that can be started, asked to shut down, killed, and reports how it exited:
 * an actor's worker thread, or another supervisor.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';
export type ShutdownSpec = 'brutal_kill' | 'infinity' | number;
export type ChildType = 'worker' | 'supervisor';
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly exitCode?: number;
}

export type ExitReason =
  | { readonly kind: 'normal' }
  | { readonly kind: 'shutdown'; readonly detail?: unknown }
  | { readonly kind: 'killed' }
  | { readonly kind: 'abnormal'; readonly error: ErrorInfo };

export interface ChildHandle {
  /** Printable handle (thread id, "supervisor:<id>") used in reports. */
  readonly label: string;
  /** Settles exactly once, with how the child ended. Never rejects. */
  readonly exited: Promise<ExitReason>;
  /** Ask the child to stop in order (it runs its terminate and exits with `shutdown`). */
  requestShutdown(): void;
  /** Stop it now; nothing runs in the child. Its exit reason becomes `killed`. */
  kill(): void;
}

export type StartResult =
  | { readonly kind: 'started'; readonly handle: ChildHandle }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'error'; readonly reason: unknown };

export interface BackoffSpec {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** 0..1: the delay is spread by ±jitter×delay. */
  readonly jitter: number;
  /** Consecutive-restart count resets once the child stayed up this long (default: initialMs). */
  readonly resetAfterMs?: number;
}

export interface ChildSpec {
  readonly id: string;
  /** Starts the child and resolves only after its init finished. A throw counts as error. */
  readonly start: () => Promise<StartResult>;
  readonly restart?: RestartType;
  readonly shutdown?: ShutdownSpec;
  readonly type?: ChildType;
  /** narflow addition: delay before a restart (STYLE.md 3.11). No backoff when absent. */
  readonly backoff?: BackoffSpec;
}

export interface SupervisorFlags {
  readonly strategy?: Strategy;
  readonly intensity?: number;
  /** Seconds. */
  readonly period?: number;
  /** Default backoff for children whose spec has none. */
  readonly backoff?: BackoffSpec;
}
