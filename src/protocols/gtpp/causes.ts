/**
 * Cause IE values used by GTP'. Numbers and names follow TS 32.295 §6.2.4.1 and TS 29.060 §7.7.1
 * (Wireshark `packet-gtp.c` `cause_type` agrees). TS 29.060 classes them: 0–127 request causes
 * (49–63 reserved for GTP'), 128–191 acceptance (177–191 for GTP'), 192–255 rejection
 * (241–255 for GTP').
 */
export const Cause = {
  // Request causes (Redirection Request).
  RequestSystemFailure: 59,
  TransmitBuffersBecomingFull: 60,
  ReceiveBuffersBecomingFull: 61,
  AnotherNodeAboutToGoDown: 62,
  ThisNodeAboutToGoDown: 63,
  // Acceptance.
  RequestAccepted: 128,
  CdrDecodingError: 177,
  // Rejection (TS 29.060).
  NonExistent: 192,
  InvalidMessageFormat: 193,
  VersionNotSupported: 198,
  NoResourcesAvailable: 199,
  ServiceNotSupported: 200,
  MandatoryIeIncorrect: 201,
  MandatoryIeMissing: 202,
  OptionalIeIncorrect: 203,
  SystemFailure: 204,
  // Rejection (GTP' only).
  RequestRelatedToPossiblyDuplicatedPacketsAlreadyFulfilled: 252,
  RequestAlreadyFulfilled: 253,
  SequenceNumbersOfReleasedCancelledPacketsIncorrect: 254,
  RequestNotFulfilled: 255,
} as const;
export type CauseValue = (typeof Cause)[keyof typeof Cause];

const NAMES: ReadonlyMap<number, string> = new Map([
  [59, 'System failure'],
  [60, 'The transmit buffers are becoming full'],
  [61, 'The receive buffers are becoming full'],
  [62, 'Another node is about to go down'],
  [63, 'This node is about to go down'],
  [128, 'Request accepted'],
  [177, 'CDR decoding error'],
  [192, 'Non-existent'],
  [193, 'Invalid message format'],
  [198, 'Version not supported'],
  [199, 'No resources available'],
  [200, 'Service not supported'],
  [201, 'Mandatory IE incorrect'],
  [202, 'Mandatory IE missing'],
  [203, 'Optional IE incorrect'],
  [204, 'System failure'],
  [252, 'Request related to possibly duplicated packets already fulfilled'],
  [253, 'Request already fulfilled'],
  [254, 'Sequence numbers of released/cancelled packets IE incorrect'],
  [255, 'Request not fulfilled'],
]);

/** The standard's name for a cause value, or a description of its class when GTP' does not use it. */
export function causeName(c: number): string {
  const name = NAMES.get(c);
  if (name !== undefined) return name;
  if (!Number.isInteger(c) || c < 0 || c > 255) return `invalid cause (${c})`;
  if (c < 128) return `unknown request cause (${c})`;
  if (c < 192) return `unknown acceptance cause (${c})`;
  return `unknown rejection cause (${c})`;
}

/** True for the acceptance range 128–191 (TS 29.060 §7.7.1): the request was taken. */
export function causeIsAcceptance(c: number): boolean {
  return c >= 128 && c <= 191;
}

/** DecodeError codes of a Data Record Transfer Request → the cause it is answered with. */
export function causeForDecodeError(code: string): number {
  switch (code) {
    case 'mandatory_ie_missing':
      return Cause.MandatoryIeMissing;
    case 'mandatory_ie_incorrect':
      return Cause.MandatoryIeIncorrect;
    case 'optional_ie_incorrect':
      return Cause.OptionalIeIncorrect;
    default:
      return Cause.InvalidMessageFormat;
  }
}
