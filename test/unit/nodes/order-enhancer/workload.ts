/**
 * Seeded CDR workloads for the order enhancer: sessions of 1–20 partial records (G-CDR pGWRecord
 * with a final record, S-CDR sgsnPDPRecord, and single pass-through records), interleaved, shuffled
 * within a bounded window, with duplicate copies (some arriving after their session closed).
 * Every record carries a unique `uid`; a duplicate is an exact copy, uid included.
 */
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { prng } from '../../../helpers/narflow-process.js';
import { T0 } from './harness.js';

export type Step = { kind: 'batch'; records: Nar[] } | { kind: 'tick'; at: number };

export interface Workload {
  readonly steps: Step[];
  /** uid of every original record. */
  readonly originals: string[];
  /** Duplicate copies in the stream (pass-through records are never copied). */
  readonly duplicates: number;
  /** Tick time of the last step. */
  readonly end: number;
}

export interface WorkloadOptions {
  readonly sessions: number;
  readonly duplicateRate?: number;
  /** Records a record may move by in the shuffle. */
  readonly window?: number;
  readonly batch?: number;
  /** Tick time between batches. */
  readonly tickMs?: number;
}

const PARTIAL_CAUSES = [16, 17, 18, 19, 20, 22];
const MINUTE = 60_000;

export function workload(seed: number, o: WorkloadOptions): Workload {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const placed: Array<{ at: number; r: Nar }> = [];
  const originals: string[] = [];
  for (let s = 1; s <= o.sessions; s++) {
    const kind = rnd();
    const type = kind < 0.8 ? 'pGWRecord' : kind < 0.95 ? 'sgsnPDPRecord' : 'sgsnMMRecord';
    const n = type === 'sgsnMMRecord' ? 1 : 1 + int(20);
    const start = s * 2 + int(50);
    const ggsn = `10.0.${s % 4}.1`;
    for (let q = 1; q <= n; q++) {
      const uid = `${s}/${q}`;
      originals.push(uid);
      placed.push({
        at: start + q * (1 + int(3)),
        r: {
          uid,
          recordType: type,
          chargingId: s,
          ggsnAddress: ggsn,
          recordSequenceNumber: q,
          localSequenceNumber: s * 100 + q,
          nodeId: `node-${s % 3}`,
          causeForRecClosing: q === n ? (int(2) === 0 ? 0 : 4) : (PARTIAL_CAUSES[int(6)] as number),
          recordOpeningTime: new Date(T0 + start * 1000 + q * MINUTE).toISOString(),
        },
      });
    }
  }
  placed.sort((a, b) => a.at - b.at);
  const stream = placed.map((p) => p.r);
  const window = o.window ?? 50;
  for (let i = 0; i < stream.length; i++) {
    const j = Math.min(stream.length - 1, i + int(window));
    [stream[i], stream[j]] = [stream[j] as Nar, stream[i] as Nar];
  }
  let duplicates = 0;
  const rate = o.duplicateRate ?? 0.05;
  const withCopies: Nar[] = [];
  const late: Nar[] = [];
  for (const r of stream) {
    withCopies.push(r);
    if (r['recordType'] === 'sgsnMMRecord' || rnd() >= rate) continue;
    duplicates++;
    // Most copies come soon (inside or just after their session), some only after the end.
    if (rnd() < 0.8)
      withCopies.splice(withCopies.length - int(Math.min(window, withCopies.length)), 0, { ...r });
    else late.push({ ...r });
  }
  const steps: Step[] = [];
  const size = o.batch ?? 100;
  const tickMs = o.tickMs ?? MINUTE;
  let now = T0;
  steps.push({ kind: 'tick', at: now });
  for (let i = 0; i < withCopies.length; i += size) {
    steps.push({ kind: 'batch', records: withCopies.slice(i, i + size) });
    now += tickMs;
    steps.push({ kind: 'tick', at: now });
  }
  // S-CDR sessions time out (4 h), then the late copies arrive, then everything is past its hold.
  now += 5 * 60 * MINUTE;
  steps.push({ kind: 'tick', at: now });
  for (let i = 0; i < late.length; i += size) steps.push({ kind: 'batch', records: late.slice(i, i + size) });
  now += 25 * 60 * MINUTE;
  steps.push({ kind: 'tick', at: now });
  return { steps, originals, duplicates, end: now };
}

/** A session's identity in outputs: record type, charging id and GGSN. */
export function sessionOf(r: Nar): string {
  return `${String(r['recordType'])}|${String(r['chargingId'])}|${String(r['ggsnAddress'])}`;
}

/** Emitted records grouped by session, each group in emission order (uids). */
export function bySession(records: readonly Nar[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of records) {
    const k = sessionOf(r);
    const list = out.get(k);
    if (list === undefined) out.set(k, [String(r['uid'])]);
    else list.push(String(r['uid']));
  }
  return out;
}

/** The seed: NARFLOW_SEED when set (to replay a failure), else a fresh one. */
export function seedFromEnv(): number {
  const fixed = process.env['NARFLOW_SEED'];
  return fixed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(fixed);
}
