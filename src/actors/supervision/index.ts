export type {
  BackoffSpec,
  ChildHandle,
  ChildSpec,
  ChildType,
  ErrorInfo,
  ExitReason,
  RestartType,
  ShutdownSpec,
  StartResult,
  Strategy,
  SupervisorFlags,
} from './types.js';
export {
  SupervisorConfigError,
  validateChildSpec,
  validateSupervisor,
  type ConfigIssue,
  type FilledBackoff,
  type FilledChildSpec,
  type FilledFlags,
  type SupervisorConfigCode,
} from './child-spec.js';
export { systemClock, type Clock } from './clock.js';
export { RestartIntensity } from './intensity.js';
export { BackoffState, backoffWarnings, jittered, nominalDelay } from './backoff.js';
export { isCleanShutdown, shutdownChild, type ShutdownOutcome } from './shutdown.js';
export {
  SupervisorReporter,
  describeReason,
  type ChildDescription,
  type ReportObserver,
  type SupervisorReport,
} from './reports.js';
export {
  SupervisorOperationError,
  type ChildCounts,
  type ChildInfo,
  type ChildStartOutcome,
  type SupervisorOperationCode,
} from './management.js';
export {
  Supervisor,
  supervisorChildSpec,
  type FailedToStartChild,
  type SupervisorEnd,
  type SupervisorEndCause,
  type SupervisorOptions,
  type SupervisorStartResult,
} from './supervisor.js';
