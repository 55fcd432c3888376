/** `narflow loadgen radius`: NASes sending RADIUS accounting to a server, with a ground truth. */
export { runRadiusLoad, type NasReport, type RadiusLoadReport, type RunHooks } from './run.js';
export {
  DEFAULT_SECRET,
  fillRadiusLoadOptions,
  parseRadiusLoadArgs,
  type RadiusLoadInput,
  type RadiusLoadOptions,
} from './options.js';
export { radiusSummaryText, type RadiusSummary } from './summary.js';
export { computeTruth, RECORDS_HEADER, SESSIONS_HEADER, type Truth } from './truth.js';
