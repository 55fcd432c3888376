/**
 * A supervisor's children in start order, and the two primitives every operation is built from:
 * starting one child (with its progress report) and terminating one child by the shutdown protocol.
 */
import { BackoffState } from './backoff.js';
import type { FilledChildSpec } from './child-spec.js';
import type { Clock } from './clock.js';
import type { ChildDescription, SupervisorReporter } from './reports.js';
import { shutdownChild } from './shutdown.js';
import type { ChildHandle, ExitReason, StartResult } from './types.js';

export type ChildState =
  | { readonly kind: 'running'; readonly handle: ChildHandle; alive: boolean }
  /** A restart is pending: a "try again" is queued, or (with `timer`) a backoff delay runs. */
  | { readonly kind: 'restarting'; readonly token: number; timer: unknown }
  | { readonly kind: 'stopped' };

export interface ChildRecord {
  readonly spec: FilledChildSpec;
  state: ChildState;
  readonly backoff: BackoffState | undefined;
  /** Label of the most recent handle, kept for reports once the child is gone. */
  lastLabel: string | undefined;
}

export type StartAttempt = StartResult | { readonly kind: 'aborted' };

export interface ChildTableContext {
  readonly supervisor: string;
  readonly clock: Clock;
  readonly random: () => number;
  readonly reporter: SupervisorReporter;
  /** Called when a started child's exit promise settles; `uptimeMs` is how long it ran. */
  onExit(record: ChildRecord, handle: ChildHandle, reason: ExitReason, uptimeMs: number): void;
  /** True once the supervisor was killed: a child that finishes starting afterwards is killed at once. */
  killed(): boolean;
}

function isStartResult(value: unknown): value is StartResult {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'started' || kind === 'ignore' || kind === 'error';
}

export class ChildTable {
  readonly records: ChildRecord[] = [];

  constructor(private readonly ctx: ChildTableContext) {}

  create(spec: FilledChildSpec): ChildRecord {
    const backoff = spec.backoff === undefined ? undefined : new BackoffState(spec.backoff, this.ctx.random);
    return { spec, state: { kind: 'stopped' }, backoff, lastLabel: undefined };
  }

  find(id: string): ChildRecord | undefined {
    return this.records.find((r) => r.spec.id === id);
  }

  has(record: ChildRecord): boolean {
    return this.records.includes(record);
  }

  remove(record: ChildRecord): void {
    const index = this.records.indexOf(record);
    if (index >= 0) this.records.splice(index, 1);
  }

  /** Children started after `record`, in start order. */
  after(record: ChildRecord): ChildRecord[] {
    return this.records.slice(this.records.indexOf(record) + 1);
  }

  describe(record: ChildRecord): ChildDescription {
    const { id, restart, shutdown, type } = record.spec;
    const handle = record.state.kind === 'running' ? record.state.handle.label : record.lastLabel;
    return { id, handle, restart, shutdown, type };
  }

  /** Cancels a pending backoff start, if any. */
  cancelPending(record: ChildRecord): void {
    if (record.state.kind === 'restarting' && record.state.timer !== undefined) {
      this.ctx.clock.clearTimeout(record.state.timer);
      record.state.timer = undefined;
    }
  }

  /** The child is no longer running: a temporary child's spec is deleted, any other is kept "not running". */
  markStopped(record: ChildRecord): void {
    this.cancelPending(record);
    record.state = { kind: 'stopped' };
    if (record.spec.restart === 'temporary') this.remove(record);
  }

  /** Runs the child's start; a throw counts as an error. On success the child is running and reported. */
  async start(record: ChildRecord): Promise<StartAttempt> {
    let result: StartResult;
    try {
      const value: unknown = await record.spec.start();
      result = isStartResult(value) ? value : { kind: 'error', reason: { invalid_start_result: value } };
    } catch (err) {
      result = { kind: 'error', reason: err };
    }
    if (result.kind !== 'started') return result;
    const { handle } = result;
    if (this.ctx.killed()) {
      handle.kill();
      return { kind: 'aborted' };
    }
    this.attach(record, handle);
    this.ctx.reporter.emit({
      kind: 'progress',
      supervisor: this.ctx.supervisor,
      started: this.describe(record),
    });
    return result;
  }

  private attach(record: ChildRecord, handle: ChildHandle): void {
    const startedAt = this.ctx.clock.now();
    const state: ChildState = { kind: 'running', handle, alive: true };
    record.state = state;
    record.lastLabel = handle.label;
    const settle = (reason: ExitReason): void => {
      state.alive = false;
      this.ctx.onExit(record, handle, reason, this.ctx.clock.now() - startedAt);
    };
    handle.exited.then(settle, (err: unknown) =>
      settle({ kind: 'abnormal', error: { name: 'ExitPromiseRejected', message: String(err) } }),
    );
  }

  /**
   * Stops one child by its shutdown spec (3.7) and reports a `shutdown_error` when it ended badly.
   * A pending restart is cancelled. The record ends "not running" (temporary: deleted).
   */
  async terminate(record: ChildRecord): Promise<void> {
    const state = record.state;
    if (state.kind === 'running') {
      // Stays "running" until gone, so a kill of the supervisor meanwhile still reaches it.
      const offender = this.describe(record);
      const outcome = await shutdownChild(
        state.handle,
        record.spec.restart,
        record.spec.shutdown,
        this.ctx.clock,
      );
      if (!outcome.ok) {
        this.ctx.reporter.emit({
          kind: 'shutdown_error',
          supervisor: this.ctx.supervisor,
          reason: outcome.reason,
          offender,
        });
      }
    }
    this.markStopped(record);
  }

  /** Terminates `records` in reverse start order, one at a time; stops early only if the supervisor is killed. */
  async terminateReverse(records: readonly ChildRecord[]): Promise<void> {
    for (const record of [...records].reverse()) {
      if (this.ctx.killed()) return;
      await this.terminate(record);
    }
  }
}
