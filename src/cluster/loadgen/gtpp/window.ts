/**
 * A GSN's requests awaiting an answer: by sequence number (a 16-bit space that wraps), the set
 * outstanding, and the originals replaced by possibly duplicated copies (whose late answers count).
 */
import { Cause } from '../../../protocols/gtpp/index.js';
import type { Endpoint } from '../args.js';

/** Duplicate scenarios drawn per message (`--dup-rate`). */
export const Trick = { None: 0, LostResponse: 1, FailoverCancel: 2, LostRequest: 3 } as const;
export type TrickValue = (typeof Trick)[keyof typeof Trick];

export const Kind = { Send: 0, Dup: 1, Cancel: 2, Release: 3, NodeAlive: 4 } as const;
export type KindValue = (typeof Kind)[keyof typeof Kind];

export interface Req {
  seq: number;
  readonly kind: KindValue;
  /** Prepared message whose CDRs the request carries or names (-1: none). */
  readonly msg: number;
  bytes: Uint8Array;
  readonly target: Endpoint;
  /** Time of the last transmission (ms of the run). */
  sentMs: number;
  tries: number;
  /** Duplicate scenario of a Send (prepare.ts `Trick`). */
  readonly trick: number;
  /** Scenarios (a)/(b): the next answer is taken as lost. */
  ignoreNext: boolean;
  /** Scenario (c): never put on the wire. */
  unsent: boolean;
  /** Scenarios (a)/(b): its answer was ignored; until it goes again, its slot waits for the timeout. */
  answerIgnored: boolean;
  /** Send: the gateway took it. Dup: the original was taken (so Cancel follows, not Release). */
  taken: boolean;
  /** Cancel/Release: the possibly duplicated packet named. Dup: the original's sequence (-1: none). */
  readonly other: number;
}

export class RequestTable {
  readonly #bySeq: (Req | undefined)[] = new Array<Req | undefined>(65_536);
  readonly outstanding = new Set<Req>();
  readonly superseded = new Map<number, Req>();
  #next = 0;

  get size(): number {
    return this.outstanding.size;
  }

  /** Next free sequence number (skipping those still outstanding or superseded). */
  nextSeq(): number {
    for (;;) {
      const s = this.#next;
      this.#next = (this.#next + 1) & 0xffff;
      if (this.#bySeq[s] === undefined && !this.superseded.has(s)) return s;
    }
  }

  /** A restarted GSN numbers from 0 again and has forgotten what it replaced. */
  restartNumbering(): void {
    this.#next = 0;
    this.superseded.clear();
  }

  get(seq: number): Req | undefined {
    return this.#bySeq[seq];
  }

  add(r: Req): void {
    this.#bySeq[r.seq] = r;
    this.outstanding.add(r);
  }

  remove(r: Req): void {
    if (this.#bySeq[r.seq] === r) this.#bySeq[r.seq] = undefined;
    this.outstanding.delete(r);
  }
}

const sameEndpoint = (a: Endpoint, b: Endpoint): boolean => a.host === b.host && a.port === b.port;
export { sameEndpoint };

/**
 * Where a Redirection Request sends new requests: the secondary when it is the recommended node or
 * none is named; a recommended loopback node (on the primary's port) otherwise; undefined: stay.
 */
export function redirectTarget(
  recommended: string | undefined,
  primary: Endpoint,
  secondary: Endpoint | undefined,
): Endpoint | undefined {
  if (recommended === undefined || recommended === secondary?.host) return secondary;
  if (recommended.startsWith('127.') || recommended === '::1')
    return { host: recommended, port: primary.port };
  return secondary;
}

/** A request with no duplicate scenario, not yet sent. */
export function request(
  fields: Pick<Req, 'seq' | 'kind' | 'msg' | 'bytes' | 'target' | 'sentMs'> & Partial<Req>,
): Req {
  return {
    tries: 0,
    trick: 0,
    ignoreNext: false,
    unsent: false,
    answerIgnored: false,
    taken: false,
    other: -1,
    ...fields,
  };
}

export type Answer = 'taken' | 'fulfilled' | 'slow-down' | 'rejected';

/**
 * What a Data Record Transfer Response cause means to the GSN: taken (acceptance 128–191 except 177
 * CDR decoding error), already fulfilled (252, 253: taken earlier), slow down (199 no resources,
 * 60/61 buffers becoming full: back off and try again), or rejected (anything else).
 */
export function answerOf(cause: number): Answer {
  if (cause === Cause.CdrDecodingError) return 'rejected';
  if (cause >= 128 && cause <= 191) return 'taken';
  if (
    cause === Cause.RequestAlreadyFulfilled ||
    cause === Cause.RequestRelatedToPossiblyDuplicatedPacketsAlreadyFulfilled
  ) {
    return 'fulfilled';
  }
  if (
    cause === Cause.NoResourcesAvailable ||
    cause === Cause.TransmitBuffersBecomingFull ||
    cause === Cause.ReceiveBuffersBecomingFull
  ) {
    return 'slow-down';
  }
  return 'rejected';
}
