import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fileOiSettings, resolveFileOi } from '../../../../src/actors/nodes/oi/file-oi-settings.js';
import { rowFormat } from '../../../../src/actors/nodes/oi/row-format.js';
import type { HandlerContext } from '../../../../src/actors/runtime/actor.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import {
  computeTruth,
  Outcome,
  RECORD_COLUMNS,
  recordLine,
  RECORDS_HEADER,
  SESSION_COLUMNS,
  sessionLine,
  SESSIONS_HEADER,
  writeTruth,
} from '../../../../src/cluster/loadgen/radius/truth.js';

interface ConfigNode {
  id: string;
  settings?: Record<string, unknown>;
  rules?: { column?: string; attribute: string }[];
}
const config = parse(
  readFileSync(join(import.meta.dirname, '../../../../config/radius-accounting.yaml'), 'utf8'),
) as {
  nodes: ConfigNode[];
};
const node = (id: string): ConfigNode => config.nodes.find((n) => n.id === id) as ConfigNode;

/** The row config/radius-accounting.yaml's file OI `id` writes for `nar`. */
function written(id: string, nar: Nar): string {
  const n = node(id);
  const format = rowFormat(resolveFileOi(fileOiSettings.parse({ ...n.settings, rules: n.rules })));
  return format.rows([nar], {} as HandlerContext).text.replace(/\n$/, '');
}

const start: Nar = {
  recordType: 'radiusAccounting',
  acctStatusType: 'Start',
  acctSessionId: 'S-1',
  nasIpAddress: '127.0.0.10',
  userName: 'alice, "the" user',
  callingStationId: '491701234567',
  framedIpAddress: '100.64.0.1',
  eventTimestamp: '2026-12-04T10:00:00Z',
  acctDelayTime: 0,
};
const interim: Nar = {
  ...start,
  acctStatusType: 'Interim-Update',
  eventTimestamp: '2026-12-04T10:05:00Z',
  sessionTime: 300,
  inputOctets: 10n,
  outputOctets: 5_000_000_000n,
};
const stop: Nar = {
  ...interim,
  acctStatusType: 'Stop',
  eventTimestamp: '2026-12-04T10:07:30Z',
  sessionTime: 450,
  inputOctets: 20n,
  outputOctets: 6_000_000_000n,
  terminateCause: 'User-Request',
};

describe('loadgen radius ground truth', () => {
  it('ensures the headers are the columns of the records and sessions outputs', () => {
    const cols = (id: string) => (node(id).rules ?? []).map((r) => r.column ?? r.attribute);
    expect(cols('records')).toEqual([...RECORD_COLUMNS]);
    expect(cols('sessions')).toEqual([...SESSION_COLUMNS]);
    expect(RECORDS_HEADER).toBe(cols('records').join(','));
    expect(SESSIONS_HEADER).toBe(cols('sessions').join(','));
  });

  it('ensures a record row is the file OI row: bigints in decimal, absent values empty, quoting where needed', () => {
    for (const nar of [start, interim, stop]) expect(recordLine(nar)).toBe(written('records', nar));
    expect(recordLine(start)).toBe(
      '127.0.0.10,S-1,Start,"alice, ""the"" user",491701234567,100.64.0.1,2026-12-04T10:00:00Z,,,,',
    );
    expect(recordLine(stop)).toBe(
      '127.0.0.10,S-1,Stop,"alice, ""the"" user",491701234567,100.64.0.1,2026-12-04T10:07:30Z,450,20,6000000000,User-Request',
    );
  });

  it('ensures a session row is what aggregate-ap and the sessions file OI make of the records', () => {
    const aggregate: Nar = {
      ...start,
      userName: start.userName ?? null,
      eventTimestamp: start.eventTimestamp ?? null,
      aggregatedCount: 3,
      inputOctets: 20n,
      outputOctets: 6_000_000_000n,
      sessionTime: 450,
      acctStatusType: 'Stop',
      terminateCause: 'User-Request',
    };
    expect(sessionLine([start, interim, stop])).toBe(written('sessions', aggregate));
    expect(sessionLine([start, interim, stop])).toBe(
      '127.0.0.10,S-1,"alice, ""the"" user",2026-12-04T10:00:00Z,3,20,6000000000,450,Stop,User-Request',
    );
  });

  // Requests: 0 A.start, 1 A.stop, 2 A.stop re-sent, 3 B.start, 4 B.stop, 5 C.start, 6 C.start re-sent, 7 C.stop.
  const run = {
    reqRecord: Int32Array.of(0, 1, 1, 2, 3, 4, 4, 5),
    recordLine: ['a1', 'a2', 'b1', 'b2', 'c1', 'c2'],
    recordSession: Int32Array.of(0, 0, 1, 1, 2, 2),
    sessionLine: ['A', 'B', 'C'],
    sessionRecords: Uint16Array.of(2, 2, 2),
  };
  const { NotSent, Sent, Answered, Unanswered } = Outcome;

  it('ensures a record answered through its original or its re-sent copy is listed once', () => {
    const t = computeTruth(
      run,
      Uint8Array.of(Answered, Answered, Answered, Answered, Answered, Answered, Unanswered, Answered),
    );
    expect(t).toEqual({
      records: ['a1', 'a2', 'b1', 'b2', 'c1', 'c2'],
      sessions: ['A', 'B', 'C'],
      unconfirmed: [],
    });
    const u = computeTruth(
      run,
      Uint8Array.of(Answered, Unanswered, Answered, Answered, Answered, Unanswered, Answered, Answered),
    );
    expect(u.records).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
  });

  it('ensures unanswered records go to unconfirmed, never-sent ones nowhere, and their sessions are incomplete', () => {
    const t = computeTruth(
      run,
      Uint8Array.of(Answered, Unanswered, Sent, Answered, NotSent, Sent, NotSent, NotSent),
    );
    expect(t.records).toEqual(['a1', 'b1']);
    expect(t.unconfirmed).toEqual(['a2', 'c1']);
    expect(t.sessions).toEqual([]);
  });

  it('ensures the files carry the headers and one row per line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'narflow-radius-truth-'));
    try {
      await writeTruth(dir, { records: ['x,1', 'y,2'], sessions: [], unconfirmed: ['z,3'] });
      expect(readFileSync(join(dir, 'truth/records.csv'), 'utf8')).toBe(`${RECORDS_HEADER}\nx,1\ny,2\n`);
      expect(readFileSync(join(dir, 'truth/sessions.csv'), 'utf8')).toBe(`${SESSIONS_HEADER}\n`);
      expect(readFileSync(join(dir, 'truth/unconfirmed.csv'), 'utf8')).toBe(`${RECORDS_HEADER}\nz,3\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
