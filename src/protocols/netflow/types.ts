/**
 * Shapes shared by the NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) codecs.
 */
import type { DecodeError } from '../errors.js';

/**
 * A decoded field value: unsigned/signed integers as numbers (bigint above 2^53 − 1), floats as
 * numbers, booleans, and strings for addresses, MACs (aa:bb:…), ISO 8601 UTC times, UTF-8 text and
 * hex octets. Every variant is a NAR attribute value.
 */
export type FlowValue = number | bigint | string | boolean;

export type FlowVersion = 5 | 9 | 10;

/** One decoded data record (a flow, or an options record). */
export interface FlowRecord {
  version: FlowVersion;
  /** The exporter as the caller named it (usually its address, maybe with the port). */
  exporter: string;
  /**
   * IPFIX Observation Domain ID, v9 Source ID; for v5 `(engine_type << 8) | engine_id`, the pair
   * that identifies a v5 flow-switching engine and its flow_sequence counter.
   */
  observationDomainId: number;
  /** The message's sequence number (flow_sequence of the packet for v5). */
  sequence: number;
  /** The template the record was decoded with; 0 for v5 (fixed format). */
  templateId: number;
  /** Flow start and end, ISO 8601 UTC with milliseconds, when the record's fields give them. */
  flowStart?: string;
  flowEnd?: string;
  /**
   * The packet sampling interval N (1 out of N) that applies to the record, when known: a field of
   * the record, an options record learned for its sampler or domain, or the v5 header.
   */
  samplingInterval?: number;
  /** Field values by IE name; unknown IEs by number ("123"), enterprise IEs as "e<pen>.<id>". */
  fields: Record<string, FlowValue>;
}

export interface V5Header {
  version: 5;
  count: number;
  /** Milliseconds since the exporter booted. */
  sysUptime: number;
  unixSecs: number;
  unixNsecs: number;
  flowSequence: number;
  engineType: number;
  engineId: number;
  /** The two mode bits of sampling_interval: 0 none, 1 deterministic, 2 random. */
  samplingMode: number;
  /** The 14-bit interval of sampling_interval. */
  samplingInterval: number;
}

export interface V9Header {
  version: 9;
  /** Records in the packet as the exporter counted them; not checked (exporters disagree). */
  count: number;
  sysUptime: number;
  unixSecs: number;
  sequence: number;
  sourceId: number;
}

export interface IpfixHeader {
  version: 10;
  length: number;
  /** Export time, seconds since the Unix epoch. */
  exportTime: number;
  sequence: number;
  observationDomainId: number;
}

/** A data set whose template was not known: kept so the caller can hold it and retry. */
export interface PendingSet {
  version: 9 | 10;
  exporter: string;
  observationDomainId: number;
  templateId: number;
  /** The header of the message it came in (its times anchor relative timestamps). */
  header: V9Header | IpfixHeader;
  /** A copy of the set content after the 4-octet set header (records and padding). */
  bytes: Uint8Array;
}

export interface MessageCounters {
  /** Field occurrences of IEs not in the registry subset (kept as hex under their number). */
  unknownFields: number;
  /** Field occurrences of enterprise-specific IEs (kept under "e<pen>.<id>"). */
  enterpriseFields: number;
  /** Sets with a reserved set id (v9 2–255, IPFIX 0, 1, 4–255), skipped. */
  unknownSets: number;
  /** Template withdrawals for templates not in the cache. */
  unknownWithdrawals: number;
  /** Trailing octets of sets too short for another record (padding). */
  paddingOctets: number;
}

/** What decodeV9 and decodeIpfix return. */
export interface FlowMessage<H extends V9Header | IpfixHeader> {
  header: H;
  /** Data records decoded with data templates. */
  records: FlowRecord[];
  /** Data records decoded with options templates (also applied to the cache's sampling state). */
  optionRecords: FlowRecord[];
  /** Data sets whose template is unknown. */
  pending: PendingSet[];
  templatesLearned: number;
  templatesWithdrawn: number;
  /**
   * Data records the message carried that were decoded (flows and options). IPFIX sequence numbers
   * count these; when `pending` is not empty the true count is unknown.
   */
  dataRecords: number;
  /** Problems confined to one set: that set's rest was skipped, the other sets were decoded. */
  errors: DecodeError[];
  /** Per set an error stopped: what of it was not decoded (from the error on), for the quarantine. */
  skipped: SkippedSet[];
  counters: MessageCounters;
}

/**
 * The part of a set left undecoded by an error: from the failing template or record to the end of
 * the set. Quarantined as a datagram of its own, a replay decodes exactly this part, never the
 * records and templates decoded before it.
 */
export interface SkippedSet {
  setId: number;
  /** A copy of the undecoded content (no set header). */
  bytes: Uint8Array;
  error: DecodeError;
}

/** Decoder caps; checked before anything is allocated from a length read off the wire. */
export interface NetflowLimits {
  /** Most fields in one template (RFC 7011 allows 65535; real templates use fewer than 100). */
  maxFieldsPerTemplate: number;
  /** Largest message accepted (one UDP datagram at most). */
  maxMessageBytes: number;
}

export const DEFAULT_NETFLOW_LIMITS: Readonly<NetflowLimits> = Object.freeze({
  maxFieldsPerTemplate: 512,
  maxMessageBytes: 65_535,
});

/** Codes of DecodeErrors raised or collected by the NetFlow and IPFIX decoders. */
export type NetflowErrorCode =
  | 'truncated'
  | 'bad_version'
  | 'message_too_large'
  | 'length_mismatch'
  | 'bad_count'
  | 'count_mismatch'
  | 'bad_set_length'
  | 'set_overrun'
  | 'bad_template_id'
  | 'template_overrun'
  | 'field_count_limit'
  | 'bad_scope'
  | 'bad_options_template'
  | 'empty_template'
  | 'record_overrun'
  | 'bad_snapshot';
