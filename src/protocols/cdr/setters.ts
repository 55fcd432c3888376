/**
 * One setter per decoded field, each a named property store. Decoding adds fields in wire order;
 * named stores keep the objects in V8's fast (hidden-class) mode, where stores by computed key
 * would turn a record with many fields into a dictionary and slow every later read.
 */
import type { CdrRecord, ServiceData, TrafficVolume } from './types.js';

export type RecordKey = Exclude<keyof CdrRecord, 'recordType' | 'unknownFields'>;

/** Stores a decoded value; the table that pairs a setter with a value kind guarantees the type. */
export type Setter<T> = (target: T, value: never) => void;

type SetterMap<T> = { readonly [K in keyof T]-?: (target: T, value: NonNullable<T[K]>) => void };

export const RECORD_SETTERS: Omit<SetterMap<CdrRecord>, 'recordType' | 'unknownFields'> = {
  servedIMSI: (r, v) => {
    r.servedIMSI = v;
  },
  servedIMEI: (r, v) => {
    r.servedIMEI = v;
  },
  servedMSISDN: (r, v) => {
    r.servedMSISDN = v;
  },
  chargingID: (r, v) => {
    r.chargingID = v;
  },
  ggsnAddress: (r, v) => {
    r.ggsnAddress = v;
  },
  sgsnAddress: (r, v) => {
    r.sgsnAddress = v;
  },
  sGWAddress: (r, v) => {
    r.sGWAddress = v;
  },
  servingNodeType: (r, v) => {
    r.servingNodeType = v;
  },
  accessPointNameNI: (r, v) => {
    r.accessPointNameNI = v;
  },
  pdpType: (r, v) => {
    r.pdpType = v;
  },
  servedPDPAddress: (r, v) => {
    r.servedPDPAddress = v;
  },
  dynamicAddressFlag: (r, v) => {
    r.dynamicAddressFlag = v;
  },
  listOfTrafficVolumes: (r, v) => {
    r.listOfTrafficVolumes = v;
  },
  listOfServiceData: (r, v) => {
    r.listOfServiceData = v;
  },
  recordOpeningTime: (r, v) => {
    r.recordOpeningTime = v;
  },
  duration: (r, v) => {
    r.duration = v;
  },
  causeForRecClosing: (r, v) => {
    r.causeForRecClosing = v;
  },
  diagnostics: (r, v) => {
    r.diagnostics = v;
  },
  recordSequenceNumber: (r, v) => {
    r.recordSequenceNumber = v;
  },
  nodeID: (r, v) => {
    r.nodeID = v;
  },
  localSequenceNumber: (r, v) => {
    r.localSequenceNumber = v;
  },
  apnSelectionMode: (r, v) => {
    r.apnSelectionMode = v;
  },
  chargingCharacteristics: (r, v) => {
    r.chargingCharacteristics = v;
  },
  rATType: (r, v) => {
    r.rATType = v;
  },
  servingNodePLMNIdentifier: (r, v) => {
    r.servingNodePLMNIdentifier = v;
  },
};

export const VOLUME_SETTERS: SetterMap<TrafficVolume> = {
  qosNegotiated: (c, v) => {
    c.qosNegotiated = v;
  },
  dataVolumeUplink: (c, v) => {
    c.dataVolumeUplink = v;
  },
  dataVolumeDownlink: (c, v) => {
    c.dataVolumeDownlink = v;
  },
  changeCondition: (c, v) => {
    c.changeCondition = v;
  },
  changeTime: (c, v) => {
    c.changeTime = v;
  },
};

export const SERVICE_SETTERS: SetterMap<ServiceData> = {
  ratingGroup: (c, v) => {
    c.ratingGroup = v;
  },
  chargingRuleBaseName: (c, v) => {
    c.chargingRuleBaseName = v;
  },
  resultCode: (c, v) => {
    c.resultCode = v;
  },
  localSequenceNumber: (c, v) => {
    c.localSequenceNumber = v;
  },
  timeOfFirstUsage: (c, v) => {
    c.timeOfFirstUsage = v;
  },
  timeOfLastUsage: (c, v) => {
    c.timeOfLastUsage = v;
  },
  timeUsage: (c, v) => {
    c.timeUsage = v;
  },
  serviceConditionChange: (c, v) => {
    c.serviceConditionChange = v;
  },
  datavolumeFBCUplink: (c, v) => {
    c.datavolumeFBCUplink = v;
  },
  datavolumeFBCDownlink: (c, v) => {
    c.datavolumeFBCDownlink = v;
  },
  timeOfReport: (c, v) => {
    c.timeOfReport = v;
  },
};
