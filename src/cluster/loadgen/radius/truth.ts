/**
 * Ground truth of a RADIUS load run, in the columns of config/radius-accounting.yaml's outputs and
 * formatted as the file OI writes them (from the NAR `accountingToNar` makes of each record):
 *   records.csv      every accounting record some request of which was answered, once (a record
 *                    re-sent with a new Identifier is still one record)
 *   sessions.csv     every session all of whose records were answered: the aggregate-ap row (first
 *                    User-Name and Event-Timestamp, usage from the Stop, records counted)
 *   unconfirmed.csv  records sent but never answered (may or may not reach the outputs)
 * Pure apart from writeTruth; rows sorted.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCsvLine } from '../../../protocols/csv/csv.js';
import type { AttributeValue, Nar } from '../../../protocols/nar/nar.js';
import { writeCsv } from '../gtpp/truth.js';

/** Columns of the `records` output (attribute = column). */
export const RECORD_COLUMNS = [
  'nasIpAddress',
  'acctSessionId',
  'acctStatusType',
  'userName',
  'callingStationId',
  'framedIpAddress',
  'eventTimestamp',
  'sessionTime',
  'inputOctets',
  'outputOctets',
  'terminateCause',
] as const;

/** Columns of the `sessions` output. */
export const SESSION_COLUMNS = [
  'nasIpAddress',
  'acctSessionId',
  'userName',
  'startedAt',
  'records',
  'inputOctets',
  'outputOctets',
  'sessionTime',
  'lastStatus',
  'terminateCause',
] as const;

export const RECORDS_HEADER = RECORD_COLUMNS.join(',');
export const SESSIONS_HEADER = SESSION_COLUMNS.join(',');

/** What the run knows about each request in the end. */
export const Outcome = {
  NotSent: 0,
  /** Sent, no answer yet. */
  Sent: 1,
  /** A verified Accounting-Response came. */
  Answered: 2,
  /** Out of retries without an answer. */
  Unanswered: 3,
} as const;
export type OutcomeValue = (typeof Outcome)[keyof typeof Outcome];

const text = (v: AttributeValue | undefined): string => (v === null || v === undefined ? '' : String(v));

/** A record's row in records.csv. */
export function recordLine(nar: Nar): string {
  return formatCsvLine(RECORD_COLUMNS.map((c) => text(nar[c])));
}

const first = (nars: readonly Nar[], a: string): AttributeValue | undefined =>
  nars.find((n) => n[a] !== undefined && n[a] !== null)?.[a];
const last = (nars: readonly Nar[], a: string): AttributeValue | undefined =>
  nars.findLast((n) => n[a] !== undefined && n[a] !== null)?.[a];

/**
 * A session's row in sessions.csv from its records in order, as aggregate-ap makes it: key
 * attributes of the first record, `first`/`last` non-null values of the action fields, and the
 * number of records merged.
 */
export function sessionLine(nars: readonly Nar[]): string {
  const head = nars[0] ?? {};
  return formatCsvLine([
    text(head['nasIpAddress']),
    text(head['acctSessionId']),
    text(first(nars, 'userName')),
    text(first(nars, 'eventTimestamp')),
    String(nars.length),
    text(last(nars, 'inputOctets')),
    text(last(nars, 'outputOctets')),
    text(last(nars, 'sessionTime')),
    text(last(nars, 'acctStatusType')),
    text(last(nars, 'terminateCause')),
  ]);
}

export interface Truth {
  readonly records: string[];
  readonly sessions: string[];
  readonly unconfirmed: string[];
}

export interface TruthInput {
  /** Per request: the record it carries. */
  readonly reqRecord: Int32Array;
  readonly recordLine: readonly string[];
  readonly recordSession: Int32Array;
  readonly sessionLine: readonly string[];
  /** Records per session. */
  readonly sessionRecords: Uint16Array;
}

export function computeTruth(run: TruthInput, outcome: Uint8Array): Truth {
  const nRecords = run.recordLine.length;
  const sent = new Uint8Array(nRecords);
  const answered = new Uint8Array(nRecords);
  for (let r = 0; r < outcome.length; r++) {
    const o = outcome[r];
    if (o === Outcome.NotSent) continue;
    const rec = run.reqRecord[r] as number;
    sent[rec] = 1;
    if (o === Outcome.Answered) answered[rec] = 1;
  }
  const records: string[] = [];
  const unconfirmed: string[] = [];
  const perSession = new Uint16Array(run.sessionRecords.length);
  for (let rec = 0; rec < nRecords; rec++) {
    if (answered[rec] === 1) {
      records.push(run.recordLine[rec] as string);
      const s = run.recordSession[rec] as number;
      perSession[s] = (perSession[s] as number) + 1;
    } else if (sent[rec] === 1) {
      unconfirmed.push(run.recordLine[rec] as string);
    }
  }
  const sessions: string[] = [];
  perSession.forEach((n, s) => {
    if (n > 0 && n === run.sessionRecords[s]) sessions.push(run.sessionLine[s] as string);
  });
  return { records: records.sort(), sessions: sessions.sort(), unconfirmed: unconfirmed.sort() };
}

/** Writes `truth/records.csv`, `truth/sessions.csv` and `truth/unconfirmed.csv` under `dir`. */
export async function writeTruth(dir: string, truth: Truth): Promise<void> {
  const t = join(dir, 'truth');
  await mkdir(t, { recursive: true });
  await writeCsv(join(t, 'records.csv'), RECORDS_HEADER, truth.records);
  await writeCsv(join(t, 'sessions.csv'), SESSIONS_HEADER, truth.sessions);
  await writeCsv(join(t, 'unconfirmed.csv'), RECORDS_HEADER, truth.unconfirmed);
}
