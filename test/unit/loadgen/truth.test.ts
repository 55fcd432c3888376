import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  computeTruth,
  Outcome,
  TRUTH_CDR_HEADER,
  TRUTH_SESSION_HEADER,
  writeTruth,
} from '../../../src/cluster/loadgen/gtpp/truth.js';

// Four messages of two CDRs. Sessions: A = CDRs 0,1,4 ; B = 2,3 ; C = 5,6 ; D = 7.
const run = {
  msgFirstCdr: Int32Array.of(0, 2, 4, 6),
  msgCdrs: Uint8Array.of(2, 2, 2, 2),
  cdrLine: ['a1', 'a2', 'b1', 'b2', 'a3', 'c1', 'c2', 'd1'],
  cdrSession: Int32Array.of(0, 0, 1, 1, 0, 2, 2, 3),
  sessionLine: ['A', 'B', 'C', 'D'],
  sessionRecords: Uint16Array.of(3, 2, 2, 1),
};

describe('ground truth', () => {
  it('ensures confirmed CDRs are listed once, sorted; sessions only when every record was confirmed', () => {
    const t = computeTruth(
      run,
      Uint8Array.of(Outcome.Confirmed, Outcome.Confirmed, Outcome.Confirmed, Outcome.Confirmed),
    );
    expect(t.cdrs).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'c2', 'd1']);
    expect(t.sessions).toEqual(['A', 'B', 'C', 'D']);
    expect(t.unconfirmed).toEqual([]);
  });

  it('ensures unconfirmed CDRs go to their own list, rejected and never-sent ones nowhere, and their sessions are incomplete', () => {
    const t = computeTruth(
      run,
      Uint8Array.of(Outcome.Confirmed, Outcome.Rejected, Outcome.Unconfirmed, Outcome.NotSent),
    );
    expect(t.cdrs).toEqual(['a1', 'a2']);
    expect(t.unconfirmed).toEqual(['a3', 'c1']);
    expect(t.sessions).toEqual([]);
    const u = computeTruth(
      run,
      Uint8Array.of(Outcome.NotSent, Outcome.Confirmed, Outcome.Unconfirmed, Outcome.Confirmed),
    );
    expect(u.sessions).toEqual(['B', 'D']);
    expect(u.cdrs).toEqual(['b1', 'b2', 'c2', 'd1']);
  });

  it('ensures the files carry the documented headers and one row per line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'narflow-truth-'));
    try {
      await writeTruth(dir, { cdrs: ['x,1', 'y,2'], sessions: [], unconfirmed: ['z,3'] });
      expect(readFileSync(join(dir, 'truth/cdr.csv'), 'utf8')).toBe(`${TRUTH_CDR_HEADER}\nx,1\ny,2\n`);
      expect(readFileSync(join(dir, 'truth/sessions.csv'), 'utf8')).toBe(`${TRUTH_SESSION_HEADER}\n`);
      expect(readFileSync(join(dir, 'truth/unconfirmed.csv'), 'utf8')).toBe(`${TRUTH_CDR_HEADER}\nz,3\n`);
      expect(TRUTH_CDR_HEADER).toBe(
        'recordType,imsi,chargingId,ggsnAddress,sgsnAddress,apn,servedPdpAddress,recordSequenceNumber,causeForRecClosing,recordOpeningTime,duration,uplinkBytes,downlinkBytes',
      );
      expect(TRUTH_SESSION_HEADER).toBe(
        'imsi,chargingId,ggsnAddress,records,uplinkBytes,downlinkBytes,duration,closingCause',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
