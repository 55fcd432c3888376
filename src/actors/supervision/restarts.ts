/**
 * What a supervisor does when a child exits (STYLE.md 3.3), restart decisions with intensity
 * (3.5), the strategies with "try again" (3.4), and narflow's delayed starts (3.11).
 * Every method runs inside the supervisor's queue.
 */
import type { ChildRecord, ChildTable } from './children.js';
import type { FilledFlags } from './child-spec.js';
import type { Clock } from './clock.js';
import type { RestartIntensity } from './intensity.js';
import type { SupervisorReporter } from './reports.js';
import type { ChildHandle, ExitReason } from './types.js';

export interface RestartHost {
  readonly name: string;
  readonly flags: FilledFlags;
  readonly table: ChildTable;
  readonly clock: Clock;
  readonly reporter: SupervisorReporter;
  readonly intensity: RestartIntensity;
  /** False once a stop is pending or the supervisor ended: no restart or start proceeds then. */
  active(): boolean;
  /** Queues a step behind everything already queued. */
  internal(op: () => Promise<void>): void;
  /** Intensity exceeded and reported: stop every other child and end with `shutdown`. */
  giveUp(): Promise<void>;
}

export class Restarter {
  private nextToken = 0;

  constructor(private readonly host: RestartHost) {}

  /** 3.3: what a child's exit does, by reason class and restart type. */
  async handleExit(
    record: ChildRecord,
    handle: ChildHandle,
    reason: ExitReason,
    uptimeMs: number,
  ): Promise<void> {
    const { table } = this.host;
    const current = record.state.kind === 'running' && record.state.handle === handle && table.has(record);
    // A stale exit (the child was already terminated or replaced), or one during a stop: the stop judges it.
    if (!current || !this.host.active()) return;
    record.backoff?.noteUptime(uptimeMs);
    const restart = record.spec.restart;
    const abnormal = reason.kind === 'killed' || reason.kind === 'abnormal';
    if (restart === 'permanent' || (restart === 'transient' && abnormal)) {
      this.reportTerminated(record, reason);
      await this.restart(record);
      return;
    }
    if (abnormal) this.reportTerminated(record, reason);
    table.markStopped(record);
  }

  private reportTerminated(record: ChildRecord, reason: ExitReason): void {
    const offender = this.host.table.describe(record);
    this.host.reporter.emit({ kind: 'child_terminated', supervisor: this.host.name, reason, offender });
  }

  /** A restart decision (3.5): counted now; then the strategy runs, after the backoff delay if any. */
  private async restart(record: ChildRecord): Promise<void> {
    const { clock, table } = this.host;
    if (!this.host.intensity.record(clock.now())) {
      const offender = table.describe(record);
      const reason = 'reached_max_restart_intensity';
      this.host.reporter.emit({ kind: 'shutdown', supervisor: this.host.name, reason, offender });
      table.markStopped(record);
      await this.host.giveUp();
      return;
    }
    const delay = record.backoff?.nextDelay() ?? 0;
    if (delay <= 0) {
      await this.applyStrategy(record);
      return;
    }
    await this.terminateSiblings(record);
    if (!this.host.active()) return;
    const token = this.token();
    const timer = clock.setTimeout(() => this.host.internal(() => this.delayedStart(record, token)), delay);
    record.state = { kind: 'restarting', token, timer };
  }

  private async delayedStart(record: ChildRecord, token: number): Promise<void> {
    if (!this.pending(record, token)) return;
    this.host.table.cancelPending(record);
    await this.applyStrategy(record);
  }

  private async tryAgain(record: ChildRecord, token: number): Promise<void> {
    if (this.pending(record, token)) await this.restart(record);
  }

  /** The restart marked by `token` is still wanted (not cancelled by a terminate, delete or stop). */
  private pending(record: ChildRecord, token: number): boolean {
    const state = record.state;
    return (
      this.host.active() &&
      this.host.table.has(record) &&
      state.kind === 'restarting' &&
      state.token === token
    );
  }

  private token(): number {
    this.nextToken += 1;
    return this.nextToken;
  }

  private async applyStrategy(trigger: ChildRecord): Promise<void> {
    const { table, reporter } = this.host;
    await this.terminateSiblings(trigger);
    for (const record of this.toStart(trigger)) {
      if (!this.host.active()) return;
      if (!table.has(record) || record.state.kind === 'running') continue;
      const result = await table.start(record);
      if (result.kind === 'started') continue;
      if (result.kind === 'aborted') return;
      if (result.kind === 'ignore') {
        table.markStopped(record);
        continue;
      }
      // 3.4: report, mark restarting, leave the rest stopped, and try again after what is queued.
      const offender = table.describe(record);
      reporter.emit({ kind: 'start_error', supervisor: this.host.name, reason: result.reason, offender });
      const token = this.token();
      record.state = { kind: 'restarting', token, timer: undefined };
      this.host.internal(() => this.tryAgain(record, token));
      return;
    }
  }

  /** The children the strategy starts, in start order (one_for_all: every remaining child). */
  private toStart(trigger: ChildRecord): ChildRecord[] {
    const { flags, table } = this.host;
    if (flags.strategy === 'one_for_one') return [trigger];
    if (flags.strategy === 'rest_for_one') return [trigger, ...table.after(trigger)];
    return [...table.records];
  }

  /** The termination half of a strategy (3.4); the trigger itself is marked not running. */
  private async terminateSiblings(trigger: ChildRecord): Promise<void> {
    const { flags, table } = this.host;
    table.cancelPending(trigger);
    trigger.state = { kind: 'stopped' };
    if (flags.strategy === 'one_for_one') return;
    const others =
      flags.strategy === 'rest_for_one' ? table.after(trigger) : table.records.filter((r) => r !== trigger);
    await table.terminateReverse(others);
  }
}
