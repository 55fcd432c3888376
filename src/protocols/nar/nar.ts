/**
 * The NAR (network accounting record): a flat map of named attributes.
 * Attribute names come from one shared dictionary so every node type speaks the same words.
 */
export type AttributeValue = string | number | bigint | boolean | null;
export type Nar = Record<string, AttributeValue>;

export type AttributeType = 'string' | 'integer' | 'bigint' | 'number' | 'boolean' | 'ip' | 'timestamp';

export interface AttributeDefinition {
  readonly type: AttributeType;
  readonly description: string;
  /** Subscriber identifiers are redacted in logs. */
  readonly subscriberId?: true;
}

/** The shared attribute dictionary. Node types may use other names; these have fixed meaning. */
export const ATTRIBUTES: Readonly<Record<string, AttributeDefinition>> = {
  narId: { type: 'string', description: 'identifier of the NAR, unique per producing node' },
  recordType: {
    type: 'string',
    description: 'source record type, e.g. pGWRecord, sgsnPDPRecord, radiusAccounting, flow',
  },
  imsi: { type: 'string', description: 'IMSI of the served subscriber', subscriberId: true },
  msisdn: { type: 'string', description: 'MSISDN of the served subscriber', subscriberId: true },
  imei: { type: 'string', description: 'IMEI(SV) of the served equipment', subscriberId: true },
  chargingId: { type: 'integer', description: 'charging id of the PDP context / bearer' },
  ggsnAddress: { type: 'ip', description: 'GGSN or P-GW address' },
  sgsnAddress: { type: 'ip', description: 'SGSN or S-GW address' },
  apn: { type: 'string', description: 'access point name (network identifier)' },
  servedPdpAddress: { type: 'ip', description: 'address allocated to the subscriber' },
  recordSequenceNumber: { type: 'integer', description: 'partial record sequence number within a session' },
  localSequenceNumber: { type: 'integer', description: 'per-node local record sequence number' },
  causeForRecClosing: { type: 'integer', description: 'cause for record closing' },
  recordOpeningTime: { type: 'timestamp', description: 'record opening time, ISO 8601 with offset' },
  duration: { type: 'integer', description: 'duration in seconds' },
  uplinkBytes: { type: 'bigint', description: 'uplink volume in octets' },
  downlinkBytes: { type: 'bigint', description: 'downlink volume in octets' },
  nodeId: { type: 'string', description: 'identifier of the node that produced the CDR' },
  ratType: { type: 'integer', description: 'radio access technology type' },
  apnSelectionMode: {
    type: 'integer',
    description:
      'APN selection mode: 0 MS or network provided, subscription verified; 1 MS provided, 2 network provided, subscription not verified',
  },
  chargingCharacteristics: { type: 'string', description: 'charging characteristics, 2 octets as hex' },
  servingNodePlmnId: {
    type: 'string',
    description: 'PLMN of the serving node (SGSN/MME/S-GW), MCC and MNC digits, e.g. 26201',
  },
  containers: {
    type: 'integer',
    description: 'number of CDR containers (traffic-volume plus service-data containers)',
  },
  unknownFields: {
    type: 'integer',
    description: 'fields of the source record not known to the decoder (skipped)',
  },
  srcIp: { type: 'ip', description: 'flow source address' },
  dstIp: { type: 'ip', description: 'flow destination address' },
  srcPort: { type: 'integer', description: 'flow source port' },
  dstPort: { type: 'integer', description: 'flow destination port' },
  protocol: { type: 'integer', description: 'IP protocol number' },
  bytes: { type: 'bigint', description: 'octets' },
  packets: { type: 'bigint', description: 'packets' },
  flowStart: { type: 'timestamp', description: 'first packet of the flow, ISO 8601 UTC with milliseconds' },
  flowEnd: { type: 'timestamp', description: 'last packet of the flow, ISO 8601 UTC with milliseconds' },
  tcpFlags: { type: 'integer', description: 'TCP flags seen in the flow (OR of all packets)' },
  tos: { type: 'integer', description: 'IP type of service / DSCP octet' },
  exporter: { type: 'ip', description: 'NetFlow/IPFIX exporter: the source address of its export packets' },
  observationDomainId: {
    type: 'integer',
    description: 'IPFIX observation domain, NetFlow v9 source id, v5 engine type and id (type << 8 | id)',
  },
  ingressInterface: { type: 'integer', description: 'SNMP ifIndex the flow came in on' },
  egressInterface: { type: 'integer', description: 'SNMP ifIndex the flow went out on' },
  srcAs: { type: 'integer', description: 'BGP source AS number' },
  dstAs: { type: 'integer', description: 'BGP destination AS number' },
  nextHop: { type: 'ip', description: 'IP next hop of the flow' },
  samplingInterval: { type: 'integer', description: 'packet sampling interval N (1 out of N) of the flow' },
  sampled: { type: 'boolean', description: 'bytes and packets were scaled up by the sampling interval' },
  acctSessionId: { type: 'string', description: 'RADIUS Acct-Session-Id' },
  acctMultiSessionId: { type: 'string', description: 'RADIUS Acct-Multi-Session-Id' },
  acctStatusType: {
    type: 'string',
    description:
      'RADIUS Acct-Status-Type name: Start, Interim-Update, Stop, Accounting-On, Accounting-Off, …',
  },
  userName: { type: 'string', description: 'RADIUS User-Name', subscriberId: true },
  callingStationId: { type: 'string', description: 'RADIUS Calling-Station-Id', subscriberId: true },
  calledStationId: { type: 'string', description: 'RADIUS Called-Station-Id (e.g. the APN)' },
  nasIpAddress: { type: 'ip', description: 'RADIUS NAS-IP-Address' },
  nasIpv6Address: { type: 'ip', description: 'RADIUS NAS-IPv6-Address' },
  nasIdentifier: { type: 'string', description: 'RADIUS NAS-Identifier' },
  nasPort: { type: 'integer', description: 'RADIUS NAS-Port' },
  nasPortType: { type: 'integer', description: 'RADIUS NAS-Port-Type' },
  clientAddress: { type: 'ip', description: 'source address the request came from (the RADIUS client)' },
  framedIpAddress: { type: 'ip', description: 'RADIUS Framed-IP-Address (the subscriber address)' },
  inputOctets: {
    type: 'bigint',
    description: 'RADIUS Acct-Input-Octets with Acct-Input-Gigawords folded in',
  },
  outputOctets: {
    type: 'bigint',
    description: 'RADIUS Acct-Output-Octets with Acct-Output-Gigawords folded in',
  },
  inputPackets: { type: 'integer', description: 'RADIUS Acct-Input-Packets' },
  outputPackets: { type: 'integer', description: 'RADIUS Acct-Output-Packets' },
  sessionTime: { type: 'integer', description: 'RADIUS Acct-Session-Time, seconds' },
  terminateCause: { type: 'string', description: 'RADIUS Acct-Terminate-Cause name' },
  eventTimestamp: { type: 'timestamp', description: 'RADIUS Event-Timestamp, ISO 8601 UTC' },
  acctDelayTime: { type: 'integer', description: 'RADIUS Acct-Delay-Time, seconds' },
  acctAuthentic: { type: 'integer', description: 'RADIUS Acct-Authentic' },
  imeisv: { type: 'string', description: '3GPP-IMEISV of the served equipment', subscriberId: true },
};

/** Attribute names redacted in logs. */
export const SUBSCRIBER_ID_ATTRIBUTES: readonly string[] = Object.entries(ATTRIBUTES)
  .filter(([, d]) => d.subscriberId === true)
  .map(([name]) => name);

export function isAttributeValue(v: unknown): v is AttributeValue {
  const t = typeof v;
  return v === null || t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean';
}
