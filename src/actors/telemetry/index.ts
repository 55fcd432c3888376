export {
  REDACTED,
  RateLimitedLog,
  TelemetryConfigError,
  actorLogger,
  createLogger,
  redactPaths,
  type ActorLogFields,
  type Logger,
  type LoggerConfig,
  type RateLimitOptions,
} from './logger.js';
export {
  HostMetrics,
  MAX_REASON_LABELS,
  MetricsInputError,
  OVERFLOW_REASON,
  type ActorStats,
  type HostMetricsOptions,
} from './metrics.js';
export {
  ActorRestarted,
  BackpressureChanged,
  CheckpointCommitted,
  RecordsQuarantined,
  emit,
  telemetrySink,
  type EventMetrics,
  type TelemetryEvent,
  type TelemetrySink,
} from './events.js';
