/** Columns of the ground truth's `cdr.csv`: those of config/gtpp-chain.yaml's `cdr` output. */
export const TRUTH_CDR_COLUMNS = [
  'recordType',
  'imsi',
  'chargingId',
  'ggsnAddress',
  'sgsnAddress',
  'apn',
  'servedPdpAddress',
  'recordSequenceNumber',
  'causeForRecClosing',
  'recordOpeningTime',
  'duration',
  'uplinkBytes',
  'downlinkBytes',
] as const;
