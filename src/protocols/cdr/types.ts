/** TS 32.298 PS-domain CDRs as decoded values: one shape for the five record types narflow reads. */

export const CDR_RECORD_TYPES = [
  'sgsnPDPRecord',
  'ggsnPDPRecord',
  'egsnPDPRecord',
  'sGWRecord',
  'pGWRecord',
] as const;
export type CdrRecordType = (typeof CDR_RECORD_TYPES)[number];

/** ChangeOfCharCondition: one traffic-volume container of `listOfTrafficVolumes`. */
export interface TrafficVolume {
  qosNegotiated?: string;
  dataVolumeUplink?: bigint;
  dataVolumeDownlink?: bigint;
  changeCondition?: number;
  changeTime?: string;
}

/** ChangeOfServiceCondition: one service-data container of `listOfServiceData` (S-GW/P-GW, eG-CDR). */
export interface ServiceData {
  ratingGroup?: number;
  chargingRuleBaseName?: string;
  resultCode?: number;
  localSequenceNumber?: number;
  timeOfFirstUsage?: string;
  timeOfLastUsage?: string;
  timeUsage?: number;
  /** BIT STRING content octets (first octet: unused bits), hex. */
  serviceConditionChange?: string;
  datavolumeFBCUplink?: bigint;
  datavolumeFBCDownlink?: bigint;
  timeOfReport?: string;
}

/**
 * One record; fields a record type does not carry are absent. Addresses are text (IPv4 dotted quad,
 * IPv6 RFC 5952); identities are digit strings; times are ISO 8601 with the record's UTC offset.
 * Where a record type names a field differently the common name is used:
 * - `ggsnAddress`: G-CDR/eG-CDR ggsnAddress [4]; S-CDR ggsnAddressUsed [11]; PGW-CDR p-GWAddress [4];
 *   SGW-CDR p-GWAddressUsed [36].
 * - `sgsnAddress`: G-CDR/eG-CDR sgsnAddress [6]; S-CDR sgsnAddress [5] (one); PGW-CDR and SGW-CDR
 *   servingNodeAddress [6] (the SGSNs/MMEs/S-GWs serving the bearer). `sGWAddress`: SGW-CDR s-GWAddress [4].
 * - `servedIMEI`: servedIMEISV of the G-CDR/eG-CDR. `servedPDPAddress`: servedPDPPDNAddress of S-GW/P-GW.
 * - `pdpType`: pdpPDNType of S-GW/P-GW. `servingNodePLMNIdentifier`: sgsnPLMNIdentifier of G-CDR/eG-CDR.
 */
export interface CdrRecord {
  recordType: CdrRecordType;
  servedIMSI?: string;
  servedIMEI?: string;
  servedMSISDN?: string;
  chargingID?: number;
  ggsnAddress?: string;
  sgsnAddress?: string[];
  sGWAddress?: string;
  /** S-GW/P-GW: ServingNodeType of each serving node (0 sGSN, 1 pMIPSGW, 2 gTPSGW, 3 ePDG, 4 hSGW, 5 mME, 6 tWAN). */
  servingNodeType?: number[];
  accessPointNameNI?: string;
  /** PDPType, 2 octets hex (organization, number; e.g. "f121" IPv4, "f157" IPv6, "f18d" IPv4v6). */
  pdpType?: string;
  /**
   * IPv4/IPv6 text; an iPBinV6AddressWithPrefix as "address/prefix-length"; an eTSIAddress (X.121)
   * as its digits.
   */
  servedPDPAddress?: string;
  dynamicAddressFlag?: boolean;
  listOfTrafficVolumes?: TrafficVolume[];
  listOfServiceData?: ServiceData[];
  recordOpeningTime?: string;
  duration?: number;
  causeForRecClosing?: number;
  /** Diagnostics CHOICE, the content octets of the field as hex (e.g. "800124": gsm0408Cause 36). */
  diagnostics?: string;
  recordSequenceNumber?: number;
  nodeID?: string;
  localSequenceNumber?: number;
  apnSelectionMode?: number;
  chargingCharacteristics?: string;
  rATType?: number;
  servingNodePLMNIdentifier?: string;
  /** Context tags the record type does not define (skipped, counted). */
  unknownFields: number;
}

export interface CdrLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
  /** Most containers in listOfTrafficVolumes or listOfServiceData. */
  readonly maxContainers: number;
}

export const DEFAULT_CDR_LIMITS: CdrLimits = { maxDepth: 16, maxElements: 20_000, maxContainers: 1024 };
