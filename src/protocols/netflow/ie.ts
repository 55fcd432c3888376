/**
 * The IPFIX information-element subset narflow names, as data (IANA "IPFIX Information Elements"
 * registry, RFC 7012 / RFC 5102 / RFC 5477; numbers checked against the registry's CSV export).
 * NetFlow v9 field types 1–127 are the same numbers (RFC 3954 §8; IANA keeps 34–35, 38–39 and 48–51
 * "for NetFlow v9 compatibility" under the names below). v9 exporters that send types ≥ 128 use the
 * IANA numbers too (Cisco's "IPFIX-registered" fields), so one table serves both protocols.
 *
 * An element absent here is still decoded: its value is kept as hex under its number (see plan.ts).
 */

/** RFC 7011 §6.1 abstract data types (RFC 6313 list types are kept as octetArray hex). */
export type DataType =
  | 'octetArray'
  | 'unsigned8'
  | 'unsigned16'
  | 'unsigned32'
  | 'unsigned64'
  | 'signed8'
  | 'signed16'
  | 'signed32'
  | 'signed64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'macAddress'
  | 'string'
  | 'dateTimeSeconds'
  | 'dateTimeMilliseconds'
  | 'dateTimeMicroseconds'
  | 'dateTimeNanoseconds'
  | 'ipv4Address'
  | 'ipv6Address';

export interface InformationElement {
  readonly id: number;
  readonly name: string;
  readonly type: DataType;
  /** The natural encoding length in octets; 65535 = variable length (RFC 7011 §7). */
  readonly length: number;
}

/** The field length that announces variable-length encoding (RFC 7011 §7). */
export const VARIABLE_LENGTH = 65535;

const NATURAL_LENGTH: Readonly<Record<DataType, number>> = {
  octetArray: VARIABLE_LENGTH,
  unsigned8: 1,
  unsigned16: 2,
  unsigned32: 4,
  unsigned64: 8,
  signed8: 1,
  signed16: 2,
  signed32: 4,
  signed64: 8,
  float32: 4,
  float64: 8,
  boolean: 1,
  macAddress: 6,
  string: VARIABLE_LENGTH,
  dateTimeSeconds: 4,
  dateTimeMilliseconds: 8,
  dateTimeMicroseconds: 8,
  dateTimeNanoseconds: 8,
  ipv4Address: 4,
  ipv6Address: 16,
};

type Row = readonly [id: number, name: string, type: DataType, length?: number];

const u8 = 'unsigned8';
const u16 = 'unsigned16';
const u32 = 'unsigned32';
const u64 = 'unsigned64';
const v4 = 'ipv4Address';
const v6 = 'ipv6Address';
const mac = 'macAddress';
const str = 'string';
const oct = 'octetArray';

const ROWS: readonly Row[] = [
  [1, 'octetDeltaCount', u64],
  [2, 'packetDeltaCount', u64],
  [3, 'deltaFlowCount', u64],
  [4, 'protocolIdentifier', u8],
  [5, 'ipClassOfService', u8],
  [6, 'tcpControlBits', u16],
  [7, 'sourceTransportPort', u16],
  [8, 'sourceIPv4Address', v4],
  [9, 'sourceIPv4PrefixLength', u8],
  [10, 'ingressInterface', u32],
  [11, 'destinationTransportPort', u16],
  [12, 'destinationIPv4Address', v4],
  [13, 'destinationIPv4PrefixLength', u8],
  [14, 'egressInterface', u32],
  [15, 'ipNextHopIPv4Address', v4],
  [16, 'bgpSourceAsNumber', u32],
  [17, 'bgpDestinationAsNumber', u32],
  [18, 'bgpNextHopIPv4Address', v4],
  [19, 'postMCastPacketDeltaCount', u64],
  [20, 'postMCastOctetDeltaCount', u64],
  [21, 'flowEndSysUpTime', u32],
  [22, 'flowStartSysUpTime', u32],
  [23, 'postOctetDeltaCount', u64],
  [24, 'postPacketDeltaCount', u64],
  [25, 'minimumIpTotalLength', u64],
  [26, 'maximumIpTotalLength', u64],
  [27, 'sourceIPv6Address', v6],
  [28, 'destinationIPv6Address', v6],
  [29, 'sourceIPv6PrefixLength', u8],
  [30, 'destinationIPv6PrefixLength', u8],
  [31, 'flowLabelIPv6', u32],
  [32, 'icmpTypeCodeIPv4', u16],
  [33, 'igmpType', u8],
  [34, 'samplingInterval', u32],
  [35, 'samplingAlgorithm', u8],
  [36, 'flowActiveTimeout', u16],
  [37, 'flowIdleTimeout', u16],
  [38, 'engineType', u8],
  [39, 'engineId', u8],
  [40, 'exportedOctetTotalCount', u64],
  [41, 'exportedMessageTotalCount', u64],
  [42, 'exportedFlowRecordTotalCount', u64],
  [44, 'sourceIPv4Prefix', v4],
  [45, 'destinationIPv4Prefix', v4],
  [46, 'mplsTopLabelType', u8],
  [47, 'mplsTopLabelIPv4Address', v4],
  [48, 'samplerId', u8],
  [49, 'samplerMode', u8],
  [50, 'samplerRandomInterval', u32],
  [51, 'classId', u8],
  [52, 'minimumTTL', u8],
  [53, 'maximumTTL', u8],
  [54, 'fragmentIdentification', u32],
  [55, 'postIpClassOfService', u8],
  [56, 'sourceMacAddress', mac],
  [57, 'postDestinationMacAddress', mac],
  [58, 'vlanId', u16],
  [59, 'postVlanId', u16],
  [60, 'ipVersion', u8],
  [61, 'flowDirection', u8],
  [62, 'ipNextHopIPv6Address', v6],
  [63, 'bgpNextHopIPv6Address', v6],
  [64, 'ipv6ExtensionHeaders', u32],
  [70, 'mplsTopLabelStackSection', oct, 3],
  [71, 'mplsLabelStackSection2', oct, 3],
  [72, 'mplsLabelStackSection3', oct, 3],
  [73, 'mplsLabelStackSection4', oct, 3],
  [74, 'mplsLabelStackSection5', oct, 3],
  [75, 'mplsLabelStackSection6', oct, 3],
  [76, 'mplsLabelStackSection7', oct, 3],
  [77, 'mplsLabelStackSection8', oct, 3],
  [78, 'mplsLabelStackSection9', oct, 3],
  [79, 'mplsLabelStackSection10', oct, 3],
  [80, 'destinationMacAddress', mac],
  [81, 'postSourceMacAddress', mac],
  [82, 'interfaceName', str],
  [83, 'interfaceDescription', str],
  [84, 'samplerName', str],
  [85, 'octetTotalCount', u64],
  [86, 'packetTotalCount', u64],
  [87, 'flagsAndSamplerId', u32],
  [88, 'fragmentOffset', u16],
  [89, 'forwardingStatus', u32],
  [90, 'mplsVpnRouteDistinguisher', oct],
  [91, 'mplsTopLabelPrefixLength', u8],
  [92, 'srcTrafficIndex', u32],
  [93, 'dstTrafficIndex', u32],
  [94, 'applicationDescription', str],
  [95, 'applicationId', oct],
  [96, 'applicationName', str],
  [98, 'postIpDiffServCodePoint', u8],
  [99, 'multicastReplicationFactor', u32],
  [100, 'className', str],
  [101, 'classificationEngineId', u8],
  [102, 'layer2packetSectionOffset', u16],
  [103, 'layer2packetSectionSize', u16],
  [104, 'layer2packetSectionData', oct],
  [128, 'bgpNextAdjacentAsNumber', u32],
  [129, 'bgpPrevAdjacentAsNumber', u32],
  [130, 'exporterIPv4Address', v4],
  [131, 'exporterIPv6Address', v6],
  [132, 'droppedOctetDeltaCount', u64],
  [133, 'droppedPacketDeltaCount', u64],
  [134, 'droppedOctetTotalCount', u64],
  [135, 'droppedPacketTotalCount', u64],
  [136, 'flowEndReason', u8],
  [137, 'commonPropertiesId', u64],
  [138, 'observationPointId', u64],
  [139, 'icmpTypeCodeIPv6', u16],
  [140, 'mplsTopLabelIPv6Address', v6],
  [141, 'lineCardId', u32],
  [142, 'portId', u32],
  [143, 'meteringProcessId', u32],
  [144, 'exportingProcessId', u32],
  [145, 'templateId', u16],
  [146, 'wlanChannelId', u8],
  [147, 'wlanSSID', str],
  [148, 'flowId', u64],
  [149, 'observationDomainId', u32],
  [150, 'flowStartSeconds', 'dateTimeSeconds'],
  [151, 'flowEndSeconds', 'dateTimeSeconds'],
  [152, 'flowStartMilliseconds', 'dateTimeMilliseconds'],
  [153, 'flowEndMilliseconds', 'dateTimeMilliseconds'],
  [154, 'flowStartMicroseconds', 'dateTimeMicroseconds'],
  [155, 'flowEndMicroseconds', 'dateTimeMicroseconds'],
  [156, 'flowStartNanoseconds', 'dateTimeNanoseconds'],
  [157, 'flowEndNanoseconds', 'dateTimeNanoseconds'],
  [158, 'flowStartDeltaMicroseconds', u32],
  [159, 'flowEndDeltaMicroseconds', u32],
  [160, 'systemInitTimeMilliseconds', 'dateTimeMilliseconds'],
  [161, 'flowDurationMilliseconds', u32],
  [162, 'flowDurationMicroseconds', u32],
  [163, 'observedFlowTotalCount', u64],
  [164, 'ignoredPacketTotalCount', u64],
  [165, 'ignoredOctetTotalCount', u64],
  [166, 'notSentFlowTotalCount', u64],
  [167, 'notSentPacketTotalCount', u64],
  [168, 'notSentOctetTotalCount', u64],
  [169, 'destinationIPv6Prefix', v6],
  [170, 'sourceIPv6Prefix', v6],
  [171, 'postOctetTotalCount', u64],
  [172, 'postPacketTotalCount', u64],
  [176, 'icmpTypeIPv4', u8],
  [177, 'icmpCodeIPv4', u8],
  [178, 'icmpTypeIPv6', u8],
  [179, 'icmpCodeIPv6', u8],
  [180, 'udpSourcePort', u16],
  [181, 'udpDestinationPort', u16],
  [182, 'tcpSourcePort', u16],
  [183, 'tcpDestinationPort', u16],
  [192, 'ipTTL', u8],
  [195, 'ipDiffServCodePoint', u8],
  [210, 'paddingOctets', oct],
  [225, 'postNATSourceIPv4Address', v4],
  [226, 'postNATDestinationIPv4Address', v4],
  [227, 'postNAPTSourceTransportPort', u16],
  [228, 'postNAPTDestinationTransportPort', u16],
  [230, 'natEvent', u8],
  [231, 'initiatorOctets', u64],
  [232, 'responderOctets', u64],
  [233, 'firewallEvent', u8],
  [234, 'ingressVRFID', u32],
  [235, 'egressVRFID', u32],
  [236, 'VRFname', str],
  [239, 'biflowDirection', u8],
  [243, 'dot1qVlanId', u16],
  [244, 'dot1qPriority', u8],
  [245, 'dot1qCustomerVlanId', u16],
  [254, 'postDot1qVlanId', u16],
  [256, 'ethernetType', u16],
  [276, 'dataRecordsReliability', 'boolean'],
  [281, 'postNATSourceIPv6Address', v6],
  [282, 'postNATDestinationIPv6Address', v6],
  [283, 'natPoolId', u32],
  [298, 'initiatorPackets', u64],
  [299, 'responderPackets', u64],
  [300, 'observationDomainName', str],
  [301, 'selectionSequenceId', u64],
  [302, 'selectorId', u64],
  [303, 'informationElementId', u16],
  [304, 'selectorAlgorithm', u16],
  [305, 'samplingPacketInterval', u32],
  [306, 'samplingPacketSpace', u32],
  [307, 'samplingTimeInterval', u32],
  [308, 'samplingTimeSpace', u32],
  [309, 'samplingSize', u32],
  [310, 'samplingPopulation', u32],
  [311, 'samplingProbability', 'float64'],
  [318, 'selectorIdTotalPktsObserved', u64],
  [319, 'selectorIdTotalPktsSelected', u64],
  [320, 'absoluteError', 'float64'],
  [321, 'relativeError', 'float64'],
  [322, 'observationTimeSeconds', 'dateTimeSeconds'],
  [323, 'observationTimeMilliseconds', 'dateTimeMilliseconds'],
  [324, 'observationTimeMicroseconds', 'dateTimeMicroseconds'],
  [325, 'observationTimeNanoseconds', 'dateTimeNanoseconds'],
  [434, 'mibObjectValueInteger', 'signed32'],
];

function build(): ReadonlyMap<number, InformationElement> {
  const byId = new Map<number, InformationElement>();
  for (const [id, name, type, length] of ROWS) {
    byId.set(id, Object.freeze({ id, name, type, length: length ?? NATURAL_LENGTH[type] }));
  }
  return byId;
}

/** IANA (enterprise 0) elements by id. */
export const INFORMATION_ELEMENTS: ReadonlyMap<number, InformationElement> = build();

const BY_NAME: ReadonlyMap<string, InformationElement> = new Map(
  [...INFORMATION_ELEMENTS.values()].map((ie) => [ie.name, ie]),
);

/** The IANA element with this id, or undefined. */
export function ieById(id: number): InformationElement | undefined {
  return INFORMATION_ELEMENTS.get(id);
}

/** The IANA element with this name, or undefined. */
export function ieByName(name: string): InformationElement | undefined {
  return BY_NAME.get(name);
}

/** The natural encoding length of a data type (65535 for string and octetArray). */
export function naturalLength(type: DataType): number {
  return NATURAL_LENGTH[type];
}

/**
 * NetFlow v9 options-template scope field types (RFC 3954 §6.1): they are not IEs. Their values
 * are decoded as unsigned integers (or hex when longer than 8 octets).
 */
export const V9_SCOPE_TYPES: ReadonlyMap<number, string> = new Map([
  [1, 'scopeSystem'],
  [2, 'scopeInterface'],
  [3, 'scopeLineCard'],
  [4, 'scopeCache'],
  [5, 'scopeTemplate'],
]);
