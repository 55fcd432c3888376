/**
 * Who the simulated GSNs are and which sessions each one serves: roles from the record-type mix,
 * source addresses on loopback, and per session its GSN and number of partial records. Pure.
 */
import type { CdrRecordType } from '../../../protocols/cdr/index.js';
import { Rng } from '../rng.js';

export const RECORD_TYPES: readonly CdrRecordType[] = [
  'pGWRecord',
  'sGWRecord',
  'ggsnPDPRecord',
  'egsnPDPRecord',
  'sgsnPDPRecord',
];

export interface MixEntry {
  readonly recordType: CdrRecordType;
  readonly weight: number;
}

export type RecordsSpec =
  | { readonly kind: 'fixed'; readonly n: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'geometric'; readonly mean: number };

/** Partial records of one session never exceed this (a geometric draw is capped). */
export const MAX_RECORDS_PER_SESSION = 1000;

export interface GsnPlan {
  /** Its place in the run (0, 1, …). */
  readonly index: number;
  /**
   * Source address: 127.0.0.(10+n) for GSN number n = first + index (continuing into 127.0.1.x past
   * .255), or ::1.
   */
  readonly address: string;
  readonly role: CdrRecordType;
  readonly nodeId: string;
}

export interface SessionPlan {
  /** GSN of each session. */
  readonly gsnOf: Uint16Array;
  /** Partial records of each session. */
  readonly recordsOf: Uint16Array;
  /** Records over all sessions. */
  readonly totalRecords: number;
}

/** Source address of GSN `i`. */
export function gsnAddress(i: number, ipv6: boolean): string {
  if (ipv6) return '::1';
  const n = 10 + i;
  return `127.0.${n >>> 8}.${n & 0xff}`;
}

const NODE_PREFIX: Readonly<Record<CdrRecordType, string>> = {
  pGWRecord: 'PGW',
  sGWRecord: 'SGW',
  ggsnPDPRecord: 'GGSN',
  egsnPDPRecord: 'EGSN',
  sgsnPDPRecord: 'SGSN',
};

/** The highest GSN number a source address can be given (127.0.255.255). */
export const MAX_GSN_NUMBER = 0xffff - 10;

/**
 * Gives each GSN a role so the number of GSNs per record type follows the mix (largest deficit first),
 * every type with weight > 0 getting at least one GSN while there are GSNs to give. The GSNs are
 * numbered from `first` (addresses and node ids), so generators given different ranges never share one.
 */
export function planGsns(count: number, mix: readonly MixEntry[], ipv6: boolean, first = 0): GsnPlan[] {
  const entries = mix.filter((m) => m.weight > 0).sort((a, b) => b.weight - a.weight);
  const total = entries.reduce((s, m) => s + m.weight, 0);
  const seats: number[] = entries.map((_, i) => (i < count ? 1 : 0));
  const quota = entries.map((m) => (m.weight / total) * count);
  // Each further GSN goes to the type furthest below its share (ties: the heavier type).
  for (let left = count - Math.min(count, entries.length); left > 0; left--) {
    let best = 0;
    for (let i = 1; i < entries.length; i++) {
      if ((quota[i] as number) - (seats[i] as number) > (quota[best] as number) - (seats[best] as number))
        best = i;
    }
    seats[best] = (seats[best] as number) + 1;
  }
  const out: GsnPlan[] = [];
  entries.forEach((m, t) => {
    for (let s = 0; s < (seats[t] as number); s++) {
      const index = out.length;
      out.push({
        index,
        address: gsnAddress(first + index, ipv6),
        role: m.recordType,
        nodeId: `${NODE_PREFIX[m.recordType]}-${first + index + 1}`,
      });
    }
  });
  return out;
}

/** Draws the number of partial records of one session. */
export function drawRecords(spec: RecordsSpec, rng: Rng): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.n;
    case 'uniform':
      return rng.int(spec.min, spec.max);
    case 'geometric':
      return Math.min(MAX_RECORDS_PER_SESSION, rng.geometric(spec.mean));
  }
}

/** Mean records per session of a spec. */
export function meanRecords(spec: RecordsSpec): number {
  if (spec.kind === 'fixed') return spec.n;
  if (spec.kind === 'uniform') return (spec.min + spec.max) / 2;
  return spec.mean;
}

/** How far a plan goes: a number of sessions, sessions enough for a number of records, or no end. */
export type PlanLimit = { sessions: number } | { minRecords: number } | { unbounded: true };

/**
 * Sessions one at a time: each gets a record type by the mix (among the types some GSN has), a GSN
 * of that type (round robin) and its number of records; ends after `sessions` sessions, or once
 * `minRecords` records are planned, or never. Deterministic for a seed.
 */
export class SessionPlanner {
  readonly #byType = new Map<CdrRecordType, number[]>();
  readonly #present: readonly MixEntry[];
  readonly #total: number;
  readonly #cursor = new Map<CdrRecordType, number>();
  readonly #rng: Rng;
  #sessions = 0;
  #records = 0;

  constructor(
    gsns: readonly GsnPlan[],
    mix: readonly MixEntry[],
    private readonly spec: RecordsSpec,
    private readonly limit: PlanLimit,
    seed: number,
  ) {
    for (const g of gsns) this.#byType.set(g.role, [...(this.#byType.get(g.role) ?? []), g.index]);
    this.#present = mix.filter((m) => m.weight > 0 && this.#byType.has(m.recordType));
    this.#total = this.#present.reduce((s, m) => s + m.weight, 0);
    this.#rng = new Rng(seed, 1);
  }

  /** Sessions planned so far (the next one's index). */
  get sessions(): number {
    return this.#sessions;
  }

  /** Records planned so far. */
  get plannedRecords(): number {
    return this.#records;
  }

  /** The next session's GSN and number of records, or undefined once the limit is reached. */
  next(): { readonly gsn: number; readonly records: number } | undefined {
    const l = this.limit;
    if ('sessions' in l ? this.#sessions >= l.sessions : 'minRecords' in l && this.#records >= l.minRecords)
      return undefined;
    let x = this.#rng.next() * this.#total;
    let type = (this.#present[this.#present.length - 1] as MixEntry).recordType;
    for (const m of this.#present) {
      if (x < m.weight) {
        type = m.recordType;
        break;
      }
      x -= m.weight;
    }
    const list = this.#byType.get(type) as number[];
    const c = this.#cursor.get(type) ?? 0;
    this.#cursor.set(type, c + 1);
    const n = drawRecords(this.spec, this.#rng);
    this.#sessions++;
    this.#records += n;
    return { gsn: list[c % list.length] as number, records: n };
  }
}

/** Every session of a bounded plan (see SessionPlanner). */
export function planSessions(
  gsns: readonly GsnPlan[],
  mix: readonly MixEntry[],
  records: RecordsSpec,
  limit: { sessions: number } | { minRecords: number },
  seed: number,
): SessionPlan {
  const planner = new SessionPlanner(gsns, mix, records, limit, seed);
  const gsnOf: number[] = [];
  const recordsOf: number[] = [];
  for (let s = planner.next(); s !== undefined; s = planner.next()) {
    gsnOf.push(s.gsn);
    recordsOf.push(s.records);
  }
  return {
    gsnOf: Uint16Array.from(gsnOf),
    recordsOf: Uint16Array.from(recordsOf),
    totalRecords: planner.plannedRecords,
  };
}
