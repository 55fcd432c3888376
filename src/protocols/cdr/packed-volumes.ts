/**
 * The volumes of a CDR's NAR (`cdrToNar`'s uplinkBytes/downlinkBytes) summed over a list of
 * containers while `packCdrNar` walks it, as numbers while they stay exact: traffic-volume
 * containers (dataVolumeUplink/Downlink) or service-data containers (datavolumeFBCUplink/Downlink).
 */
import { readUnsigned } from '../ber/primitives.js';
import type { Tlv } from '../ber/reader.js';
import { checkScalar, primitive, walkContainers, type Ctx } from './decode.js';
import { SERVICE_TABLE, VOLUME_TABLE, type FieldDef } from './tables.js';
import type { ServiceData, TrafficVolume } from './types.js';

/** Sums of one list of containers, as numbers while they stay exact. */
export class Volumes {
  containers = 0;
  up = 0;
  down = 0;
  /** The open container's values (a field given twice in one container counts once, the last). */
  curUp = 0;
  curDown = 0;
  /** A value or sum beyond 2^53 − 1: the record is left to `decodeCdrToNar`. */
  inexact = false;

  /** A new record: nothing summed, nothing inexact. */
  clear(): void {
    this.reset();
    this.inexact = false;
  }

  /** A new list of containers (one given again replaces the one before). */
  reset(): void {
    this.containers = 0;
    this.up = 0;
    this.down = 0;
    this.curUp = 0;
    this.curDown = 0;
  }

  /** Adds the open container's values to the sums. */
  close(): void {
    this.up += this.curUp;
    this.down += this.curDown;
    this.curUp = 0;
    this.curDown = 0;
    if (this.up > Number.MAX_SAFE_INTEGER || this.down > Number.MAX_SAFE_INTEGER) this.inexact = true;
  }
}

/** A listOfTrafficVolumes into `v`: a list given again replaces the one before, as in the record. */
export function sumVolumes(v: Volumes, f: Tlv, at: string, ctx: Ctx): void {
  v.reset();
  v.containers = walkContainers(f, at, VOLUME_TABLE, ctx, v, closeContainer, volumeValue);
  v.close();
}

/** A listOfServiceData into `v`, as `sumVolumes`. */
export function sumServiceVolumes(v: Volumes, f: Tlv, at: string, ctx: Ctx): void {
  v.reset();
  v.containers = walkContainers(f, at, SERVICE_TABLE, ctx, v, closeContainer, serviceValue);
  v.close();
}

/** A container begins: the one before it is added to the sums. */
function closeContainer(v: Volumes): void {
  v.close();
}

/** A volume (octets) of a container: uplink or downlink, kept exact as a number or marked inexact. */
function volumeOf(v: Volumes, t: Tlv, at: string, ctx: Ctx): number {
  const x = readUnsigned(ctx.buf, primitive(t, at));
  if (typeof x === 'number') return x;
  v.inexact = true;
  return 0;
}

function volumeValue(v: Volumes, d: FieldDef<TrafficVolume>, t: Tlv, ctx: Ctx): void {
  if (d.key === 'dataVolumeUplink') v.curUp = volumeOf(v, t, d.at, ctx);
  else if (d.key === 'dataVolumeDownlink') v.curDown = volumeOf(v, t, d.at, ctx);
  else checkScalar(d.kind, ctx.buf, t, d.at);
}

function serviceValue(v: Volumes, d: FieldDef<ServiceData>, t: Tlv, ctx: Ctx): void {
  if (d.key === 'datavolumeFBCUplink') v.curUp = volumeOf(v, t, d.at, ctx);
  else if (d.key === 'datavolumeFBCDownlink') v.curDown = volumeOf(v, t, d.at, ctx);
  else checkScalar(d.kind, ctx.buf, t, d.at);
}
