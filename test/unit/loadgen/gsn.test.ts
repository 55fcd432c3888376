import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/cluster/loadgen/args.js';
import { LoadStats } from '../../../src/cluster/loadgen/stats.js';
import { SimulatedGsn, type GsnConfig, type GsnIo } from '../../../src/cluster/loadgen/gtpp/gsn.js';
import { Ledger } from '../../../src/cluster/loadgen/gtpp/ledger.js';
import { preparedMessages } from '../../../src/cluster/loadgen/gtpp/messages.js';
import type { PreparedRun } from '../../../src/cluster/loadgen/gtpp/prepare.js';
import { DATA_RECORD_FORMAT_VERSION } from '../../../src/cluster/loadgen/gtpp/requests.js';
import { Trick } from '../../../src/cluster/loadgen/gtpp/window.js';
import { Outcome } from '../../../src/cluster/loadgen/gtpp/truth.js';
import {
  decodeFrame,
  encodeFrame,
  type DataRecordTransferRequest,
  type GtppFrame,
  type GtppMessage,
} from '../../../src/protocols/gtpp/index.js';

const PRIMARY: Endpoint = { host: '127.0.0.1', port: 3386 };
const SECONDARY: Endpoint = { host: '127.0.0.2', port: 3386 };
const CDRS = 3;

/** Messages of CDRS fake records each (record bytes = [message, index]). */
function makeRun(messages: number, tricks: number[] = []): PreparedRun {
  const msgFrame = Array.from({ length: messages }, (_, m) =>
    encodeFrame({
      version: 2,
      longHeader: false,
      sequence: 0,
      message: {
        type: 'data-record-transfer-request',
        command: 1,
        packet: {
          format: 1,
          formatVersion: DATA_RECORD_FORMAT_VERSION,
          records: Array.from({ length: CDRS }, (_, i) => Uint8Array.of(m & 0xff, i)),
        },
      },
    }),
  );
  return {
    gsns: [{ index: 0, address: '127.0.0.10', role: 'pGWRecord', nodeId: 'PGW-1' }],
    msgGsn: new Uint16Array(messages),
    msgFrame,
    msgFirstCdr: Int32Array.from({ length: messages }, (_, m) => m * CDRS),
    msgCdrs: new Uint8Array(messages).fill(CDRS),
    msgTrick: Uint8Array.from({ length: messages }, (_, m) => tricks[m] ?? 0),
    cdrLine: Array.from({ length: messages * CDRS }, (_, c) => `cdr-${c}`),
    cdrSession: new Int32Array(messages * CDRS),
    sessionLine: ['s'],
    sessionRecords: Uint16Array.of(messages * CDRS),
    totalCdrs: messages * CDRS,
  };
}

interface Sent {
  target: Endpoint;
  bytes: Uint8Array;
  frame: GtppFrame;
}

function setup(messages: number, tricks: number[] = [], cfg: Partial<GsnConfig> = {}) {
  const run = makeRun(messages, tricks);
  const stats = new LoadStats();
  const ledger = new Ledger(preparedMessages(run), stats, run.msgFrame.length);
  const sent: Sent[] = [];
  let closed = 0;
  const io: GsnIo = {
    send: (_g, target, bytes) => sent.push({ target, bytes: bytes.slice(), frame: decodeFrame(bytes) }),
    close: () => closed++,
  };
  const gsn = new SimulatedGsn(
    run.gsns[0] as PreparedRun['gsns'][number],
    { primary: PRIMARY, secondary: undefined, window: 4, timeoutMs: 100, retries: 2, version: 2, ...cfg },
    ledger,
    io,
    5,
  );
  for (let m = 0; m < messages; m++) gsn.enqueue(m);
  const answer = (seq: number, cause: number, at: number, from = PRIMARY): void =>
    gsn.receive(
      frameOf(seq, { type: 'data-record-transfer-response', cause, requestsResponded: [seq] }),
      from,
      at,
    );
  return { run, stats, ledger, sent, gsn, answer, closed: () => closed };
}

const frameOf = (sequence: number, message: GtppMessage): GtppFrame => ({
  version: 2,
  longHeader: false,
  sequence,
  message,
  unknownIes: 0,
});
const drt = (s: Sent): DataRecordTransferRequest => s.frame.message as DataRecordTransferRequest;

describe('simulated GSN', () => {
  it('ensures at most `window` requests are outstanding and each answer lets the next one go', () => {
    const t = setup(6);
    t.gsn.pump(0);
    expect(t.sent.map((s) => s.frame.sequence)).toEqual([0, 1, 2, 3]);
    expect(t.gsn.outstanding).toBe(4);
    t.answer(0, 128, 2);
    t.gsn.pump(2);
    expect(t.sent.map((s) => s.frame.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(t.ledger.outcome[0]).toBe(Outcome.Confirmed);
    expect(t.stats.s).toMatchObject({ sent: 5 * CDRS, accepted: CDRS, responses: 1 });
    expect(t.stats.latency.maxMs).toBe(2);
    expect(drt(t.sent[0] as Sent)).toMatchObject({ command: 1, packet: { format: 1 } });
  });

  it('ensures a request without answer is retransmitted with the same bytes, then fails when retries run out', () => {
    const t = setup(1);
    t.gsn.pump(0);
    t.gsn.checkTimeouts(99);
    expect(t.sent).toHaveLength(1);
    t.gsn.checkTimeouts(100);
    t.gsn.checkTimeouts(200);
    expect(t.sent).toHaveLength(3);
    expect(t.sent.map((s) => Buffer.from(s.bytes).toString('hex'))).toEqual(
      Array(3).fill(Buffer.from((t.sent[0] as Sent).bytes).toString('hex')),
    );
    t.gsn.checkTimeouts(300);
    expect(t.sent).toHaveLength(3);
    expect(t.stats.s).toMatchObject({ retransmitted: 2, failed: CDRS, accepted: 0 });
    expect(t.ledger.outcome[0]).toBe(Outcome.Unconfirmed);
    expect(t.gsn.idle).toBe(true);
  });

  it('ensures retries exhausted with a secondary fail over there as possibly duplicated, then Release', () => {
    const t = setup(1, [], { secondary: SECONDARY, retries: 0 });
    t.gsn.pump(0);
    t.gsn.checkTimeouts(100);
    const dup = t.sent[1] as Sent;
    expect(dup.target).toEqual(SECONDARY);
    expect(drt(dup).command).toBe(2);
    t.answer(dup.frame.sequence, 128, 110, SECONDARY);
    const release = t.sent[2] as Sent;
    expect(release.target).toEqual(SECONDARY);
    expect(drt(release)).toMatchObject({ command: 4, released: [dup.frame.sequence] });
    t.answer(release.frame.sequence, 128, 120, SECONDARY);
    expect(t.stats.s).toMatchObject({ redirected: 1, released: CDRS, accepted: CDRS, failed: 0 });
  });

  it('ensures scenario (a): the first answer is ignored, the same request is retransmitted and 253 counts it once', () => {
    const t = setup(1, [Trick.LostResponse]);
    t.gsn.pump(0);
    t.answer(0, 128, 5);
    expect(t.gsn.outstanding).toBe(1);
    expect(t.ledger.outcome[0]).toBe(Outcome.Confirmed);
    t.gsn.checkTimeouts(100);
    expect(t.sent).toHaveLength(2);
    expect((t.sent[1] as Sent).bytes).toEqual((t.sent[0] as Sent).bytes);
    t.answer(0, 253, 105);
    expect(t.gsn.idle).toBe(true);
    expect(t.stats.s).toMatchObject({ accepted: CDRS, alreadyFulfilled: CDRS, retransmitted: 1 });
  });

  it('ensures scenario (b): after the ignored answer the CDRs go again as possibly duplicated, then Cancel names that copy', () => {
    const t = setup(1, [Trick.FailoverCancel]);
    t.gsn.pump(0);
    t.answer(0, 128, 5);
    t.gsn.checkTimeouts(100);
    const dup = t.sent[1] as Sent;
    expect(dup.frame.sequence).not.toBe(0);
    expect(drt(dup).command).toBe(2);
    expect(drt(dup).packet?.records).toEqual(drt(t.sent[0] as Sent).packet?.records);
    t.answer(dup.frame.sequence, 128, 110);
    const cancel = t.sent[2] as Sent;
    expect(drt(cancel)).toMatchObject({ command: 3, cancelled: [dup.frame.sequence] });
    t.answer(cancel.frame.sequence, 128, 115);
    expect(t.gsn.idle).toBe(true);
    expect(t.stats.s).toMatchObject({
      accepted: CDRS,
      possiblyDuplicated: CDRS,
      cancelled: CDRS,
      released: 0,
    });
  });

  it('ensures scenario (c): the request is never sent; after the timeout a possibly duplicated copy and a Release go', () => {
    const t = setup(1, [Trick.LostRequest]);
    t.gsn.pump(0);
    expect(t.sent).toHaveLength(0);
    expect(t.stats.s.sent).toBe(CDRS);
    t.gsn.checkTimeouts(100);
    const dup = t.sent[0] as Sent;
    expect(drt(dup).command).toBe(2);
    t.answer(dup.frame.sequence, 128, 101);
    expect(t.ledger.outcome[0]).toBe(Outcome.Unconfirmed);
    const release = t.sent[1] as Sent;
    expect(drt(release)).toMatchObject({ command: 4, released: [dup.frame.sequence] });
    t.answer(release.frame.sequence, 128, 102);
    expect(t.ledger.outcome[0]).toBe(Outcome.Confirmed);
    expect(t.stats.s).toMatchObject({ accepted: CDRS, released: CDRS });
  });

  it('ensures slots held by a lost request or an ignored answer until the timeout are measured, and no others', () => {
    const t = setup(3, [Trick.LostResponse, 0, Trick.LostRequest]);
    t.gsn.pump(0); // 0 and 1 go, 2 is "lost": its slot waits for the timeout
    t.gsn.checkTimeouts(10); // 1 slot × 10 ms
    t.answer(0, 128, 20); // ignored: 0's slot waits for the timeout too
    t.answer(1, 128, 20); // an answer frees 1's slot: never counted
    t.gsn.checkTimeouts(50); // 2 slots × 40 ms
    t.gsn.checkTimeouts(100); // 2 × 50, then 0 goes again and 2 as a possibly duplicated copy
    t.gsn.checkTimeouts(200); // the retransmission and the copy wait for the gateway: nothing
    expect(t.gsn.slotsWaitingTimeout(200)).toBeCloseTo(190 / 200, 10);
    expect(setup(2).gsn.slotsWaitingTimeout(0)).toBe(0);
  });

  it('ensures 177 rejects the CDRs without retransmission and other error causes reject too', () => {
    const t = setup(2);
    t.gsn.pump(0);
    t.answer(0, 177, 1);
    t.answer(1, 193, 1);
    t.gsn.checkTimeouts(1000);
    expect(t.sent).toHaveLength(2);
    expect(t.stats.s).toMatchObject({ rejected: 2 * CDRS, accepted: 0, retransmitted: 0 });
    expect([...t.ledger.outcome]).toEqual([Outcome.Rejected, Outcome.Rejected]);
  });

  it('ensures 199 and 60/61 back off, then send the same CDRs in a new request', () => {
    const t = setup(1);
    t.gsn.pump(0);
    t.answer(0, 199, 1);
    t.gsn.pump(50);
    expect(t.sent).toHaveLength(1);
    t.gsn.pump(101);
    const again = t.sent[1] as Sent;
    expect(again.frame.sequence).toBe(1);
    expect(drt(again)).toMatchObject({ command: 1, packet: drt(t.sent[0] as Sent).packet });
    t.answer(1, 61, 102);
    t.gsn.pump(250);
    expect(t.sent).toHaveLength(2); // the back-off doubled: 200 ms
    t.gsn.pump(302);
    t.answer(2, 128, 303);
    expect(t.stats.s).toMatchObject({ backoffs: 2, accepted: CDRS });
  });

  it('ensures sequence numbers are 16 bit and wrap', () => {
    const t = setup(65_540, [], { window: 1 });
    for (let i = 0; i < 65_540; i++) {
      t.gsn.pump(i);
      const s = t.sent[t.sent.length - 1] as Sent;
      t.answer(s.frame.sequence, 128, i);
    }
    expect(t.sent.slice(65_534, 65_539).map((s) => s.frame.sequence)).toEqual([65_534, 65_535, 0, 1, 2]);
    expect(t.stats.s.accepted).toBe(65_540 * CDRS);
  });

  it('ensures an Echo Request is answered with the restart counter on the same sequence number', () => {
    const t = setup(0);
    t.gsn.receive(frameOf(77, { type: 'echo-request' }), PRIMARY, 0);
    expect(t.sent[0]?.frame).toMatchObject({ sequence: 77, message: { type: 'echo-response', recovery: 5 } });
    expect(t.sent[0]?.target).toEqual(PRIMARY);
  });

  it('ensures a Redirection Request moves outstanding Sends to the secondary as possibly duplicated; Node Alive from the primary brings it back', () => {
    const t = setup(6, [], { secondary: SECONDARY });
    t.gsn.pump(0);
    t.gsn.receive(frameOf(900, { type: 'redirection-request', cause: 61 }), PRIMARY, 1);
    expect(t.sent[4]?.frame).toMatchObject({
      sequence: 900,
      message: { type: 'redirection-response', cause: 128 },
    });
    const moved = t.sent.slice(5, 9);
    expect(moved.map((s) => [s.target, drt(s).command])).toEqual(Array(4).fill([SECONDARY, 2]));
    expect(t.stats.s.redirected).toBe(4);
    // A late answer from the primary for an original: the copy is then cancelled, not released.
    t.answer(0, 128, 2);
    t.answer((moved[0] as Sent).frame.sequence, 128, 3, SECONDARY);
    expect(drt(t.sent[9] as Sent)).toMatchObject({
      command: 3,
      cancelled: [(moved[0] as Sent).frame.sequence],
    });
    t.answer((moved[1] as Sent).frame.sequence, 128, 3, SECONDARY);
    expect(drt(t.sent[10] as Sent)).toMatchObject({
      command: 4,
      released: [(moved[1] as Sent).frame.sequence],
    });
    t.gsn.receive(frameOf(901, { type: 'node-alive-request', nodeAddress: '127.0.0.1' }), PRIMARY, 4);
    expect(t.sent[11]?.frame).toMatchObject({ sequence: 901, message: { type: 'node-alive-response' } });
    t.answer((t.sent[9] as Sent).frame.sequence, 128, 5, SECONDARY);
    t.gsn.pump(5);
    expect(t.sent[12]?.target).toEqual(PRIMARY);
    expect(drt(t.sent[12] as Sent).command).toBe(1);
  });

  it('ensures a restart closes the sockets, then sends Node Alive, renumbers from 0, re-sends outstanding as possibly duplicated with Release', () => {
    const t = setup(6);
    t.gsn.pump(0);
    t.gsn.goDown();
    expect(t.closed()).toBe(1);
    t.gsn.pump(10);
    t.gsn.checkTimeouts(1000);
    t.gsn.receive(frameOf(1, { type: 'echo-request' }), PRIMARY, 10);
    expect(t.sent).toHaveLength(4);
    t.gsn.restart(2000);
    const after = t.sent.slice(4);
    expect(after[0]?.frame).toMatchObject({
      sequence: 0,
      message: { type: 'node-alive-request', nodeAddress: '127.0.0.10' },
    });
    expect(after.slice(1).map((s) => [s.frame.sequence, drt(s).command])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
      [4, 2],
    ]);
    t.answer(1, 128, 2001);
    expect(drt(t.sent[t.sent.length - 1] as Sent)).toMatchObject({ command: 4, released: [1] });
    t.gsn.receive(frameOf(2, { type: 'echo-request' }), PRIMARY, 2001);
    expect(t.sent[t.sent.length - 1]?.frame.message).toEqual({ type: 'echo-response', recovery: 6 });
    expect(t.stats.s.restarts).toBe(1);
  });
});
