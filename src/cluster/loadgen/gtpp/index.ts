/** `narflow loadgen gtpp`: GSNs sending CDRs over GTP' to a charging gateway, with a ground truth. */
export { runGtppLoad, type GsnReport, type LoadReport, type RunHooks } from './run.js';
export {
  DEFAULT_MIX,
  fillGtppLoadOptions,
  parseGtppLoadArgs,
  type GtppLoadInput,
  type GtppLoadOptions,
} from './options.js';
export { computeTruth, Outcome, TRUTH_CDR_HEADER, TRUTH_SESSION_HEADER, type Truth } from './truth.js';
export type { LoadSummary, SeriesPoint } from '../stats.js';
