/**
 * The record tables: for each GPRSRecord choice, its context tag, its RecordType value and, per field
 * tag, which CdrRecord field it fills and how the value is coded (TS 32.298 modules in
 * `shared/specs/asn1/gprscdr`, IMPLICIT TAGS; `ggsnPDPRecord` and `egsnPDPRecord` as Wireshark's V750
 * layouts). Tags a record type defines but narflow does not read are listed as known, so they are
 * skipped without counting as unknown.
 */
import type { CdrRecord, CdrRecordType, ServiceData, TrafficVolume } from './types.js';
import { RECORD_SETTERS, SERVICE_SETTERS, VOLUME_SETTERS, type RecordKey, type Setter } from './setters.js';

/** How a field's value is coded. */
export const Kind = {
  RecordType: 0,
  /** Non-negative INTEGER or ENUMERATED that fits a number. */
  Number: 1,
  Tbcd: 2,
  Msisdn: 3,
  /** GSNAddress (an IPAddress CHOICE inside the field's explicit tag). */
  Address: 4,
  /** One GSNAddress given as a one-element list. */
  AddressAsList: 5,
  /** SEQUENCE OF GSNAddress. */
  AddressList: 6,
  PdpAddress: 7,
  /** OCTET STRING (or BIT STRING) content as hex. */
  Hex: 8,
  Timestamp: 9,
  Plmn: 10,
  Boolean: 11,
  TrafficVolumes: 12,
  ServiceData: 13,
  Ia5: 14,
  /** SEQUENCE OF ENUMERATED. */
  EnumList: 15,
  /** DataVolumeGPRS: INTEGER as bigint. */
  Volume: 16,
  /** A constructed value kept as the hex of its content octets (Diagnostics CHOICE). */
  ConstructedHex: 17,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface FieldDef<T> {
  readonly key: string;
  readonly kind: Kind;
  /** "field" or "container.field", for errors. */
  readonly at: string;
  readonly set: Setter<T>;
}

export interface RecordTable {
  readonly name: CdrRecordType;
  /** Context tag of the GPRSRecord choice. */
  readonly tag: number;
  /** RecordType value in field [0]. */
  readonly recordTypeValue: number;
  /** Field definitions by tag (sparse); tag 0 (recordType) is checked, not stored. */
  readonly fields: readonly (FieldDef<CdrRecord> | undefined)[];
  /** Tags the record type defines, read or not: the others count as unknown. */
  readonly known: readonly boolean[];
  /** Tags in ascending order (encoding order). */
  readonly order: readonly number[];
}

export interface ContainerTable<T> {
  readonly fields: readonly (FieldDef<T> | undefined)[];
  readonly order: readonly number[];
}

type Defs = Readonly<Record<number, readonly [RecordKey | 'recordType', Kind]>>;

const noop: Setter<CdrRecord> = () => undefined;

function table(
  name: CdrRecordType,
  tag: number,
  recordTypeValue: number,
  defs: Defs,
  known: readonly number[],
): RecordTable {
  const fields: (FieldDef<CdrRecord> | undefined)[] = [];
  for (const [t, [key, kind]] of Object.entries(defs)) {
    const set = key === 'recordType' ? noop : (RECORD_SETTERS[key] as Setter<CdrRecord>);
    fields[Number(t)] = { key, kind, at: key, set };
  }
  const order = Object.keys(defs)
    .map(Number)
    .sort((a, b) => a - b);
  const knownByTag: boolean[] = [];
  for (const k of known) knownByTag[k] = true;
  return { name, tag, recordTypeValue, fields, known: knownByTag, order };
}

function container<T>(
  name: string,
  defs: Readonly<Record<number, readonly [keyof T & string, Kind]>>,
  setters: { readonly [K in keyof T]-?: (target: T, value: NonNullable<T[K]>) => void },
): ContainerTable<T> {
  const fields: (FieldDef<T> | undefined)[] = [];
  for (const [t, [key, kind]] of Object.entries(defs) as [string, readonly [keyof T & string, Kind]][]) {
    fields[Number(t)] = { key, kind, at: `${name}.${key}`, set: setters[key] as Setter<T> };
  }
  const order = Object.keys(defs)
    .map(Number)
    .sort((a, b) => a - b);
  return { fields, order };
}

const range = (a: number, b: number, skip: readonly number[] = []): number[] =>
  Array.from({ length: b - a + 1 }, (_, i) => a + i).filter((x) => !skip.includes(x));

/** Fields common to the G-CDR (V750) and eG-CDR (V750) layouts. */
const GGSN_FIELDS: Defs = {
  0: ['recordType', Kind.RecordType],
  3: ['servedIMSI', Kind.Tbcd],
  4: ['ggsnAddress', Kind.Address],
  5: ['chargingID', Kind.Number],
  6: ['sgsnAddress', Kind.AddressList],
  7: ['accessPointNameNI', Kind.Ia5],
  8: ['pdpType', Kind.Hex],
  9: ['servedPDPAddress', Kind.PdpAddress],
  11: ['dynamicAddressFlag', Kind.Boolean],
  12: ['listOfTrafficVolumes', Kind.TrafficVolumes],
  13: ['recordOpeningTime', Kind.Timestamp],
  14: ['duration', Kind.Number],
  15: ['causeForRecClosing', Kind.Number],
  16: ['diagnostics', Kind.ConstructedHex],
  17: ['recordSequenceNumber', Kind.Number],
  18: ['nodeID', Kind.Ia5],
  20: ['localSequenceNumber', Kind.Number],
  21: ['apnSelectionMode', Kind.Number],
  22: ['servedMSISDN', Kind.Msisdn],
  23: ['chargingCharacteristics', Kind.Hex],
  27: ['servingNodePLMNIdentifier', Kind.Plmn],
  29: ['servedIMEI', Kind.Tbcd],
  30: ['rATType', Kind.Number],
};

/** Fields common to the SGW-CDR and PGW-CDR layouts (addresses differ). */
const EPC_FIELDS: Defs = {
  0: ['recordType', Kind.RecordType],
  3: ['servedIMSI', Kind.Tbcd],
  5: ['chargingID', Kind.Number],
  7: ['accessPointNameNI', Kind.Ia5],
  8: ['pdpType', Kind.Hex],
  9: ['servedPDPAddress', Kind.PdpAddress],
  11: ['dynamicAddressFlag', Kind.Boolean],
  12: ['listOfTrafficVolumes', Kind.TrafficVolumes],
  13: ['recordOpeningTime', Kind.Timestamp],
  14: ['duration', Kind.Number],
  15: ['causeForRecClosing', Kind.Number],
  16: ['diagnostics', Kind.ConstructedHex],
  17: ['recordSequenceNumber', Kind.Number],
  18: ['nodeID', Kind.Ia5],
  20: ['localSequenceNumber', Kind.Number],
  21: ['apnSelectionMode', Kind.Number],
  22: ['servedMSISDN', Kind.Msisdn],
  23: ['chargingCharacteristics', Kind.Hex],
  27: ['servingNodePLMNIdentifier', Kind.Plmn],
  29: ['servedIMEI', Kind.Tbcd],
  30: ['rATType', Kind.Number],
};

export const TABLES: readonly RecordTable[] = [
  table(
    'sgsnPDPRecord',
    20,
    18,
    {
      0: ['recordType', Kind.RecordType],
      3: ['servedIMSI', Kind.Tbcd],
      4: ['servedIMEI', Kind.Tbcd],
      5: ['sgsnAddress', Kind.AddressAsList],
      10: ['chargingID', Kind.Number],
      11: ['ggsnAddress', Kind.Address],
      12: ['accessPointNameNI', Kind.Ia5],
      13: ['pdpType', Kind.Hex],
      14: ['servedPDPAddress', Kind.PdpAddress],
      15: ['listOfTrafficVolumes', Kind.TrafficVolumes],
      16: ['recordOpeningTime', Kind.Timestamp],
      17: ['duration', Kind.Number],
      19: ['causeForRecClosing', Kind.Number],
      20: ['diagnostics', Kind.ConstructedHex],
      21: ['recordSequenceNumber', Kind.Number],
      22: ['nodeID', Kind.Ia5],
      24: ['localSequenceNumber', Kind.Number],
      25: ['apnSelectionMode', Kind.Number],
      27: ['servedMSISDN', Kind.Msisdn],
      28: ['chargingCharacteristics', Kind.Hex],
      29: ['rATType', Kind.Number],
      33: ['dynamicAddressFlag', Kind.Boolean],
      38: ['servingNodePLMNIdentifier', Kind.Plmn],
    },
    range(0, 39, [2]),
  ),
  table('ggsnPDPRecord', 21, 19, GGSN_FIELDS, range(0, 33, [2, 10, 28])),
  table(
    'egsnPDPRecord',
    70,
    70,
    { ...GGSN_FIELDS, 34: ['listOfServiceData', Kind.ServiceData] },
    range(0, 34, [2, 10]),
  ),
  table(
    'sGWRecord',
    78,
    84,
    {
      ...EPC_FIELDS,
      4: ['sGWAddress', Kind.Address],
      6: ['sgsnAddress', Kind.AddressList],
      35: ['servingNodeType', Kind.EnumList],
      36: ['ggsnAddress', Kind.Address],
    },
    range(0, 65, [1, 2, 10, 26, 28, 33, 45, 46, 58]),
  ),
  table(
    'pGWRecord',
    79,
    85,
    {
      ...EPC_FIELDS,
      4: ['ggsnAddress', Kind.Address],
      6: ['sgsnAddress', Kind.AddressList],
      34: ['listOfServiceData', Kind.ServiceData],
      35: ['servingNodeType', Kind.EnumList],
    },
    range(0, 73, [1, 2, 10, 26, 48, 63]),
  ),
];

export const TABLE_BY_TAG: ReadonlyMap<number, RecordTable> = new Map(TABLES.map((t) => [t.tag, t]));
export const TABLE_BY_NAME: ReadonlyMap<CdrRecordType, RecordTable> = new Map(TABLES.map((t) => [t.name, t]));

/** ChangeOfCharCondition (and the V651 form of the G-CDR/eG-CDR): one traffic-volume container. */
export const VOLUME_TABLE: ContainerTable<TrafficVolume> = container<TrafficVolume>(
  'listOfTrafficVolumes',
  {
    2: ['qosNegotiated', Kind.Hex],
    3: ['dataVolumeUplink', Kind.Volume],
    4: ['dataVolumeDownlink', Kind.Volume],
    5: ['changeCondition', Kind.Number],
    6: ['changeTime', Kind.Timestamp],
  },
  VOLUME_SETTERS,
);

/** ChangeOfServiceCondition (and ChangeOfServiceConditionV750 of the eG-CDR): one service-data container. */
export const SERVICE_TABLE: ContainerTable<ServiceData> = container<ServiceData>(
  'listOfServiceData',
  {
    1: ['ratingGroup', Kind.Number],
    2: ['chargingRuleBaseName', Kind.Ia5],
    3: ['resultCode', Kind.Number],
    4: ['localSequenceNumber', Kind.Number],
    5: ['timeOfFirstUsage', Kind.Timestamp],
    6: ['timeOfLastUsage', Kind.Timestamp],
    7: ['timeUsage', Kind.Number],
    8: ['serviceConditionChange', Kind.Hex],
    12: ['datavolumeFBCUplink', Kind.Volume],
    13: ['datavolumeFBCDownlink', Kind.Volume],
    14: ['timeOfReport', Kind.Timestamp],
  },
  SERVICE_SETTERS,
);
