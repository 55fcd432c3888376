/**
 * The five supervisor reports (STYLE.md 3.9), written as pino events and handed to an optional
 * observer. `offender`/`started` describe the child as the supervisor knows it.
 */
import type { Logger } from 'pino';
import type { ChildType, ExitReason, RestartType, ShutdownSpec } from './types.js';

export interface ChildDescription {
  readonly id: string;
  /** The child's handle label; undefined when no process is running for it. */
  readonly handle: string | undefined;
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  readonly type: ChildType;
}

export type SupervisorReport =
  | { readonly kind: 'progress'; readonly supervisor: string; readonly started: ChildDescription }
  | {
      readonly kind: 'start_error';
      readonly supervisor: string;
      /** The start's error reason, or what it threw. */
      readonly reason: unknown;
      readonly offender: ChildDescription;
    }
  | {
      readonly kind: 'child_terminated';
      readonly supervisor: string;
      readonly reason: ExitReason;
      readonly offender: ChildDescription;
    }
  | {
      readonly kind: 'shutdown_error';
      readonly supervisor: string;
      readonly reason: ExitReason;
      readonly offender: ChildDescription;
    }
  | {
      readonly kind: 'shutdown';
      readonly supervisor: string;
      readonly reason: 'reached_max_restart_intensity';
      readonly offender: ChildDescription;
    };

export type ReportObserver = (report: SupervisorReport) => void;

const MESSAGES: Record<SupervisorReport['kind'], string> = {
  progress: 'supervisor started a child',
  start_error: 'supervisor could not start a child',
  child_terminated: 'supervised child terminated',
  shutdown_error: 'supervised child did not shut down cleanly',
  shutdown: 'supervisor reached its maximum restart intensity and shuts down',
};

/** Makes a start error reason loggable: errors become {name, message, stack}. */
export function describeReason(reason: unknown): unknown {
  if (reason instanceof Error) return { name: reason.name, message: reason.message, stack: reason.stack };
  return reason;
}

export class SupervisorReporter {
  constructor(
    private readonly logger: Logger,
    private readonly observer: ReportObserver | undefined,
  ) {}

  emit(report: SupervisorReport): void {
    const msg = MESSAGES[report.kind];
    if (report.kind === 'progress') {
      this.logger.info({ report: report.kind, supervisor: report.supervisor, started: report.started }, msg);
    } else {
      const { kind, supervisor, reason, offender } = report;
      this.logger.error({ report: kind, supervisor, reason: describeReason(reason), offender }, msg);
    }
    if (this.observer === undefined) return;
    try {
      this.observer(report);
    } catch (err) {
      this.logger.error(
        { report: report.kind, supervisor: report.supervisor, err },
        'supervisor report observer threw; the report was logged',
      );
    }
  }
}
