/** `narflow loadgen netflow`: simulated NetFlow v5/v9 and IPFIX exporters, with a ground truth. */
export { NETFLOW_USAGE, netflowLoadgen, netflowSummaryText, type NetflowOutcome } from './cli.js';
export { runNetflowLoad } from './run.js';
export type { NetflowLoadReport, NetflowProgress, NetflowRunHooks, SentPacket } from './report.js';
export {
  fillNetflowLoadOptions,
  parseNetflowLoadArgs,
  type NetflowLoadInput,
  type NetflowLoadOptions,
} from './options.js';
export { TRUTH_FLOW_COLUMNS, TRUTH_FLOW_HEADER } from './truth.js';
