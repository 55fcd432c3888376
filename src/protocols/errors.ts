/**
 * Errors raised by pure codecs. `code` is bounded (it becomes a metric label unchanged);
 * `context` carries what a human needs to understand the failure.
 */
export type ProtocolName =
  | 'batch'
  | 'csv'
  | 'nar'
  | 'log-entry'
  | 'gtpp'
  | 'ber'
  | 'cdr'
  | 'cdr-file'
  | 'pcap'
  | 'radius'
  | 'netflow'
  | 'ipfix';

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly protocol: ProtocolName,
    readonly code: string,
    message: string,
    readonly offset = 0,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${protocol}: ${code} at offset ${offset}: ${message}`);
  }
}

export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  constructor(
    readonly protocol: ProtocolName,
    readonly code: string,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${protocol}: ${code}: ${message}`);
  }
}
