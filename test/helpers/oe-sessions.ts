/**
 * GPRS sessions for order-enhancer tests through real processes: 1–20 partial pGWRecords each,
 * shuffled within the session and then within a bounded window of the stream, with 5% duplicates
 * (some after their session closed), written as CSV files for a file EI; the chain file EI →
 * order enhancer (session routing) → file OI; and the check of its output.
 */
import { readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadActorCheckpoint } from '../../src/actors/runtime/checkpoint-content.js';
import { emptyLedger, type Ledger } from '../../src/actors/runtime/ledger.js';
import { prng } from './narflow-process.js';

export interface Line {
  readonly text: string;
  readonly session: string;
  readonly seq: number;
}

const HEADER =
  'recordType,chargingId,ggsnAddress,recordSequenceNumber,causeForRecClosing,recordOpeningTime,uplinkBytes,imsi';

/** The lines of `sessions` sessions, in stream order, and the originals among them. */
export function sessionLines(sessions: number, seed: number): { originals: Line[]; stream: Line[] } {
  const rnd = prng(seed);
  const originals: Line[] = [];
  const stream: Line[] = [];
  const late: Line[] = [];
  for (let s = 1; s <= sessions; s++) {
    const ggsn = `10.0.${s % 7}.1`;
    const n = 1 + Math.floor(rnd() * 20);
    const session: Line[] = [];
    for (let q = 1; q <= n; q++) {
      const cause = q === n ? 0 : 17; // normalRelease closes; timeLimit partials do not
      const text = `pGWRecord,${s},${ggsn},${q},${cause},2026-11-24T10:${String(q % 60).padStart(2, '0')}:00Z,${s * 31 + q},26201${String(s).padStart(10, '0')}`;
      const line = { text, session: `${s}|${ggsn}`, seq: q };
      session.push(line);
      originals.push(line);
    }
    // Bounded shuffle inside the session, then duplicates: most nearby, some after the session closed.
    for (let i = session.length - 1; i > 0; i--) {
      const j = Math.max(0, i - 1 - Math.floor(rnd() * 3));
      [session[i], session[j]] = [session[j] as Line, session[i] as Line];
    }
    for (const line of [...session]) {
      if (rnd() < 0.05) (rnd() < 0.3 ? late : session).push(line);
    }
    stream.push(...session);
  }
  // Interleave sessions within a bounded window of the stream.
  const WINDOW = 64;
  for (let i = stream.length - 1; i > 0; i--) {
    const j = Math.max(0, i - Math.floor(rnd() * WINDOW));
    [stream[i], stream[j]] = [stream[j] as Line, stream[i] as Line];
  }
  return { originals, stream: [...stream, ...late] };
}

/** Writes `lines` as `files` CSV files (each appears atomically) named from `first` on. */
export async function writeLines(
  input: string,
  lines: readonly Line[],
  files: number,
  first = 0,
): Promise<void> {
  const per = Math.ceil(lines.length / files);
  for (let f = 0; f < files; f++) {
    const name = `cdr-${String(first + f).padStart(4, '0')}.csv`;
    const body = lines
      .slice(f * per, (f + 1) * per)
      .map((l) => l.text)
      .join('\n');
    await writeFile(join(input, `.${name}`), `${HEADER}\n${body}\n`);
    await rename(join(input, `.${name}`), join(input, name));
  }
}

/** Writes the whole input at once; returns the original lines and the number of duplicates. */
export async function writeSessions(
  input: string,
  seed: number,
  sessions: number,
  files = 20,
): Promise<{ originals: Line[]; duplicates: number }> {
  const { originals, stream } = sessionLines(sessions, seed);
  await writeLines(input, stream, files);
  return { originals, duplicates: stream.length - originals.length };
}

/**
 * file EI → `dedup` (order-enhancer-oe, session routing) → file OI, under `dir`; `maxProcessed`:
 * the order enhancer's maxProcessedSessions (small values make it spill processed sessions to disk).
 */
export function oeChainConfig(dir: string, partitions: number, maxProcessed = 5_000_000): string {
  return `version: 1
host:
  dataDir: ${join(dir, 'data')}
  tickIntervalMs: 200
  metrics: { port: 0 }
  log: { level: warn }
nodes:
  - id: collect
    type: file-ei
    settings: { inputDir: ${join(dir, 'in')}, pollMs: 20 }
    rules:
      - { name: recordType, type: string }
      - { name: chargingId, type: integer }
      - { name: ggsnAddress, type: ip }
      - { name: recordSequenceNumber, type: integer }
      - { name: causeForRecClosing, type: integer }
      - { name: recordOpeningTime, type: timestamp, format: iso8601 }
      - { name: uplinkBytes, type: bigint }
      - { name: imsi, type: string }
    destinations:
      - to: [dedup]
        routing: { type: session, attributes: [chargingId, ggsnAddress] }
  - id: dedup
    type: order-enhancer-oe
    partitions: ${partitions}
    settings: { sessionKey: [chargingId, ggsnAddress], maxProcessedSessions: ${maxProcessed} }
    destinations: [{ to: [deliver] }]
  - id: deliver
    type: file-oi
    settings: { dir: ${join(dir, 'out')}, rollRecords: 100000, rollIntervalMs: 1000 }
    rules:
      - { attribute: chargingId }
      - { attribute: ggsnAddress }
      - { attribute: recordSequenceNumber }
      - { attribute: uplinkBytes }
`;
}

/** Every original record exactly once, in sequence order within its session. */
export function expectSessionsExactlyOnce(rows: readonly string[], originals: readonly Line[]): void {
  const key = (session: string, seq: number) => `${session}#${seq}`;
  const expected = new Set(originals.map((l) => key(l.session, l.seq)));
  const seen = new Set<string>();
  const lastSeq = new Map<string, number>();
  for (const row of rows) {
    const [chargingId, ggsn, seqText] = row.split(',');
    const session = `${chargingId}|${ggsn}`;
    const seq = Number(seqText);
    const k = key(session, seq);
    expect(seen.has(k), `${k} output twice`).toBe(false);
    seen.add(k);
    expect(seq, `session ${session} out of order`).toBeGreaterThan(lastSeq.get(session) ?? 0);
    lastSeq.set(session, seq);
  }
  expect(seen.size).toBe(expected.size);
  expect([...expected].every((k) => seen.has(k))).toBe(true);
}

/** The ledgers in the checkpoints of every actor directory a node ever had (retired ones too). */
export async function nodeLedgers(dataDir: string, node: string): Promise<Map<number, Ledger>> {
  const out = new Map<number, Ledger>();
  const dir = join(dataDir, 'actors', node);
  for (const entry of await readdir(dir)) {
    if (!/^\d+$/.test(entry)) continue;
    const ckpt = await loadActorCheckpoint(join(dir, entry));
    if (ckpt !== undefined) out.set(Number(entry), { ...emptyLedger(), ...ckpt.ledger });
  }
  return out;
}

/** Spill segment files of every actor directory of a node. */
export async function spillSegments(dataDir: string, node: string): Promise<string[]> {
  const out: string[] = [];
  const dir = join(dataDir, 'actors', node);
  for (const entry of await readdir(dir)) {
    if (!/^\d+$/.test(entry)) continue;
    const files = await readdir(join(dir, entry, 'oe-spill')).catch(() => [] as string[]);
    out.push(...files.filter((f) => f.endsWith('.nps')).map((f) => join(dir, entry, 'oe-spill', f)));
  }
  return out;
}
