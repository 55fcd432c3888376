/**
 * Plausible accounting sessions of a mobile data NAS (a GGSN/P-GW speaking RADIUS, TS 29.061 §16):
 * a subscriber (IMSI, MSISDN), an APN, a framed address and a charging id unique in the run, an
 * Acct-Session-Id unique in the run (and across runs started in different seconds), and the
 * timeline Start → k Interim-Updates every Acct-Interim-Interval → Stop, ending before the run
 * starts. Volumes are cumulative (RFC 2866 §5.3/§5.4) with gigawords (RFC 2869 §5.1/§5.2) when a
 * counter passes 2^32. Deterministic for a seed. Pure.
 */
import type { AttributeInput } from '../../../protocols/radius/index.js';
import type { Rng } from '../rng.js';
import type { NasPlan } from './plan.js';

const APNS = ['internet', 'ims', 'iot.m2m', 'corp.example.com'];
const INTERVALS = [60, 300, 600, 900];
const CAUSES = ['User-Request', 'Idle-Timeout', 'Session-Timeout', 'Lost-Carrier', 'Admin-Reset'];
const MCC_MNC = '26201';
const TWO_32 = 1n << 32n;

export interface SessionContent {
  readonly acctSessionId: string;
  readonly userName: string;
  readonly msisdn: string;
  readonly imsi: string;
  readonly chargingId: number;
  readonly framedIp: string;
  readonly apn: string;
  /** Event-Timestamp of the Start (seconds since 1970). */
  readonly startSec: number;
  /** Seconds from the Start of each record: 0, the interims, the Stop (strictly increasing). */
  readonly offsets: readonly number[];
  readonly inputTotal: bigint;
  readonly outputTotal: bigint;
  readonly terminateCause: string;
}

export interface RunTag {
  /** Prefix of every Acct-Session-Id of the run: the run's start second in hex. */
  readonly prefix: string;
  /** 3GPP-Charging-ID of session 0; session i gets base + i (mod 2^32, never 0). */
  readonly chargingIdBase: number;
  /** Seconds since 1970 the sessions end before. */
  readonly nowSec: number;
}

export function runTag(nowMs: number, rng: Rng): RunTag {
  const nowSec = Math.floor(nowMs / 1000);
  return {
    prefix: nowSec.toString(16).toUpperCase().padStart(8, '0'),
    chargingIdBase: rng.int(1, 0x7fffffff),
    nowSec,
  };
}

/** Session `index` of the run (interims already drawn) with its subscriber, timeline and usage. */
export function drawSession(rng: Rng, tag: RunTag, index: number, interims: number): SessionContent {
  const interval = rng.pick(INTERVALS);
  const offsets = [0];
  for (let k = 1; k <= interims; k++) offsets.push(k * interval);
  const stop = interims === 0 ? rng.int(1, 3600) : interims * interval + rng.int(1, interval - 1);
  offsets.push(stop);
  const big = rng.next() < 0.05;
  const outputTotal = big ? TWO_32 + rng.bigintBelow(3e10) : 1000n + rng.bigintBelow(5e8);
  const inputTotal = outputTotal / BigInt(rng.int(4, 20)) + rng.bigintBelow(1e5);
  const msisdn = `49170${rng.digits(7)}`;
  const apn = rng.pick(APNS);
  const chargingId = ((tag.chargingIdBase + index) % 0xffffffff) + 1;
  return {
    acctSessionId: `${tag.prefix}-${index.toString(16).toUpperCase().padStart(8, '0')}`,
    userName: `${msisdn}@${apn}`,
    msisdn,
    imsi: `${MCC_MNC}${rng.digits(10)}`,
    chargingId,
    framedIp: `100.${64 + ((index >>> 16) & 63)}.${(index >>> 8) & 255}.${index & 255}`,
    apn,
    startSec: tag.nowSec - stop - rng.int(60, 7200),
    offsets,
    inputTotal,
    outputTotal,
    terminateCause: rng.pick(CAUSES),
  };
}

/** Octets `total` · t / stop, as counter and gigawords. */
function volume(total: bigint, t: number, stop: number): { octets: number; gigawords: number } {
  const v = (total * BigInt(t)) / BigInt(stop);
  return { octets: Number(v % TWO_32), gigawords: Number(v / TWO_32) };
}

export type AcctStatus = 'Start' | 'Interim-Update' | 'Stop';

export function statusOf(s: SessionContent, j: number): AcctStatus {
  return j === 0 ? 'Start' : j === s.offsets.length - 1 ? 'Stop' : 'Interim-Update';
}

/**
 * The attributes of record `j` of a session (0: Start, last: Stop) as its NAS sends it, after
 * `delaySec` seconds of trying (Acct-Delay-Time). Start carries no usage; Interim-Update and Stop the
 * usage so far; Stop the cause. Gigawords only when not 0.
 */
export function recordAttributes(
  s: SessionContent,
  nas: NasPlan,
  j: number,
  delaySec: number,
): AttributeInput[] {
  const status = statusOf(s, j);
  const t = s.offsets[j] as number;
  const a: AttributeInput[] = [
    { name: 'Acct-Status-Type', value: status },
    { name: 'Acct-Session-Id', value: s.acctSessionId },
    { name: 'User-Name', value: s.userName },
    { name: 'NAS-IP-Address', value: nas.address },
    { name: 'NAS-Identifier', value: nas.name },
    { name: 'NAS-Port-Type', value: 'Virtual' },
    { name: 'Calling-Station-Id', value: s.msisdn },
    { name: 'Called-Station-Id', value: s.apn },
    { name: 'Framed-IP-Address', value: s.framedIp },
    { name: 'Acct-Authentic', value: 'RADIUS' },
    { name: 'Event-Timestamp', value: s.startSec + t },
    { name: 'Acct-Delay-Time', value: delaySec },
  ];
  if (status !== 'Start') {
    const stop = s.offsets[s.offsets.length - 1] as number;
    const input = volume(s.inputTotal, t, stop);
    const output = volume(s.outputTotal, t, stop);
    a.push(
      { name: 'Acct-Session-Time', value: t },
      { name: 'Acct-Input-Octets', value: input.octets },
      { name: 'Acct-Output-Octets', value: output.octets },
    );
    if (input.gigawords > 0) a.push({ name: 'Acct-Input-Gigawords', value: input.gigawords });
    if (output.gigawords > 0) a.push({ name: 'Acct-Output-Gigawords', value: output.gigawords });
    a.push(
      { name: 'Acct-Input-Packets', value: Math.floor(input.octets / 700) + input.gigawords * 6_135_667 },
      { name: 'Acct-Output-Packets', value: Math.floor(output.octets / 1200) + output.gigawords * 3_579_139 },
    );
  }
  if (status === 'Stop') a.push({ name: 'Acct-Terminate-Cause', value: s.terminateCause });
  a.push(
    { name: '3GPP-IMSI', value: s.imsi },
    { name: '3GPP-Charging-ID', value: s.chargingId },
    { name: '3GPP-GGSN-Address', value: nas.address },
    { name: '3GPP-IMSI-MCC-MNC', value: MCC_MNC },
  );
  return a;
}
