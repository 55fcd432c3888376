/**
 * Plausible partial CDRs for the sessions of one GSN, interleaved as a busy node would close them:
 * each session has its subscriber (IMSI from the run's home network, MSISDN, IMEI with its Luhn
 * digit), APN, served address and a charging id unique in the run; record k of n has
 * recordSequenceNumber k, cause 16/17 (volume/time limit) before the last and 0 (normal release) on
 * it, opening times advancing by the previous records' durations and ending before the run starts,
 * 1–3 traffic volume containers, and on P-GW records service data containers too (the SGW-CDR of
 * TS 32.298 has no listOfServiceData). S-GW and P-GW records carry the mandatory servingNodeType; an
 * S-GW record names itself (s-GWAddress) and the MME serving the bearer (servingNodeAddress).
 * Deterministic for a seed. Pure.
 */
import type { CdrRecord, CdrRecordType, ServiceData, TrafficVolume } from '../../../protocols/cdr/index.js';
import { isoDateTime } from '../../../protocols/iso-time.js';
import { Rng } from '../rng.js';
import type { GsnPlan, SessionPlan } from './plan.js';

/** Home networks a run draws its MCC/MNC from (country code for MSISDNs alongside). */
const HOME_NETWORKS: readonly { mccMnc: string; cc: string }[] = [
  { mccMnc: '26201', cc: '49' },
  { mccMnc: '23415', cc: '44' },
  { mccMnc: '20801', cc: '33' },
  { mccMnc: '22210', cc: '39' },
  { mccMnc: '310260', cc: '1' },
  { mccMnc: '21407', cc: '34' },
  { mccMnc: '24008', cc: '46' },
  { mccMnc: '50501', cc: '61' },
];
const APNS = ['internet', 'ims', 'mms', 'iot.m2m', 'corp.example.com', 'wap'];
const TACS = ['35332510', '35875709', '35391108', '86765403', '35290611'];
const RATING_GROUPS = [10, 20, 30, 100, 200];
/**
 * ServiceConditionChange BIT STRING of a container closed with its record: content octets (the first
 * gives the unused bits, none) with only recordClosure (bit 24, the first bit of the fourth octet) set.
 */
export const RECORD_CLOSURE = '0000000080';
/** Sessions a GSN keeps open at once; their records interleave. */
const OPEN_SESSIONS = 16;

export interface RunIdentity {
  readonly mccMnc: string;
  readonly countryCode: string;
  /** First charging id of the run; session i gets `base + i` (mod 2^32, never 0). */
  readonly chargingIdBase: number;
}

export function runIdentity(seed: number): RunIdentity {
  const rng = new Rng(seed, 5);
  const home = rng.pick(HOME_NETWORKS);
  return { mccMnc: home.mccMnc, countryCode: home.cc, chargingIdBase: rng.int(1, 0x7fffffff) };
}

export interface GeneratedCdr {
  readonly record: CdrRecord;
  readonly session: number;
}

interface OpenSession {
  readonly index: number;
  readonly base: Omit<CdrRecord, 'recordType' | 'unknownFields'>;
  readonly durations: number[];
  next: number;
  openingMs: number;
}

function luhn(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** ISO 8601 with an explicit +00:00 offset, whole seconds (the CDR TimeStamp resolution). */
export function isoSeconds(ms: number): string {
  return `${isoDateTime(Math.floor(ms / 1000))}+00:00`;
}

/** Addresses a record names: its GGSN/P-GW (for S-CDR/SGW: one of the run's) and SGSN/S-GW. */
export interface Peers {
  /** Addresses of the GSNs whose records name themselves as GGSN/P-GW. */
  readonly gateways: readonly string[];
  /** Addresses of the serving nodes (SGSN/S-GW). */
  readonly serving: readonly string[];
}

export function peersOf(gsns: readonly GsnPlan[]): Peers {
  const gw: CdrRecordType[] = ['pGWRecord', 'ggsnPDPRecord', 'egsnPDPRecord'];
  return {
    gateways: gsns.filter((g) => gw.includes(g.role)).map((g) => g.address),
    serving: gsns.filter((g) => !gw.includes(g.role)).map((g) => g.address),
  };
}

/** The CDRs of one GSN, in the order the GSN closes them. */
export function gsnCdrs(
  gsn: GsnPlan,
  sessionIndexes: readonly number[],
  plan: SessionPlan,
  id: RunIdentity,
  peers: Peers,
  nowMs: number,
  seed: number,
): Generator<GeneratedCdr> {
  let next = 0;
  return gsnCdrsOf(
    gsn,
    { take: () => sessionIndexes[next++], recordsOf: (s) => plan.recordsOf[s] as number },
    id,
    peers,
    nowMs,
    seed,
  );
}

/** Where a GSN's sessions come from: the next one's index (undefined: no more), and its records. */
export interface SessionSource {
  take(): number | undefined;
  recordsOf(session: number): number;
}

/** The CDRs of one GSN, its sessions taken from `sessions` as it opens them. */
export function* gsnCdrsOf(
  gsn: GsnPlan,
  sessions: SessionSource,
  id: RunIdentity,
  peers: Peers,
  nowMs: number,
  seed: number,
): Generator<GeneratedCdr> {
  const rng = new Rng(seed, 1000 + gsn.index);
  const isGateway = gsn.role === 'pGWRecord' || gsn.role === 'ggsnPDPRecord' || gsn.role === 'egsnPDPRecord';
  const epc = gsn.role === 'pGWRecord' || gsn.role === 'sGWRecord';
  const open: OpenSession[] = [];
  let more = true;
  let localSequenceNumber = 0;
  const openOne = (index: number): void => {
    const n = sessions.recordsOf(index);
    const durations = Array.from({ length: n }, () => rng.int(30, 900));
    const span = durations.reduce((a, b) => a + b, 0);
    const msin = rng.digits(15 - id.mccMnc.length);
    const tac = rng.pick(TACS);
    const serial = rng.digits(6);
    const chargingID = ((id.chargingIdBase + index) % 0xffffffff) + 1;
    const ggsnAddress = isGateway
      ? gsn.address
      : peers.gateways.length > 0
        ? rng.pick(peers.gateways)
        : '127.0.1.1';
    const servingAddress = isGateway
      ? peers.serving.length > 0
        ? rng.pick(peers.serving)
        : '127.0.2.1'
      : gsn.address;
    open.push({
      index,
      durations,
      next: 0,
      openingMs: nowMs - (span + rng.int(5, 120)) * 1000,
      base: {
        servedIMSI: `${id.mccMnc}${msin}`,
        servedMSISDN: `${id.countryCode}${rng.digits(12 - id.countryCode.length)}`,
        servedIMEI: `${tac}${serial}${luhn(tac + serial)}`,
        chargingID,
        ggsnAddress,
        // An S-GW record names the S-GW itself and the MME serving the bearer (servingNodeAddress).
        ...(gsn.role === 'sGWRecord'
          ? { sGWAddress: gsn.address, sgsnAddress: [`127.0.3.${1 + (gsn.index % 250)}`] }
          : { sgsnAddress: [servingAddress] }),
        ...(epc ? { servingNodeType: [gsn.role === 'pGWRecord' ? 2 : 5] } : {}),
        accessPointNameNI: rng.pick(APNS),
        servedPDPAddress: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
        nodeID: gsn.nodeId,
        rATType: epc ? 6 : rng.pick([1, 2]),
        chargingCharacteristics: '0800',
      },
    });
  };
  for (;;) {
    while (more && open.length < OPEN_SESSIONS) {
      const index = sessions.take();
      if (index === undefined) more = false;
      else openOne(index);
    }
    if (open.length === 0) return;
    const slot = rng.int(0, open.length - 1);
    const s = open[slot] as OpenSession;
    const n = s.durations.length;
    const k = s.next + 1;
    const duration = s.durations[s.next] as number;
    const volumes = containers(rng, s.openingMs, duration);
    const record: CdrRecord = {
      recordType: gsn.role,
      ...s.base,
      listOfTrafficVolumes: volumes,
      ...(gsn.role === 'pGWRecord'
        ? { listOfServiceData: serviceData(rng, volumes, s.openingMs, duration) }
        : {}),
      recordOpeningTime: isoSeconds(s.openingMs),
      duration,
      causeForRecClosing: k < n ? rng.pick([16, 17]) : 0,
      recordSequenceNumber: k,
      localSequenceNumber: ++localSequenceNumber,
      unknownFields: 0,
    };
    s.next = k;
    s.openingMs += duration * 1000;
    if (k === n) open.splice(slot, 1);
    yield { record, session: s.index };
  }
}

function containers(rng: Rng, openingMs: number, duration: number): TrafficVolume[] {
  const count = rng.int(1, 3);
  const out: TrafficVolume[] = [];
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    out.push({
      dataVolumeUplink: rng.bigintBelow(5_000_000),
      dataVolumeDownlink: rng.bigintBelow(50_000_000),
      changeCondition: last ? 2 : rng.pick([0, 1]),
      changeTime: isoSeconds(openingMs + Math.floor(((i + 1) * duration * 1000) / count)),
    });
  }
  return out;
}

function serviceData(
  rng: Rng,
  volumes: readonly TrafficVolume[],
  openingMs: number,
  duration: number,
): ServiceData[] {
  const first = isoSeconds(openingMs);
  const last = isoSeconds(openingMs + duration * 1000);
  return volumes.map((v, i) => ({
    ratingGroup: rng.pick(RATING_GROUPS),
    localSequenceNumber: i + 1,
    timeOfFirstUsage: first,
    timeOfLastUsage: last,
    serviceConditionChange: RECORD_CLOSURE,
    datavolumeFBCUplink: v.dataVolumeUplink,
    datavolumeFBCDownlink: v.dataVolumeDownlink,
    timeOfReport: last,
  }));
}
