/**
 * Ground truth of a run: the CDRs the gateway confirmed it accepted (each once, whatever duplicates
 * and retransmissions carried it), the sessions all of whose records were confirmed, and the CDRs sent
 * but never confirmed (a run cut short: they may or may not reach the output). Pure; rows sorted.
 */
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreparedRun } from './prepare.js';
import { TRUTH_CDR_COLUMNS } from './truth-columns.js';

export { TRUTH_CDR_COLUMNS };

/** What the run knows about each message in the end. */
export const Outcome = {
  /** Never sent (the run ended first). */
  NotSent: 0,
  /** Sent; acceptance never confirmed. */
  Unconfirmed: 1,
  /** The gateway confirmed acceptance (directly, as already fulfilled, or by a confirmed Release). */
  Confirmed: 2,
  /** The gateway refused the CDRs (e.g. CDR decoding error). */
  Rejected: 3,
} as const;
export type OutcomeValue = (typeof Outcome)[keyof typeof Outcome];

export const TRUTH_CDR_HEADER = TRUTH_CDR_COLUMNS.join(',');
export const TRUTH_SESSION_HEADER =
  'imsi,chargingId,ggsnAddress,records,uplinkBytes,downlinkBytes,duration,closingCause';

export interface Truth {
  readonly cdrs: string[];
  readonly sessions: string[];
  readonly unconfirmed: string[];
}

type TruthInput = Pick<
  PreparedRun,
  'msgFirstCdr' | 'msgCdrs' | 'cdrLine' | 'cdrSession' | 'sessionLine' | 'sessionRecords'
>;

export function computeTruth(run: TruthInput, outcome: Uint8Array): Truth {
  const cdrs: string[] = [];
  const unconfirmed: string[] = [];
  const confirmedPerSession = new Uint16Array(run.sessionRecords.length);
  for (let m = 0; m < outcome.length; m++) {
    const o = outcome[m];
    if (o !== Outcome.Confirmed && o !== Outcome.Unconfirmed) continue;
    const first = run.msgFirstCdr[m] as number;
    const end = first + (run.msgCdrs[m] as number);
    for (let c = first; c < end; c++) {
      if (o === Outcome.Unconfirmed) {
        unconfirmed.push(run.cdrLine[c] as string);
        continue;
      }
      cdrs.push(run.cdrLine[c] as string);
      const s = run.cdrSession[c] as number;
      confirmedPerSession[s] = (confirmedPerSession[s] as number) + 1;
    }
  }
  const sessions: string[] = [];
  confirmedPerSession.forEach((n, s) => {
    if (n > 0 && n === run.sessionRecords[s]) sessions.push(run.sessionLine[s] as string);
  });
  return { cdrs: cdrs.sort(), sessions: sessions.sort(), unconfirmed: unconfirmed.sort() };
}

/** Writes a CSV file in chunks (a run's truth can exceed the longest string V8 allows). */
export async function writeCsv(path: string, header: string, rows: readonly string[]): Promise<void> {
  const f = await open(path, 'w');
  try {
    await f.write(`${header}\n`);
    for (let i = 0; i < rows.length; i += 10_000) {
      await f.write(`${rows.slice(i, i + 10_000).join('\n')}\n`);
    }
  } finally {
    await f.close();
  }
}

/** Writes `truth/cdr.csv`, `truth/sessions.csv` and `truth/unconfirmed.csv` under `dir`. */
export async function writeTruth(dir: string, truth: Truth): Promise<void> {
  const t = join(dir, 'truth');
  await mkdir(t, { recursive: true });
  await writeCsv(join(t, 'cdr.csv'), TRUTH_CDR_HEADER, truth.cdrs);
  await writeCsv(join(t, 'sessions.csv'), TRUTH_SESSION_HEADER, truth.sessions);
  await writeCsv(join(t, 'unconfirmed.csv'), TRUTH_CDR_HEADER, truth.unconfirmed);
}
