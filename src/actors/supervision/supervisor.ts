/**
 * An OTP supervisor (STYLE.md 3.3–3.8, plus narflow's restart backoff 3.11). Every operation —
 * child exits, management calls, "try again" and delayed starts — runs through one queue, one at
 * a time, as OTP handles one message at a time.
 */
import type { Logger } from 'pino';
import { ChildTable } from './children.js';
import { backoffWarnings } from './backoff.js';
import { validateSupervisor, type FilledFlags } from './child-spec.js';
import { systemClock, type Clock } from './clock.js';
import { RestartIntensity } from './intensity.js';
import * as ops from './management.js';
import {
  SupervisorOperationError,
  type ChildCounts,
  type ChildInfo,
  type ChildStartOutcome,
} from './management.js';
import { SupervisorReporter, type ReportObserver } from './reports.js';
import { Restarter } from './restarts.js';
import type { ChildHandle, ChildSpec, ExitReason, SupervisorFlags } from './types.js';

export interface SupervisorOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Returns [0, 1); spreads backoff delays. */
  readonly random?: () => number;
  readonly onReport?: ReportObserver;
}

export interface FailedToStartChild {
  readonly kind: 'failed_to_start_child';
  readonly id: string;
  readonly reason: unknown;
}

/** Compatible with `StartResult`, so a supervisor's start is a child's start. */
export type SupervisorStartResult =
  | { readonly kind: 'started'; readonly handle: ChildHandle }
  | { readonly kind: 'error'; readonly reason: ExitReason };

export type SupervisorEndCause =
  'stopped' | 'reached_max_restart_intensity' | 'failed_to_start' | 'killed' | 'crashed';

export interface SupervisorEnd {
  readonly cause: SupervisorEndCause;
  /** What its parent sees: `shutdown` (stopped, gave up, failed to start), `killed`, or abnormal. */
  readonly reason: ExitReason;
}

type Phase = 'idle' | 'starting' | 'running' | 'ended';

export class Supervisor {
  /** Settles once, when the supervisor has ended; `cause` tells a stop from giving up. */
  readonly ended: Promise<SupervisorEnd>;
  /** The exit reason as a parent supervisor sees it. */
  readonly exited: Promise<ExitReason>;
  private readonly flags: FilledFlags;
  private readonly table: ChildTable;
  private readonly intensity: RestartIntensity;
  private readonly clock: Clock;
  private readonly reporter: SupervisorReporter;
  private readonly logger: Logger;
  private phase: Phase = 'idle';
  private stopRequested = false;
  private killed = false;
  private queue: Promise<void> = Promise.resolve();
  private resolveEnd!: (end: SupervisorEnd) => void;
  private handle: ChildHandle | undefined;
  private readonly restarter: Restarter;

  constructor(
    readonly name: string,
    flags: SupervisorFlags,
    childSpecs: readonly ChildSpec[],
    options: SupervisorOptions,
  ) {
    const valid = validateSupervisor(name, flags, childSpecs);
    this.flags = valid.flags;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.reporter = new SupervisorReporter(options.logger, options.onReport);
    this.intensity = new RestartIntensity(valid.flags.intensity, valid.flags.period);
    this.table = new ChildTable({
      supervisor: name,
      clock: this.clock,
      random: options.random ?? Math.random,
      reporter: this.reporter,
      killed: () => this.killed,
      onExit: (record, handle, reason, uptimeMs) =>
        this.internal(() => this.restarter.handleExit(record, handle, reason, uptimeMs)),
    });
    this.restarter = new Restarter({
      name,
      flags: this.flags,
      table: this.table,
      clock: this.clock,
      reporter: this.reporter,
      intensity: this.intensity,
      active: () => this.active(),
      internal: (op) => this.internal(op),
      giveUp: () => this.giveUp(),
    });
    for (const spec of valid.children) this.table.records.push(this.table.create(spec));
    for (const warning of backoffWarnings(valid.flags, valid.children)) {
      this.logger.warn({ supervisor: name }, warning);
    }
    this.ended = new Promise((resolve) => (this.resolveEnd = resolve));
    this.exited = this.ended.then((end) => end.reason);
  }

  /** Starts the children in list order (3.6). On a failure the started ones are stopped in reverse order. */
  start(): Promise<SupervisorStartResult> {
    if (this.phase !== 'idle') {
      const msg = 'expected a supervisor that was never started';
      return Promise.reject(
        new SupervisorOperationError(this.name, 'supervisor_already_started', undefined, msg),
      );
    }
    this.phase = 'starting';
    return this.enqueue(() => this.startAll());
  }

  /** Stops the children in reverse start order, each by its shutdown spec; resolves once ended. */
  stop(): Promise<void> {
    if (this.phase === 'idle') this.finish({ kind: 'shutdown' }, 'stopped');
    if (this.phase !== 'ended' && !this.stopRequested) {
      this.stopRequested = true;
      for (const record of this.table.records) this.table.cancelPending(record);
      this.internal(async () => {
        if (this.phase === 'ended') return;
        await this.table.terminateReverse(this.table.records);
        this.finish({ kind: 'shutdown' }, 'stopped');
      });
    }
    return this.ended.then(() => undefined);
  }

  /** Kills every child at once, nothing in order; the supervisor ends with `killed`. */
  kill(): void {
    this.killAll({ kind: 'killed' }, 'killed');
  }

  /** This supervisor as a child of another supervisor (type `supervisor`). */
  asChild(): ChildHandle {
    this.handle ??= {
      label: `supervisor:${this.name}`,
      exited: this.exited,
      requestShutdown: () => void this.stop(),
      kill: () => this.kill(),
    };
    return this.handle;
  }

  startChild(spec: ChildSpec): Promise<ChildStartOutcome> {
    return this.call(() => ops.startChild(this.context(), spec));
  }

  terminateChild(id: string): Promise<void> {
    return this.call(() => ops.terminateChild(this.context(), id));
  }

  restartChild(id: string): Promise<ChildStartOutcome> {
    return this.call(() => ops.restartChild(this.context(), id));
  }

  deleteChild(id: string): Promise<void> {
    return this.call(async () => ops.deleteChild(this.context(), id));
  }

  whichChildren(): Promise<ChildInfo[]> {
    return this.enqueue(async () => ops.whichChildren(this.table));
  }

  countChildren(): Promise<ChildCounts> {
    return this.enqueue(async () => ops.countChildren(this.table));
  }

  private context(): ops.ManagementContext {
    return { supervisor: this.name, flags: this.flags, table: this.table };
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op);
    this.queue = run.then(
      () => undefined,
      () => undefined, // the rejection belongs to the caller of `run`
    );
    return run;
  }

  /** A management call: refused once the supervisor is not running or a stop is pending. */
  private call<T>(op: () => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      if (this.phase !== 'running' || this.stopRequested) {
        const msg = `expected a running supervisor, it is ${this.stopRequested ? 'stopping' : this.phase}`;
        throw new SupervisorOperationError(this.name, 'supervisor_not_running', undefined, msg);
      }
      return op();
    });
  }

  /** Queues an internal step; if it ever throws, the supervisor crashes (children killed). */
  private internal(op: () => Promise<void>): void {
    this.enqueue(op).catch((err: unknown) => {
      this.logger.error({ supervisor: this.name, err }, 'supervisor failed internally; killing its children');
      const error =
        err instanceof Error
          ? { name: err.name, message: err.message }
          : { name: 'Error', message: String(err) };
      this.killAll({ kind: 'abnormal', error }, 'crashed');
    });
  }

  /** No restart or delayed start proceeds once a stop is pending or the supervisor ended. */
  private active(): boolean {
    return this.phase === 'running' && !this.stopRequested && !this.killed;
  }

  private async startAll(): Promise<SupervisorStartResult> {
    for (const record of [...this.table.records]) {
      const result = await this.table.start(record);
      if (result.kind === 'started') continue;
      if (result.kind === 'ignore') {
        this.table.markStopped(record);
        continue;
      }
      if (result.kind === 'aborted') return { kind: 'error', reason: { kind: 'killed' } };
      const offender = this.table.describe(record);
      this.reporter.emit({ kind: 'start_error', supervisor: this.name, reason: result.reason, offender });
      await this.table.terminateReverse(this.table.records);
      const detail: FailedToStartChild = {
        kind: 'failed_to_start_child',
        id: record.spec.id,
        reason: result.reason,
      };
      this.finish({ kind: 'shutdown', detail }, 'failed_to_start');
      return { kind: 'error', reason: { kind: 'shutdown', detail } };
    }
    if (this.killed) return { kind: 'error', reason: { kind: 'killed' } };
    this.phase = 'running';
    return { kind: 'started', handle: this.asChild() };
  }

  /** 3.5: the failing child is already reported and dropped; stop the others in reverse order. */
  private async giveUp(): Promise<void> {
    this.stopRequested = true;
    for (const r of this.table.records) this.table.cancelPending(r);
    await this.table.terminateReverse(this.table.records);
    this.finish({ kind: 'shutdown' }, 'reached_max_restart_intensity');
  }

  private killAll(reason: ExitReason, cause: SupervisorEndCause): void {
    if (this.phase === 'ended' || this.killed) return;
    this.killed = true;
    this.stopRequested = true;
    const exits: Promise<unknown>[] = [];
    for (const record of this.table.records) {
      this.table.cancelPending(record);
      if (record.state.kind !== 'running') continue;
      const { handle } = record.state;
      try {
        handle.kill();
        exits.push(handle.exited);
      } catch (err) {
        const fields = { supervisor: this.name, child: record.spec.id, err };
        this.logger.error(fields, 'killing a child failed; the supervisor ends without waiting for it');
      }
    }
    const done = (): void => this.finish(reason, cause);
    void Promise.all(exits).then(done, done);
  }

  private finish(reason: ExitReason, cause: SupervisorEndCause): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    for (const record of this.table.records) this.table.cancelPending(record);
    this.resolveEnd({ cause, reason });
  }
}

/** A child spec whose start creates and starts a fresh supervisor each time (type `supervisor`). */
export function supervisorChildSpec(
  id: string,
  create: () => Supervisor,
  options: Pick<ChildSpec, 'restart' | 'shutdown' | 'backoff'> = {},
): ChildSpec {
  return { id, type: 'supervisor', ...options, start: () => create().start() };
}
