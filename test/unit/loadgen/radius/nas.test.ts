import { describe, expect, it } from 'vitest';
import { LoadStats } from '../../../../src/cluster/loadgen/stats.js';
import { Ledger } from '../../../../src/cluster/loadgen/radius/ledger.js';
import { SimulatedNas } from '../../../../src/cluster/loadgen/radius/nas.js';
import { prepareRun, requestBytes } from '../../../../src/cluster/loadgen/radius/prepare.js';
import { Outcome } from '../../../../src/cluster/loadgen/radius/truth.js';
import { decodeAccountingRequest, encodeAccountingResponse } from '../../../../src/protocols/radius/index.js';

const SECRET = 'narflow-demo-secret';

function setup(retries = 2) {
  const run = prepareRun({
    nases: 1,
    interims: { min: 1, max: 1 },
    limit: { sessions: 4 },
    window: 2,
    dupRate: 0,
    secret: SECRET,
    seed: 1,
    nowMs: Date.UTC(2026, 0, 1),
  });
  const ledger = new Ledger(run, new LoadStats());
  const sent: Uint8Array[] = [];
  const nas = new SimulatedNas(0, { secret: SECRET, timeoutMs: 100, retries }, ledger, {
    send: (_n, b) => sent.push(b),
  });
  const answer = (b: Uint8Array, secret = SECRET) =>
    encodeAccountingResponse(decodeAccountingRequest(b), secret);
  return { run, ledger, sent, nas, answer };
}

describe('simulated NAS', () => {
  it('ensures one request per lane is in flight and a session record follows only once the previous was answered', () => {
    const { run, sent, nas, answer, ledger } = setup();
    nas.grant(100);
    nas.pump(0);
    expect(sent.map((b) => b[1])).toEqual([0, 1]);
    expect(nas.outstanding).toBe(2);
    expect(nas.receive(answer(sent[0] as Uint8Array), 5)).toBe('answered');
    nas.pump(5);
    expect(sent).toHaveLength(3);
    // Lane 0's second request: the same session's Interim-Update, with the lane's next Identifier.
    const next = decodeAccountingRequest(sent[2] as Uint8Array);
    const first = decodeAccountingRequest(sent[0] as Uint8Array);
    expect(next.identifier).toBe(2);
    expect(next.acctSessionId).toBe(first.acctSessionId);
    expect(next.acctStatusTypeName).toBe('Interim-Update');
    expect(ledger.outcome[run.laneFirst[0] as number]).toBe(Outcome.Answered);
    expect(ledger.stats.s.accepted).toBe(1);
  });

  it('ensures the rate credit bounds first transmissions', () => {
    const { sent, nas } = setup();
    nas.grant(1);
    nas.pump(0);
    nas.pump(1);
    expect(sent).toHaveLength(1);
  });

  it('ensures a timed-out request is retransmitted with the same bytes, then given up and its lane moves on', () => {
    const { run, sent, nas, ledger } = setup(1);
    nas.grant(100);
    nas.pump(0);
    nas.checkTimeouts(50);
    expect(sent).toHaveLength(2);
    nas.checkTimeouts(100);
    expect(sent).toHaveLength(4);
    expect(sent[2]).toEqual(sent[0]);
    expect(ledger.stats.s.retransmitted).toBe(2);
    nas.checkTimeouts(200);
    expect(ledger.outcome[run.laneFirst[0] as number]).toBe(Outcome.Unanswered);
    expect(nas.outstanding).toBe(0);
    nas.pump(200);
    expect(sent).toHaveLength(6);
    expect(decodeAccountingRequest(sent[4] as Uint8Array).identifier).toBe(2);
    expect(ledger.perNas[0]?.unanswered).toBe(2);
  });

  it('ensures an answer that does not verify is bad, and a second answer to an answered request is late', () => {
    const { sent, nas, answer, ledger } = setup();
    nas.grant(1);
    nas.pump(0);
    expect(nas.receive(answer(sent[0] as Uint8Array, 'wrong'), 1)).toBe('bad');
    expect(nas.receive(Uint8Array.of(5, 0, 0, 4), 1)).toBe('bad');
    expect(nas.outstanding).toBe(1);
    expect(nas.receive(answer(sent[0] as Uint8Array), 2)).toBe('answered');
    expect(nas.receive(answer(sent[0] as Uint8Array), 3)).toBe('late');
    expect(ledger.perNas[0]).toMatchObject({ badResponses: 2, lateResponses: 1, accepted: 1 });
  });

  it('ensures an answer coming after the request was given up still confirms it', () => {
    const { run, sent, nas, answer, ledger } = setup(0);
    nas.grant(1);
    nas.pump(0);
    nas.checkTimeouts(100);
    expect(ledger.outcome[run.laneFirst[0] as number]).toBe(Outcome.Unanswered);
    expect(nas.receive(answer(sent[0] as Uint8Array), 150)).toBe('late');
    expect(ledger.outcome[run.laneFirst[0] as number]).toBe(Outcome.Answered);
    expect(ledger.unansweredTotal()).toBe(0);
    expect(requestBytes(run, run.laneFirst[0] as number)).toEqual(sent[0]);
  });

  it('ensures a silent NAS sends nothing, then retransmits what was in flight and floods its backlog', () => {
    const { sent, nas, ledger } = setup();
    nas.grant(1);
    nas.pump(0);
    nas.goDown();
    nas.grant(5);
    nas.pump(10);
    nas.checkTimeouts(1000);
    expect(sent).toHaveLength(1);
    nas.restart(2000);
    expect(sent).toHaveLength(3);
    expect(sent[1]).toEqual(sent[0]);
    expect(ledger.perNas[0]).toMatchObject({ restarts: 1, retransmitted: 1, sent: 2 });
  });
});
