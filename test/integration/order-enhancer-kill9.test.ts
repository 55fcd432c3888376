/**
 * The order enhancer under kill -9: 100,000 GPRS sessions of 1–20 partial records, shuffled within a
 * bounded window, with 5% duplicates (some after their session closed), through file EI → 4
 * order-enhancer actors (session routing) → file OI, SIGKILLed at random moments and restarted.
 * The output must hold every original record exactly once, in sequence order within each session,
 * and every duplicate must be counted.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostStatus } from '../helpers/chain.js';
import { csvRows, prng, sleep, startNarflow } from '../helpers/narflow-process.js';

const SESSIONS = Number(process.env.NARFLOW_OE_SESSIONS ?? 100_000);
const FILES = 20;
const WINDOW = 64;
const KILLS = 4;
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Line {
  readonly text: string;
  readonly session: string;
  readonly seq: number;
}

/** Writes the input; returns the original lines and the number of duplicates written. */
async function writeSessions(
  input: string,
  seed: number,
): Promise<{ originals: Line[]; duplicates: number }> {
  const rnd = prng(seed);
  const originals: Line[] = [];
  const stream: Line[] = [];
  const late: Line[] = [];
  for (let s = 1; s <= SESSIONS; s++) {
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
  for (let i = stream.length - 1; i > 0; i--) {
    const j = Math.max(0, i - Math.floor(rnd() * WINDOW));
    [stream[i], stream[j]] = [stream[j] as Line, stream[i] as Line];
  }
  const all = [...stream, ...late];
  const per = Math.ceil(all.length / FILES);
  for (let f = 0; f < FILES; f++) {
    const name = `cdr-${String(f).padStart(3, '0')}.csv`;
    const body = all
      .slice(f * per, (f + 1) * per)
      .map((l) => l.text)
      .join('\n');
    const header =
      'recordType,chargingId,ggsnAddress,recordSequenceNumber,causeForRecClosing,recordOpeningTime,uplinkBytes,imsi';
    await writeFile(join(input, `.${name}`), `${header}\n${body}\n`);
    await rename(join(input, `.${name}`), join(input, name));
  }
  return { originals, duplicates: all.length - originals.length };
}

function config(dir: string): string {
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
    partitions: 4
    settings: { sessionKey: [chargingId, ggsnAddress] }
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

describe('order enhancer (4 actors) under kill -9', () => {
  it('ensures every original record is output exactly once, in sequence order per session, and every duplicate is counted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-oe-'));
    dirs.push(dir);
    await mkdir(join(dir, 'in'));
    const file = join(dir, 'narflow.yaml');
    await writeFile(file, config(dir));
    const { originals, duplicates } = await writeSessions(join(dir, 'in'), 2026);
    expect(duplicates).toBeGreaterThan(0);

    const rnd = prng(Number(process.env.NARFLOW_KILL_SEED ?? 777));
    let kills = 0;
    for (let round = 0; round < KILLS; round++) {
      const r = startNarflow(['run', file, '--idle-exit', '2']);
      const ended = await Promise.race([
        r.exit.then(() => true),
        sleep(1500 + rnd() * 3000).then(() => false),
      ]);
      if (ended) break;
      r.child.kill('SIGKILL');
      await r.exit;
      kills++;
    }
    const final = startNarflow(['run', file, '--idle-exit', '2']);
    let dropped = 0;
    // The duplicates counted by the order-enhancer actors, read while the final run is up.
    for (let i = 0; i < 600; i++) {
      const s = await hostStatus(join(dir, 'data'), final.child.pid);
      const oe = s?.nodes.find((n) => n.node === 'dedup');
      if (oe !== undefined && oe.actors.every((a) => a.stats !== undefined)) {
        dropped = oe.actors.reduce((n, a) => n + (a.stats?.ledger.duplicates ?? 0), 0);
        if (dropped === duplicates) break;
      }
      await sleep(100);
    }
    const { code } = await final.exit;
    expect(code, final.output().slice(-3000)).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(dropped).toBe(duplicates);

    const rows = await csvRows(join(dir, 'out'));
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
  }, 300_000);
});
