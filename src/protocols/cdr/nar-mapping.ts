/**
 * CdrRecord → NAR with the shared attribute names (src/protocols/nar/nar.ts). Absent fields are
 * absent. `sgsnAddress` is the first of the record's serving-node addresses. `servedPdpAddress` is an
 * IP address only: an IPv6 prefix gives its address part, an X.121 eTSIAddress is left out.
 * `containers` counts traffic-volume plus service-data containers (absent when there are none).
 * Volumes: `uplinkBytes`/`downlinkBytes` are the sums over `listOfTrafficVolumes`; a record
 * without traffic-volume containers but with service-data containers (S-GW/P-GW, eG-CDR charging per
 * flow) sums `datavolumeFBCUplink`/`Downlink` of those instead; a record with neither has no volumes.
 * A sum past 64 bits (each volume is at most 64 bits, their sum is no real volume) is a DecodeError
 * `volume_overflow`: the record could not be carried as a NAR.
 */
import { DecodeError } from '../errors.js';
import type { Nar } from '../nar/nar.js';
import { decodeCdr } from './decode.js';
import type { CdrRecord, ServiceData, TrafficVolume } from './types.js';

/** The CdrRecord and container fields `cdrToNar` reads: the only ones `decodeCdrToNar` keeps. */
export const NAR_SOURCE_FIELDS: ReadonlySet<string> = new Set<
  keyof CdrRecord | keyof TrafficVolume | keyof ServiceData
>([
  'servedIMSI',
  'servedMSISDN',
  'servedIMEI',
  'chargingID',
  'ggsnAddress',
  'sgsnAddress',
  'accessPointNameNI',
  'servedPDPAddress',
  'recordSequenceNumber',
  'localSequenceNumber',
  'causeForRecClosing',
  'recordOpeningTime',
  'duration',
  'listOfTrafficVolumes',
  'listOfServiceData',
  'dataVolumeUplink',
  'dataVolumeDownlink',
  'datavolumeFBCUplink',
  'datavolumeFBCDownlink',
  'nodeID',
  'rATType',
  'apnSelectionMode',
  'chargingCharacteristics',
  'servingNodePLMNIdentifier',
]);

/**
 * One CDR's bytes → its NAR: `cdrToNar(decodeCdr(bytes))`, without making the values the NAR does
 * not carry (container timestamps, QoS, …); they are still checked, so the same CDRs fail.
 */
export function decodeCdrToNar(bytes: Uint8Array): Nar {
  return cdrToNar(decodeCdr(bytes, undefined, NAR_SOURCE_FIELDS));
}

const MAX_VOLUME = 2n ** 64n - 1n;

/** A summed volume: at most 64 bits (each container's is; a sum past that is no real volume). */
function volume(sum: bigint, field: string): bigint {
  if (sum > MAX_VOLUME) {
    throw new DecodeError(
      'cdr',
      'volume_overflow',
      `${field}: the containers' volumes sum to more than 64 bits`,
      0,
      {
        field,
      },
    );
  }
  return sum;
}

export function cdrToNar(r: CdrRecord): Nar {
  const n: Nar = { recordType: r.recordType };
  if (r.servedIMSI !== undefined) n['imsi'] = r.servedIMSI;
  if (r.servedMSISDN !== undefined) n['msisdn'] = r.servedMSISDN;
  if (r.servedIMEI !== undefined) n['imei'] = r.servedIMEI;
  if (r.chargingID !== undefined) n['chargingId'] = r.chargingID;
  if (r.ggsnAddress !== undefined) n['ggsnAddress'] = r.ggsnAddress;
  const sgsn = r.sgsnAddress?.[0];
  if (sgsn !== undefined) n['sgsnAddress'] = sgsn;
  if (r.accessPointNameNI !== undefined) n['apn'] = r.accessPointNameNI;
  const pdp = r.servedPDPAddress;
  if (pdp !== undefined && (pdp.includes('.') || pdp.includes(':'))) {
    const slash = pdp.indexOf('/');
    n['servedPdpAddress'] = slash < 0 ? pdp : pdp.slice(0, slash);
  }
  if (r.recordSequenceNumber !== undefined) n['recordSequenceNumber'] = r.recordSequenceNumber;
  if (r.localSequenceNumber !== undefined) n['localSequenceNumber'] = r.localSequenceNumber;
  if (r.causeForRecClosing !== undefined) n['causeForRecClosing'] = r.causeForRecClosing;
  if (r.recordOpeningTime !== undefined) n['recordOpeningTime'] = r.recordOpeningTime;
  if (r.duration !== undefined) n['duration'] = r.duration;
  const volumes = r.listOfTrafficVolumes;
  const services = r.listOfServiceData;
  if (volumes !== undefined && volumes.length > 0) {
    let up = 0n;
    let down = 0n;
    for (const v of volumes) {
      up += v.dataVolumeUplink ?? 0n;
      down += v.dataVolumeDownlink ?? 0n;
    }
    n['uplinkBytes'] = volume(up, 'listOfTrafficVolumes');
    n['downlinkBytes'] = volume(down, 'listOfTrafficVolumes');
  } else if (services !== undefined && services.length > 0) {
    let up = 0n;
    let down = 0n;
    for (const s of services) {
      up += s.datavolumeFBCUplink ?? 0n;
      down += s.datavolumeFBCDownlink ?? 0n;
    }
    n['uplinkBytes'] = volume(up, 'listOfServiceData');
    n['downlinkBytes'] = volume(down, 'listOfServiceData');
  }
  if (r.nodeID !== undefined) n['nodeId'] = r.nodeID;
  if (r.rATType !== undefined) n['ratType'] = r.rATType;
  if (r.apnSelectionMode !== undefined) n['apnSelectionMode'] = r.apnSelectionMode;
  if (r.chargingCharacteristics !== undefined) n['chargingCharacteristics'] = r.chargingCharacteristics;
  if (r.servingNodePLMNIdentifier !== undefined) n['servingNodePlmnId'] = r.servingNodePLMNIdentifier;
  const containers = (volumes?.length ?? 0) + (services?.length ?? 0);
  if (containers > 0) n['containers'] = containers;
  if (r.unknownFields > 0) n['unknownFields'] = r.unknownFields;
  return n;
}
