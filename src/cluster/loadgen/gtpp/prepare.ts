/**
 * The prepare phase (not timed): generates every CDR of the run, encodes them (BER, TS 32.298) into
 * Data Record Transfer Requests of `cdrsPerMessage` records, orders the messages of all GSNs into one
 * release order, draws the duplicate scenario of each message, and keeps what the ground truth needs:
 * one CSV line per CDR (from `cdrToNar`) and per-session totals.
 */
import { cdrToNar, encodeCdr } from '../../../protocols/cdr/index.js';
import { formatCsvLine } from '../../../protocols/csv/csv.js';
import { encodeFrame, PacketTransferCommand, type GtppVersion } from '../../../protocols/gtpp/index.js';
import type { AttributeValue, Nar } from '../../../protocols/nar/nar.js';
import { Rng } from '../rng.js';
import { gsnCdrs, peersOf, runIdentity } from './cdrs.js';
import { DATA_RECORD_FORMAT, DATA_RECORD_FORMAT_VERSION } from './requests.js';
import { TRUTH_CDR_COLUMNS } from './truth-columns.js';
import { type GsnPlan, type MixEntry, type RecordsSpec, planGsns, planSessions } from './plan.js';

export interface PrepareOptions {
  readonly gsns: number;
  /** Number of the first GSN (its address and node id); default 0. */
  readonly firstGsn?: number;
  readonly ipv6: boolean;
  readonly mix: readonly MixEntry[];
  readonly records: RecordsSpec;
  readonly limit: { sessions: number } | { minRecords: number };
  readonly cdrsPerMessage: number;
  readonly gtppVersion: GtppVersion;
  readonly dupRate: number;
  readonly seed: number;
  /** Wall clock the records end before (ms since the epoch). */
  readonly nowMs: number;
}

export interface PreparedRun {
  readonly gsns: readonly GsnPlan[];
  /** Messages in release order: GSN, request bytes (sequence number 0, patched when sent), CDRs. */
  readonly msgGsn: Uint16Array;
  readonly msgFrame: readonly Uint8Array[];
  readonly msgFirstCdr: Int32Array;
  readonly msgCdrs: Uint8Array;
  readonly msgTrick: Uint8Array;
  /** Per CDR: its `truth/cdr.csv` line and its session. */
  readonly cdrLine: readonly string[];
  readonly cdrSession: Int32Array;
  /** Per session: its `truth/sessions.csv` line and number of records. */
  readonly sessionLine: readonly string[];
  readonly sessionRecords: Uint16Array;
  readonly totalCdrs: number;
}

const text = (v: AttributeValue | undefined): string => (v === null || v === undefined ? '' : String(v));

export function truthLine(nar: Nar): string {
  return formatCsvLine(TRUTH_CDR_COLUMNS.map((c) => text(nar[c])));
}

/** A session's totals over its records so far, for its `truth/sessions.csv` line. */
export interface SessionTotals {
  imsi: string;
  chargingId: string;
  ggsnAddress: string;
  up: bigint;
  down: bigint;
  duration: number;
  cause: string;
}

const asBigint = (v: AttributeValue | undefined): bigint =>
  typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : 0n;

/** Adds a session's next record (as its NAR) to its totals; the first record starts them. */
export function addToSession(t: SessionTotals | undefined, nar: Nar): SessionTotals {
  if (t === undefined) {
    return {
      imsi: text(nar.imsi),
      chargingId: text(nar.chargingId),
      ggsnAddress: text(nar.ggsnAddress),
      up: asBigint(nar.uplinkBytes),
      down: asBigint(nar.downlinkBytes),
      duration: Number(nar.duration ?? 0),
      cause: text(nar.causeForRecClosing),
    };
  }
  t.up += asBigint(nar.uplinkBytes);
  t.down += asBigint(nar.downlinkBytes);
  t.duration += Number(nar.duration ?? 0);
  t.cause = text(nar.causeForRecClosing);
  return t;
}

/** A session's `truth/sessions.csv` line. */
export function sessionTruthLine(t: SessionTotals, records: number): string {
  return formatCsvLine([
    t.imsi,
    t.chargingId,
    t.ggsnAddress,
    String(records),
    String(t.up),
    String(t.down),
    String(t.duration),
    t.cause,
  ]);
}

/** A Data Record Transfer Request (Send) of `records` with sequence number 0, patched when sent. */
export function sendRequestFrame(version: GtppVersion, records: Uint8Array[]): Uint8Array {
  return encodeFrame({
    version,
    longHeader: false,
    sequence: 0,
    message: {
      type: 'data-record-transfer-request',
      command: PacketTransferCommand.Send,
      packet: { format: DATA_RECORD_FORMAT, formatVersion: DATA_RECORD_FORMAT_VERSION, records },
    },
  });
}

/** The duplicate scenario (Trick) of the next message: 0 (none) or 1–3, drawn from `dup`. */
export function drawTrick(dup: Rng, dupRate: number): number {
  return dupRate > 0 && dup.next() < dupRate ? 1 + Math.min(2, Math.floor(dup.next() * 3)) : 0;
}

export function prepareRun(o: PrepareOptions): PreparedRun {
  const gsns = planGsns(o.gsns, o.mix, o.ipv6, o.firstGsn);
  const plan = planSessions(gsns, o.mix, o.records, o.limit, o.seed);
  const id = runIdentity(o.seed);
  const peers = peersOf(gsns);
  const sessionsOf: number[][] = gsns.map(() => []);
  plan.gsnOf.forEach((g, s) => (sessionsOf[g] as number[]).push(s));

  const cdrLine: string[] = [];
  const cdrSession = new Int32Array(plan.totalRecords);
  const totals: (SessionTotals | undefined)[] = new Array<SessionTotals | undefined>(plan.recordsOf.length);
  const perGsn: { frames: Uint8Array[]; first: number[]; count: number[] }[] = [];
  const K = o.cdrsPerMessage;

  for (const g of gsns) {
    const frames: Uint8Array[] = [];
    const first: number[] = [];
    const count: number[] = [];
    let batch: Uint8Array[] = [];
    let batchFirst = cdrLine.length;
    const flush = (): void => {
      if (batch.length === 0) return;
      frames.push(sendRequestFrame(o.gtppVersion, batch));
      first.push(batchFirst);
      count.push(batch.length);
      batch = [];
      batchFirst = cdrLine.length;
    };
    for (const { record, session } of gsnCdrs(
      g,
      sessionsOf[g.index] as number[],
      plan,
      id,
      peers,
      o.nowMs,
      o.seed,
    )) {
      const nar = cdrToNar(record);
      cdrSession[cdrLine.length] = session;
      cdrLine.push(truthLine(nar));
      totals[session] = addToSession(totals[session], nar);
      batch.push(encodeCdr(record));
      if (batch.length === K) flush();
    }
    flush();
    perGsn.push({ frames, first, count });
  }

  // Release order: GSN g's message j at (j + 0.5) / M_g of the run, so every GSN finishes together.
  const keys: { key: number; g: number; j: number }[] = [];
  perGsn.forEach((p, g) => {
    const m = p.frames.length;
    for (let j = 0; j < m; j++) keys.push({ key: (j + 0.5) / m, g, j });
  });
  keys.sort((a, b) => a.key - b.key || a.g - b.g);
  const n = keys.length;
  const msgGsn = new Uint16Array(n);
  const msgFrame: Uint8Array[] = new Array<Uint8Array>(n);
  const msgFirstCdr = new Int32Array(n);
  const msgCdrs = new Uint8Array(n);
  const msgTrick = new Uint8Array(n);
  const dup = new Rng(o.seed, 3);
  keys.forEach(({ g, j }, i) => {
    const p = perGsn[g] as (typeof perGsn)[number];
    msgGsn[i] = g;
    msgFrame[i] = p.frames[j] as Uint8Array;
    msgFirstCdr[i] = p.first[j] as number;
    msgCdrs[i] = p.count[j] as number;
    msgTrick[i] = drawTrick(dup, o.dupRate);
  });

  const sessionLine = totals.map((t, s) =>
    t === undefined ? '' : sessionTruthLine(t, plan.recordsOf[s] as number),
  );
  return {
    gsns,
    msgGsn,
    msgFrame,
    msgFirstCdr,
    msgCdrs,
    msgTrick,
    cdrLine,
    cdrSession,
    sessionLine,
    sessionRecords: plan.recordsOf,
    totalCdrs: cdrLine.length,
  };
}
