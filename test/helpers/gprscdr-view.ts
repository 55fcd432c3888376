/**
 * One comparable shape for a TS 32.298 PS-domain CDR as Wireshark's gprscdr dissector shows it (PDML)
 * and as narflow's `CdrRecord` holds it, so a test compares the two with one `toEqual`.
 *
 * Where a record type names a field differently (TS 32.298 and Wireshark's field names):
 *   GGSN/P-GW address: S-CDR ggsnAddressUsed, G-CDR/eG-CDR ggsnAddress, SGW-CDR p-GWAddressUsed,
 *     PGW-CDR p-GWAddress. Serving nodes: sgsnAddress (S-CDR: one), servingNodeAddress (SGW/PGW).
 *   IMEI: servedIMEISV on the G-CDR/eG-CDR layouts Wireshark uses (V750), servedIMEI elsewhere.
 *   Served address: servedPDPPDNAddress on SGW/PGW, servedPDPAddress elsewhere.
 * Normalisation of tshark's values:
 *   - times: tshark shows a TimeStamp (YYMMDDhhmmss S hh mm, BCD) as "(UTC Y-M-D h:m:s ±h:m)", each BCD
 *     octet printed without leading zeros and labelled UTC although the offset is the record's own;
 *     read back as ISO 8601 "20YY-MM-DDThh:mm:ss±hh:mm" (the TimeStamp has no century; 20YY assumed),
 *     the form narflow gives times (whole seconds, the record's offset kept).
 *   - MSISDN: the E.164 digits tshark shows (`e164.msisdn`) when it reads the address octet as
 *     international number / ISDN numbering plan, else "?nature/plan:digits" so a mismatch shows.
 *   - IMEI: the TBCD digits tshark shows; charging characteristics: its octets as hex.
 *   - serviceConditionChange: the names of the bits tshark shows set.
 * `others` lists every field tshark shows in a record or container that the view does not read, so a
 * field the generator did not mean to send (or one landing under the wrong tag) cannot pass unseen.
 */
import type { CdrRecord, CdrRecordType } from '../../src/protocols/cdr/index.js';
import { find, findAll, type PdmlNode } from './pdml.js';

/** GPRSRecord CHOICE tags (TS 32.298 GPRSChargingDataTypes). */
export const CHOICE_TAG: Readonly<Record<CdrRecordType, number>> = {
  sgsnPDPRecord: 20,
  ggsnPDPRecord: 21,
  egsnPDPRecord: 70,
  sGWRecord: 78,
  pGWRecord: 79,
};
/** RecordType values (TS 32.298 GenericChargingDataTypes). */
export const RECORD_TYPE_VALUE: Readonly<Record<CdrRecordType, number>> = {
  sgsnPDPRecord: 18,
  ggsnPDPRecord: 19,
  egsnPDPRecord: 70,
  sGWRecord: 84,
  pGWRecord: 85,
};

const GATEWAY_FIELD: Readonly<Record<CdrRecordType, string>> = {
  sgsnPDPRecord: 'ggsnAddressUsed',
  ggsnPDPRecord: 'ggsnAddress',
  egsnPDPRecord: 'ggsnAddress',
  sGWRecord: 'p_GWAddressUsed',
  pGWRecord: 'p_GWAddress',
};
const EPC = (t: CdrRecordType): boolean => t === 'sGWRecord' || t === 'pGWRecord';
const G_CDR = (t: CdrRecordType): boolean => t === 'ggsnPDPRecord' || t === 'egsnPDPRecord';

/** ServiceConditionChange named bits 0–36 (TS 32.298), for reading the generator's BIT STRING. */
const SERVICE_CONDITIONS =
  'qoSChange sGSNChange sGSNPLMNIDChange tariffTimeSwitch pDPContextRelease rATChange serviceIdledOut ' +
  'reserved configurationChange serviceStop dCCATimeThresholdReached dCCAVolumeThresholdReached ' +
  'dCCAServiceSpecificUnitThresholdReached dCCATimeExhausted dCCAVolumeExhausted dCCAValidityTimeout ' +
  'reserved1 dCCAReauthorisationRequest dCCAContinueOngoingSession dCCARetryAndTerminateOngoingSession ' +
  'dCCATerminateOngoingSession cGI-SAIChange rAIChange dCCAServiceSpecificUnitExhausted recordClosure ' +
  'timeLimit volumeLimit serviceSpecificUnitLimit envelopeClosure eCGIChange tAIChange ' +
  'userLocationChange userCSGInformationChange presenceInPRAChange accessChangeOfSDF ' +
  'indirectServiceConditionChange servingPLMNRateControlChange';

export interface VolumeView {
  uplink: string | undefined;
  downlink: string | undefined;
  changeCondition: number | undefined;
  changeTime: string | undefined;
}

export interface ServiceView {
  ratingGroup: number | undefined;
  localSequenceNumber: number | undefined;
  timeOfFirstUsage: string | undefined;
  timeOfLastUsage: string | undefined;
  conditions: string[];
  uplink: string | undefined;
  downlink: string | undefined;
  timeOfReport: string | undefined;
}

export interface CdrView {
  recordType: string;
  choiceTag: number;
  recordTypeValue: number | undefined;
  imsi: string | undefined;
  msisdn: string | undefined;
  imei: string | undefined;
  chargingId: number | undefined;
  gatewayAddress: string | undefined;
  servingNodeAddresses: string[];
  sgwAddress: string | undefined;
  servingNodeTypes: number[];
  apn: string | undefined;
  servedPdpAddress: string | undefined;
  recordOpeningTime: string | undefined;
  duration: number | undefined;
  causeForRecClosing: number | undefined;
  recordSequenceNumber: number | undefined;
  nodeId: string | undefined;
  localSequenceNumber: number | undefined;
  chargingCharacteristics: string | undefined;
  ratType: number | undefined;
  volumes: VolumeView[];
  serviceData: ServiceView[] | undefined;
  others: string[];
}

const TIME = /\(UTC (\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+) ([+-])(\d+):(\d+)\)$/;
const two = (s: string | undefined): string => (s ?? '').padStart(2, '0');

/** A TimeStamp as tshark shows it ("... (UTC 26-12-4 20:7:53 +0:0)") in ISO 8601. */
export function tsharkTime(showname: string): string {
  const m = TIME.exec(showname);
  if (m === null) return `unreadable time: ${showname}`;
  const [, yy, mo, d, h, mi, s, sign, oh, om] = m;
  return `20${two(yy)}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}${sign}${two(oh)}:${two(om)}`;
}

/** Direct children of a node, each read at most once; what is never read is reported. */
class Fields {
  readonly #read = new Set<PdmlNode>();
  constructor(
    private readonly node: PdmlNode,
    private readonly at: string,
  ) {}
  get(name: string): PdmlNode | undefined {
    const n = this.node.children.find((c) => c.name === `gprscdr.${name}` || c.name === name);
    if (n !== undefined) this.#read.add(n);
    return n;
  }
  show(name: string): string | undefined {
    return this.get(name)?.show;
  }
  num(name: string): number | undefined {
    const s = this.show(name);
    return s === undefined ? undefined : Number(s);
  }
  time(name: string): string | undefined {
    const n = this.get(name);
    return n === undefined ? undefined : tsharkTime(n.showname);
  }
  addresses(name: string): string[] | undefined {
    const n = this.get(name);
    if (n === undefined) return undefined;
    return [...findAll(n, 'gprscdr.iPBinV4Address'), ...findAll(n, 'gprscdr.iPBinV6Address')].map(
      (a) => a.show,
    );
  }
  address(name: string): string | undefined {
    const list = this.addresses(name);
    if (list === undefined) return undefined;
    return list.length === 1 ? list[0] : `${list.length} addresses: ${list.join(' ')}`;
  }
  others(): string[] {
    return this.node.children.filter((c) => !this.#read.has(c)).map((c) => `${this.at}${c.name}`);
  }
}

function msisdnOf(node: PdmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  const digits = find(node, 'e164.msisdn')?.show ?? '';
  const nature = find(node, 'gsm_map.nature_of_number')?.show;
  const plan = find(node, 'gsm_map.number_plan')?.show;
  return nature === '0x01' && plan === '0x01' ? digits : `?${nature}/${plan}:${digits}`;
}

function nodeTypes(node: PdmlNode | undefined): number[] {
  return node === undefined ? [] : findAll(node, 'gprscdr.ServingNodeType').map((n) => Number(n.show));
}

const EMPTY: PdmlNode = { name: '', show: '', showname: '', children: [] };

/** The view of one "Data record N" of tshark's tree: its GPRSRecord's one element (`gprscdr.<type>_element`). */
export function tsharkCdrView(dataRecord: PdmlNode): CdrView {
  const gprsRecord = dataRecord.children.find((c) => c.name === 'gprscdr.GPRSRecord') ?? EMPTY;
  const element = gprsRecord.children[0] ?? EMPTY;
  const type = element.name.replace(/^gprscdr\./, '').replace(/_element$/, '') as CdrRecordType;
  const f = new Fields(element, '');
  const others: string[] =
    gprsRecord.children.length === 1
      ? []
      : [`${dataRecord.show}: ${gprsRecord.children.length} GPRSRecord elements`];
  f.get('servedIMSI');
  f.get('e212.assoc.imsi');
  const imei = f.get(G_CDR(type) ? 'servedIMEISV' : 'servedIMEI');
  const view: CdrView = {
    recordType: type,
    choiceTag: Number(gprsRecord.show),
    recordTypeValue: f.num('recordType'),
    imsi: f.show('e212.imsi'),
    msisdn: msisdnOf(f.get('servedMSISDN')),
    imei: imei === undefined ? undefined : find(imei, 'gsm_map.tbcd_digits')?.show,
    chargingId: f.num('chargingID'),
    gatewayAddress: f.address(GATEWAY_FIELD[type] ?? 'ggsnAddress'),
    servingNodeAddresses: f.addresses(EPC(type) ? 'servingNodeAddress' : 'sgsnAddress') ?? [],
    sgwAddress: f.address('s_GWAddress'),
    servingNodeTypes: nodeTypes(f.get('servingNodeType')),
    apn: f.show('accessPointNameNI'),
    servedPdpAddress: f.address(EPC(type) ? 'servedPDPPDNAddress' : 'servedPDPAddress'),
    recordOpeningTime: f.time('recordOpeningTime'),
    duration: f.num('duration'),
    causeForRecClosing: f.num('causeForRecClosing'),
    recordSequenceNumber: f.num('recordSequenceNumber'),
    nodeId: f.show('nodeID'),
    localSequenceNumber: f.num('localSequenceNumber'),
    chargingCharacteristics: f.show('chargingCharacteristics')?.replaceAll(':', ''),
    ratType: f.num('rATType'),
    volumes: (f.get('listOfTrafficVolumes')?.children ?? []).map((c, i) => {
      const v = new Fields(c, `listOfTrafficVolumes[${i}].`);
      const out: VolumeView = {
        uplink: v.show('dataVolumeGPRSUplink'),
        downlink: v.show('dataVolumeGPRSDownlink'),
        changeCondition: v.num('changeCondition'),
        changeTime: v.time('changeTime'),
      };
      others.push(...v.others());
      return out;
    }),
    serviceData: f.get('listOfServiceData')?.children.map((c, i) => {
      const s = new Fields(c, `listOfServiceData[${i}].`);
      s.get('ber.bitstring.padding');
      const out: ServiceView = {
        ratingGroup: s.num('ratingGroup'),
        localSequenceNumber: s.num('localSequenceNumber'),
        timeOfFirstUsage: s.time('timeOfFirstUsage'),
        timeOfLastUsage: s.time('timeOfLastUsage'),
        conditions: (s.get('serviceConditionChange')?.children ?? [])
          .filter((b) => b.show === '1')
          .map((b) => b.name.replace(/^gprscdr\.ServiceConditionChange\./, '').replace('.', '-')),
        uplink: s.show('datavolumeFBCUplink'),
        downlink: s.show('datavolumeFBCDownlink'),
        timeOfReport: s.time('timeOfReport'),
      };
      others.push(...s.others());
      return out;
    }),
    others,
  };
  others.unshift(...f.others());
  return view;
}

const text = (v: bigint | undefined): string | undefined => (v === undefined ? undefined : String(v));

/** Names of the bits set in a BIT STRING given as content octets in hex (first octet: unused bits). */
export function setBits(hex: string): string[] {
  const names = SERVICE_CONDITIONS.split(' ');
  const octets = Buffer.from(hex, 'hex').subarray(1);
  const out: string[] = [];
  octets.forEach((o, i) => {
    for (let b = 0; b < 8; b++) if ((o & (0x80 >> b)) !== 0) out.push(names[i * 8 + b] ?? `bit${i * 8 + b}`);
  });
  return out;
}

/** The view of a record as narflow holds it (what the generator put in). */
export function recordView(r: CdrRecord): CdrView {
  return {
    recordType: r.recordType,
    choiceTag: CHOICE_TAG[r.recordType],
    recordTypeValue: RECORD_TYPE_VALUE[r.recordType],
    imsi: r.servedIMSI,
    msisdn: r.servedMSISDN,
    imei: r.servedIMEI,
    chargingId: r.chargingID,
    gatewayAddress: r.ggsnAddress,
    servingNodeAddresses: r.sgsnAddress ?? [],
    sgwAddress: r.sGWAddress,
    servingNodeTypes: r.servingNodeType ?? [],
    apn: r.accessPointNameNI,
    servedPdpAddress: r.servedPDPAddress,
    recordOpeningTime: r.recordOpeningTime,
    duration: r.duration,
    causeForRecClosing: r.causeForRecClosing,
    recordSequenceNumber: r.recordSequenceNumber,
    nodeId: r.nodeID,
    localSequenceNumber: r.localSequenceNumber,
    chargingCharacteristics: r.chargingCharacteristics,
    ratType: r.rATType,
    volumes: (r.listOfTrafficVolumes ?? []).map((v) => ({
      uplink: text(v.dataVolumeUplink),
      downlink: text(v.dataVolumeDownlink),
      changeCondition: v.changeCondition,
      changeTime: v.changeTime,
    })),
    serviceData: r.listOfServiceData?.map((s) => ({
      ratingGroup: s.ratingGroup,
      localSequenceNumber: s.localSequenceNumber,
      timeOfFirstUsage: s.timeOfFirstUsage,
      timeOfLastUsage: s.timeOfLastUsage,
      conditions: s.serviceConditionChange === undefined ? [] : setBits(s.serviceConditionChange),
      uplink: text(s.datavolumeFBCUplink),
      downlink: text(s.datavolumeFBCDownlink),
      timeOfReport: s.timeOfReport,
    })),
    others: [],
  };
}
