/**
 * The prepare phase (not timed): draws every session, encodes and signs every Accounting-Request of
 * the run (the Identifier is fixed here: request j of a lane takes the lane's Identifiers in turn),
 * draws which records the NAS re-sends (a new Identifier, Acct-Delay-Time grown), lays the requests
 * out lane by lane in one buffer, orders the NASes' shares of the rate, and keeps what the ground
 * truth needs: each record's row (from `accountingToNar` of its encoded request) and each session's.
 */
import {
  accountingToNar,
  decodeAccountingRequest,
  encodeAccountingRequest,
} from '../../../protocols/radius/index.js';
import type { Nar } from '../../../protocols/nar/nar.js';
import { Rng } from '../rng.js';
import { laneIdentifiers, planNases, planSessions, type InterimsSpec, type NasPlan } from './plan.js';
import { drawSession, recordAttributes, runTag, type SessionContent } from './sessions.js';
import { recordLine, sessionLine, type TruthInput } from './truth.js';

export interface PrepareOptions {
  readonly nases: number;
  readonly interims: InterimsSpec;
  readonly limit: { sessions: number } | { minRecords: number };
  /** Lanes (requests in flight) per NAS, 1–128. */
  readonly window: number;
  readonly dupRate: number;
  readonly secret: string;
  readonly seed: number;
  /** Wall clock the sessions end before (ms since the epoch). */
  readonly nowMs: number;
}

export interface PreparedRadiusRun extends TruthInput {
  readonly nases: readonly NasPlan[];
  readonly window: number;
  /** Every request's bytes, signed, one after the other; request r is pool[reqOffset[r], +reqLength[r]). */
  readonly pool: Uint8Array;
  readonly reqOffset: Int32Array;
  readonly reqLength: Uint16Array;
  /** 1 for a record re-sent with a new Identifier. */
  readonly reqDup: Uint8Array;
  /** Lane of each request: NAS · window + lane of the NAS. */
  readonly reqLane: Int32Array;
  /** Each lane's requests: laneFirst[l] … laneFirst[l] + laneCount[l] − 1, sent in that order. */
  readonly laneFirst: Int32Array;
  readonly laneCount: Int32Array;
  /** The rate's release order: one entry per request naming its NAS, every NAS spread evenly. */
  readonly releaseNas: Uint16Array;
  readonly totalRequests: number;
  readonly duplicates: number;
  readonly acctSessionIdPrefix: string;
}

/** The bytes of request `r` (a view on the pool). */
export function requestBytes(run: PreparedRadiusRun, r: number): Uint8Array {
  const at = run.reqOffset[r] as number;
  return run.pool.subarray(at, at + (run.reqLength[r] as number));
}

/** Release order: NAS n's j-th of M_n requests at (j + 0.5) / M_n of the run. */
export function releaseOrder(perNas: readonly number[]): Uint16Array {
  const items: { key: number; nas: number }[] = [];
  perNas.forEach((m, nas) => {
    for (let j = 0; j < m; j++) items.push({ key: (j + 0.5) / m, nas });
  });
  items.sort((a, b) => a.key - b.key || a.nas - b.nas);
  return Uint16Array.from(items, (i) => i.nas);
}

export function prepareRun(o: PrepareOptions): PreparedRadiusRun {
  const nases = planNases(o.nases);
  const plan = planSessions(o.nases, o.interims, o.limit, o.seed);
  const tag = runTag(o.nowMs, new Rng(o.seed, 22));
  const sessionRng = new Rng(o.seed, 23);
  const dupRng = new Rng(o.seed, 24);
  const nSessions = plan.nasOf.length;
  const sessions: SessionContent[] = [];
  const sessionFirst = new Int32Array(nSessions);
  const dupDelay = new Uint8Array(plan.totalRecords);
  const recordSession = new Int32Array(plan.totalRecords);
  for (let s = 0, rec = 0; s < nSessions; s++) {
    sessions.push(drawSession(sessionRng, tag, s, plan.interimsOf[s] as number));
    sessionFirst[s] = rec;
    for (let j = 0; j < (plan.interimsOf[s] as number) + 2; j++, rec++) {
      recordSession[rec] = s;
      if (o.dupRate > 0 && dupRng.next() < o.dupRate) dupDelay[rec] = dupRng.int(2, 30);
    }
  }

  // Sessions of a NAS go to its lanes round robin; a lane sends its sessions one after the other.
  const W = o.window;
  const laneSessions: number[][] = Array.from({ length: o.nases * W }, () => []);
  const seen = new Int32Array(o.nases);
  for (let s = 0; s < nSessions; s++) {
    const n = plan.nasOf[s] as number;
    (laneSessions[n * W + ((seen[n] as number) % W)] as number[]).push(s);
    seen[n] = (seen[n] as number) + 1;
  }

  const chunks: Uint8Array[] = [];
  const reqRecord: number[] = [];
  const reqDup: number[] = [];
  const reqLane: number[] = [];
  const laneFirst = new Int32Array(laneSessions.length);
  const laneCount = new Int32Array(laneSessions.length);
  const perNas = new Array<number>(o.nases).fill(0);
  const recordLines = new Array<string>(plan.totalRecords);
  const sessionLines = new Array<string>(nSessions);
  laneSessions.forEach((list, lane) => {
    const nas = nases[Math.floor(lane / W)] as NasPlan;
    const ids = laneIdentifiers(lane % W, W);
    laneFirst[lane] = chunks.length;
    const push = (
      attrs: Parameters<typeof encodeAccountingRequest>[0]['attributes'],
      rec: number,
      dup: number,
    ): Uint8Array => {
      const identifier = ids[(chunks.length - (laneFirst[lane] as number)) % ids.length] as number;
      const bytes = encodeAccountingRequest({ identifier, attributes: attrs }, o.secret);
      chunks.push(bytes);
      reqRecord.push(rec);
      reqDup.push(dup);
      reqLane.push(lane);
      return bytes;
    };
    for (const s of list) {
      const content = sessions[s] as SessionContent;
      const nars: Nar[] = [];
      for (let j = 0; j < content.offsets.length; j++) {
        const rec = (sessionFirst[s] as number) + j;
        const bytes = push(recordAttributes(content, nas, j, 0), rec, 0);
        const nar = accountingToNar(decodeAccountingRequest(bytes));
        nars.push(nar);
        recordLines[rec] = recordLine(nar);
        const delay = dupDelay[rec] as number;
        if (delay > 0) push(recordAttributes(content, nas, j, delay), rec, 1);
      }
      sessionLines[s] = sessionLine(nars);
    }
    laneCount[lane] = chunks.length - (laneFirst[lane] as number);
    perNas[nas.index] = (perNas[nas.index] as number) + (laneCount[lane] as number);
  });

  const total = chunks.length;
  const reqOffset = new Int32Array(total);
  const reqLength = new Uint16Array(total);
  const pool = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  chunks.forEach((c, r) => {
    pool.set(c, at);
    reqOffset[r] = at;
    reqLength[r] = c.length;
    at += c.length;
  });
  const sessionRecords = Uint16Array.from(plan.interimsOf, (k) => k + 2);
  return {
    nases,
    window: W,
    pool,
    reqOffset,
    reqLength,
    reqDup: Uint8Array.from(reqDup),
    reqLane: Int32Array.from(reqLane),
    reqRecord: Int32Array.from(reqRecord),
    laneFirst,
    laneCount,
    releaseNas: releaseOrder(perNas),
    recordLine: recordLines,
    recordSession,
    sessionLine: sessionLines,
    sessionRecords,
    totalRequests: total,
    duplicates: reqDup.reduce((n, d) => n + d, 0),
    acctSessionIdPrefix: tag.prefix,
  };
}
