/**
 * Who the simulated NASes are and what they send: source addresses on loopback, per session its NAS
 * and number of Interim-Updates, and the lanes a NAS sends on (one request in flight per lane, each
 * lane with Identifiers of its own). Pure.
 */
import { Rng } from '../rng.js';

export interface InterimsSpec {
  readonly min: number;
  readonly max: number;
}

/** Interim-Updates of one session never exceed this. */
export const MAX_INTERIMS = 1000;
/** Lanes per NAS at most: every lane then owns at least two of the 256 Identifiers. */
export const MAX_WINDOW = 128;

export interface NasPlan {
  readonly index: number;
  /** Source address and NAS-IP-Address: 127.0.0.(10+i), continuing into 127.0.1.x past .255. */
  readonly address: string;
  /** NAS-Identifier. */
  readonly name: string;
}

export interface SessionPlan {
  /** NAS of each session (round robin). */
  readonly nasOf: Uint16Array;
  /** Interim-Updates of each session. */
  readonly interimsOf: Uint16Array;
  /** Accounting records over all sessions (Start + interims + Stop each). */
  readonly totalRecords: number;
}

/** Source address of NAS `i`. */
export function nasAddress(i: number): string {
  const n = 10 + i;
  return `127.0.${n >>> 8}.${n & 0xff}`;
}

export function planNases(count: number): NasPlan[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    address: nasAddress(index),
    name: `nas-${index + 1}`,
  }));
}

/** Mean records (Start, interims, Stop) per session. */
export function meanRecords(spec: InterimsSpec): number {
  return 2 + (spec.min + spec.max) / 2;
}

/**
 * Sessions: NAS by round robin, interims uniform in [min, max]; stops after `sessions` sessions, or
 * once the sessions hold `minRecords` records.
 */
export function planSessions(
  nases: number,
  interims: InterimsSpec,
  limit: { sessions: number } | { minRecords: number },
  seed: number,
): SessionPlan {
  const rng = new Rng(seed, 21);
  const nasOf: number[] = [];
  const interimsOf: number[] = [];
  let records = 0;
  const more = (): boolean =>
    'sessions' in limit ? nasOf.length < limit.sessions : records < limit.minRecords;
  while (more()) {
    const k = rng.int(interims.min, interims.max);
    nasOf.push(nasOf.length % nases);
    interimsOf.push(k);
    records += k + 2;
  }
  return { nasOf: Uint16Array.from(nasOf), interimsOf: Uint16Array.from(interimsOf), totalRecords: records };
}

/**
 * The Identifiers lane `lane` of `window` owns: lane, lane + window, lane + 2·window, … below 256.
 * Lanes never share one, so requests in flight on a NAS never do either, and consecutive requests
 * of a lane (a record and its re-sent copy) always differ when window ≤ 128.
 */
export function laneIdentifiers(lane: number, window: number): number[] {
  if (!Number.isInteger(window) || window < 1 || window > MAX_WINDOW || lane < 0 || lane >= window) {
    throw new RangeError(`lane ${lane} of window ${window}: expected 0 ≤ lane < window ≤ ${MAX_WINDOW}`);
  }
  const out: number[] = [];
  for (let id = lane; id < 256; id += window) out.push(id);
  return out;
}
