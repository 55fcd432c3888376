/**
 * The GTP' EI's ingest against real UDP and TCP sockets, with an input log whose durability the test
 * controls: answers come only after durability, retransmissions are answered without being logged
 * twice, bad messages are logged for the quarantine and answered with the cause naming the problem.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeEntries,
  KIND_INVALID,
  KIND_MESSAGE,
  type DatagramEntry,
} from '../../../../src/actors/nodes/ei/datagram/entry.js';
import { GtppIngest } from '../../../../src/actors/nodes/ei/gtpp/ingest.js';
import { gtppEiSettings, type GtppEiSettings } from '../../../../src/actors/nodes/ei/gtpp/settings.js';
import { encodeCdr } from '../../../../src/protocols/cdr/index.js';
import { sampleCdr } from '../../../../src/protocols/cdr/samples.js';
import { Cause, decodeFrame, encodeFrame, type GtppMessage } from '../../../../src/protocols/gtpp/index.js';
import { FakeLog } from '../../../helpers/fake-ingest-log.js';
import { TestPeer } from '../../../helpers/gtpp-peer.js';

const drt = (
  records: Uint8Array[],
  command: 1 | 2 | 3 | 4 = 1,
  extra: Partial<GtppMessage> = {},
): GtppMessage =>
  ({
    type: 'data-record-transfer-request',
    command,
    ...(command <= 2
      ? { packet: { format: 1, formatVersion: { application: 1, release: 16, version: 2 }, records } }
      : {}),
    ...extra,
  }) as GtppMessage;

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function start(
  over: Record<string, unknown> = {},
): Promise<{ ingest: GtppIngest; log: FakeLog; s: GtppEiSettings }> {
  const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-ingest-'));
  const s = gtppEiSettings.parse({
    listen: { address: '127.0.0.1', port: 0, udp: true, tcp: true },
    ...over,
  });
  const ingest = new GtppIngest(s);
  const log = new FakeLog();
  await ingest.start(log.context(dir));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  cleanup.push(() => ingest.stop());
  return { ingest, log, s };
}

async function peer(
  port: number | undefined,
  kind: 'udp' | 'tcp' = 'udp',
  local = '127.0.0.1',
): Promise<TestPeer> {
  const p =
    kind === 'udp' ? await TestPeer.udp(port as number, local) : await TestPeer.tcp(port as number, local);
  cleanup.push(() => p.close());
  return p;
}

function totalMessages(log: FakeLog): number {
  return log.entries.reduce((n, e) => n + decodeEntries(e).length, 0);
}

async function until(done: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A CDR-shaped blob the CDR decoder refuses (a tag it does not know as a record). */
const notACdr = Uint8Array.from([0x04, 0x02, 0xab, 0xcd]);

describe('gtpp-ei ingest', () => {
  it('ensures a Data Record Transfer Request is answered only once its log entry is durable, and a retransmission is answered "already fulfilled" without a second entry', async () => {
    const { ingest, log } = await start();
    const p = await peer(ingest.ports.udp);
    p.send(7, drt([notACdr]));
    expect(await p.next(300)).toBeUndefined(); // not durable: no answer yet
    expect(log.entries).toHaveLength(1);
    p.send(7, drt([notACdr])); // retransmitted before the answer
    log.durable();
    const first = await p.next();
    const second = await p.next();
    expect(first?.message).toMatchObject({
      type: 'data-record-transfer-response',
      cause: Cause.CdrDecodingError,
      requestsResponded: [7],
    });
    expect(second?.message).toMatchObject({ cause: Cause.RequestAlreadyFulfilled, requestsResponded: [7] });
    expect(log.entries).toHaveLength(1);
    const e = decodeEntries(log.entries[0] as Uint8Array)[0] as DatagramEntry;
    expect([e.kind, e.transport, e.address]).toEqual([KIND_MESSAGE, 'udp', '127.0.0.1']);
    expect(ingest.stats().events).toMatchObject({ drt_retransmission: 1, drt_cdr_decoding_error: 1 });
  });

  it('ensures a request whose append failed is answered neither itself nor as the copy that waited on it, and its next copy is taken again', async () => {
    const { ingest, log } = await start();
    const p = await peer(ingest.ports.udp);
    const cdr = encodeCdr(sampleCdr(3));
    p.send(9, drt([cdr]));
    await until(() => log.entries.length === 1);
    p.send(9, drt([cdr])); // a copy, waiting on the first
    await until(() => ingest.stats().events['drt_retransmission'] === 1);
    log.fail();
    expect(await p.next(300)).toBeUndefined();
    expect(ingest.stats().events).toMatchObject({ append_failed: 1 });
    expect(ingest.idle()).toBe(true);
    p.send(9, drt([cdr])); // the GSN sends again: taken, not "already fulfilled"
    await until(() => log.entries.length === 2);
    log.durable();
    expect((await p.next())?.message).toMatchObject({ cause: Cause.RequestAccepted, requestsResponded: [9] });
    expect(await p.next(200)).toBeUndefined();
    expect(ingest.stats().events).toMatchObject({ drt_accepted: 1, drt_retransmission: 1 });
  });

  it('ensures a possibly duplicated retransmission gets cause 252 and a new request with a reused sequence number is logged', async () => {
    const { ingest, log } = await start();
    log.autoDurable = true;
    const p = await peer(ingest.ports.udp);
    p.send(9, drt([notACdr], 2));
    expect((await p.next())?.message).toMatchObject({ cause: Cause.CdrDecodingError });
    p.send(9, drt([notACdr], 2));
    expect((await p.next())?.message).toMatchObject({
      cause: Cause.RequestRelatedToPossiblyDuplicatedPacketsAlreadyFulfilled,
    });
    p.send(9, drt([Uint8Array.from([0x04, 0x01, 0x00])], 1)); // same sequence, other content
    await p.next();
    p.send(10, drt([], 4, { released: [9] }));
    expect((await p.next())?.message).toMatchObject({
      cause: Cause.RequestAccepted,
      requestsResponded: [10],
    });
    expect(log.entries).toHaveLength(3);
  });

  it.each([0, 1])(
    'ensures a packet, its release and a request sent back to back are logged in their order and answered by their CDRs (decodeThreads %i)',
    async (decodeThreads) => {
      const { ingest, log } = await start({ decodeThreads, warmUpCdrs: 0 });
      log.autoDurable = true;
      const p = await peer(ingest.ports.udp);
      const cdr = (i: number): Uint8Array => encodeCdr(sampleCdr(i));
      p.send(50, drt([cdr(1), cdr(2), cdr(3)], 2));
      p.send(51, drt([], 4, { released: [50] }));
      p.send(52, drt([cdr(4), notACdr]));
      const causes = new Map<number, number>();
      while (causes.size < 3) {
        const f = await p.next();
        const m = f?.message as { cause: number; requestsResponded: number[] };
        for (const seq of m.requestsResponded) causes.set(seq, m.cause);
      }
      expect([...causes].sort((a, b) => a[0] - b[0])).toEqual([
        [50, Cause.RequestAccepted],
        [51, Cause.RequestAccepted],
        [52, Cause.CdrDecodingError],
      ]);
      const logged = log.entries.flatMap((e) => decodeEntries(e)).map((e) => decodeFrame(e.message).sequence);
      expect(logged).toEqual([50, 51, 52]);
      expect((ingest.stats().events['decode_jobs_sent'] ?? 0) > 0).toBe(decodeThreads > 0);
    },
  );

  it('ensures a malformed request is logged for the quarantine and answered with the cause that names the problem', async () => {
    const { ingest, log } = await start();
    log.autoDurable = true;
    const p = await peer(ingest.ports.udp);
    // A Data Record Transfer Request without its Packet Transfer Command.
    p.sendRaw(Uint8Array.from([0x4e, 240, 0, 0, 0, 5]));
    expect((await p.next())?.message).toMatchObject({
      cause: Cause.MandatoryIeMissing,
      requestsResponded: [5],
    });
    expect((decodeEntries(log.entries[0] as Uint8Array)[0] as DatagramEntry).kind).toBe(KIND_INVALID);
    // Version 7: Version Not Supported, nothing logged.
    p.sendRaw(Uint8Array.from([0xee, 240, 0, 0, 0, 6]));
    const v = await p.next();
    expect(v?.message.type).toBe('version-not-supported');
    expect(v?.sequence).toBe(6);
    expect(log.entries).toHaveLength(1);
  });

  it('ensures Echo and Node Alive Requests are answered with the restart counter, which grows at every start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-rc-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const s = gtppEiSettings.parse({ listen: { address: '127.0.0.1', port: 0, tcp: false } });
    const counters: number[] = [];
    for (let i = 0; i < 2; i++) {
      const ingest = new GtppIngest(s);
      await ingest.start(new FakeLog().context(dir));
      const p = await peer(ingest.ports.udp);
      p.send(1, { type: 'echo-request' });
      const echo = await p.next();
      if (echo?.message.type !== 'echo-response') throw new Error('expected an Echo Response');
      counters.push(echo.message.recovery);
      p.send(2, { type: 'node-alive-request', nodeAddress: '127.0.0.1' });
      expect((await p.next())?.message.type).toBe('node-alive-response');
      await ingest.stop();
    }
    expect(counters[1]).toBe(((counters[0] as number) + 1) & 0xff);
  });

  it.each(['udp', 'tcp'] as const)(
    'ensures requests of one peer made durable together are answered by responses listing their sequence numbers, at most maxRequestsPerResponse each (%s)',
    async (transport) => {
      const { ingest, log } = await start({ maxRequestsPerResponse: 4 });
      const p = await peer(transport === 'udp' ? ingest.ports.udp : ingest.ports.tcp, transport);
      const cdr = Uint8Array.from([0x04, 0x01, 0x00]);
      for (let seq = 20; seq < 30; seq++) p.send(seq, drt([cdr]));
      await until(() => log.entries.length > 0 && totalMessages(log) === 10);
      log.durable();
      const answers: number[][] = [];
      for (let n = 0; n < 10;) {
        const f = await p.next();
        expect(f?.message).toMatchObject({
          type: 'data-record-transfer-response',
          cause: Cause.CdrDecodingError,
        });
        const listed = (f?.message as { requestsResponded: number[] }).requestsResponded;
        expect(f?.sequence).toBe(listed[0]);
        answers.push(listed);
        n += listed.length;
      }
      expect(answers.flat().sort((a, b) => a - b)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
      expect(answers.every((a) => a.length <= 4)).toBe(true);
      expect(answers.length).toBeLessThan(10);
      expect(await p.next(200)).toBeUndefined();
      expect(ingest.stats().events).toMatchObject({ drt_responses_sent: answers.length });
    },
  );

  it('ensures maxRequestsPerResponse 1 answers each request with its own response', async () => {
    const { ingest, log } = await start({ maxRequestsPerResponse: 1 });
    const p = await peer(ingest.ports.udp);
    for (let seq = 40; seq < 43; seq++) p.send(seq, drt([notACdr]));
    await until(() => totalMessages(log) === 3);
    log.durable();
    const got = [await p.next(), await p.next(), await p.next()].map(
      (f) => (f?.message as { requestsResponded: number[] }).requestsResponded,
    );
    expect(got.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([[40], [41], [42]]);
  });

  it('ensures peers outside allowPeers are refused on UDP and TCP without an answer, and counted', async () => {
    const { ingest, log } = await start({ allowPeers: ['127.0.0.1'] });
    log.autoDurable = true;
    const p = await peer(ingest.ports.udp, 'udp', '127.0.0.2');
    p.send(1, { type: 'echo-request' });
    expect(await p.next(300)).toBeUndefined();
    const t = await peer(ingest.ports.tcp, 'tcp', '127.0.0.3');
    t.send(1, { type: 'echo-request' });
    expect(await t.next(300)).toBeUndefined();
    expect(ingest.stats().events['peer_refused']).toBe(2);
    expect(log.entries).toHaveLength(0);
    expect(Object.keys(ingest.stats().gauges ?? {})).toEqual(
      expect.arrayContaining(['receive_buffer_bytes', 'udp_kernel_drops', 'udp_receive_queue_bytes']),
    );
  });

  it("ensures TCP peers are answered on their connection and bytes that cannot be GTP' close it", async () => {
    const { ingest, log } = await start();
    log.autoDurable = true;
    const t = await peer(ingest.ports.tcp, 'tcp');
    const a = encodeFrame({ version: 2, longHeader: false, sequence: 1, message: drt([notACdr]) });
    const b = encodeFrame({ version: 1, longHeader: false, sequence: 2, message: { type: 'echo-request' } });
    const both = new Uint8Array([...a, ...b]);
    for (let i = 0; i < both.length; i += 3) t.sendRaw(both.subarray(i, i + 3));
    const got = [await t.next(), await t.next()].map((f) => f?.message.type).sort();
    expect(got).toEqual(['data-record-transfer-response', 'echo-response']);
    t.sendRaw(Uint8Array.from([0x3e, 1, 0, 0, 0, 1])); // PT = 1: GTP, not GTP'
    await new Promise((r) => setTimeout(r, 200));
    expect(t.closed).toBe(true);
    expect(ingest.stats().events['invalid_stream']).toBe(1);
  });

  it('ensures possibly duplicated packets past maxHeldCdrs are answered "No resources available" and not logged, with an alarm until the handler holds 90% or less', async () => {
    const { ingest, log } = await start({ maxHeldCdrs: 20 });
    log.autoDurable = true;
    const p = await peer(ingest.ports.udp);
    log.held = 18;
    p.send(1, drt([notACdr, notACdr], 2)); // 18 + 2: at the limit, taken
    expect((await p.next())?.message).toMatchObject({ requestsResponded: [1] });
    expect((await p.next(300))?.message.type).toBeUndefined();
    log.held = 20;
    p.send(2, drt([notACdr], 2)); // 20 + 1: refused
    expect((await p.next())?.message).toMatchObject({
      cause: Cause.NoResourcesAvailable,
      requestsResponded: [2],
    });
    expect(log.alarms.get('possibly_duplicated_full')).toMatch(
      /20 CDRs of possibly duplicated packets held \(maxHeldCdrs 20\)/,
    );
    p.send(3, drt([notACdr, notACdr])); // a plain send is taken whatever is held
    expect((await p.next())?.message).toMatchObject({ requestsResponded: [3] });
    log.held = 19; // above 90%: the alarm stays, though the next packet fits
    p.send(4, drt([notACdr], 2));
    expect((await p.next())?.message).toMatchObject({ requestsResponded: [4] });
    expect(log.alarms.has('possibly_duplicated_full')).toBe(true);
    log.held = 0;
    p.send(2, drt([notACdr], 2)); // the refused packet sent again: now taken
    expect((await p.next())?.message).toMatchObject({ requestsResponded: [2] });
    expect(log.alarms.has('possibly_duplicated_full')).toBe(false);
    expect(totalMessages(log)).toBe(4);
    expect(ingest.stats().events).toMatchObject({ drt_held_full: 1 });
  });

  it('ensures a backlog past highWater sends one Redirection Request per peer naming redirectTo, "No resources available" past rejectAbove, and a Node Alive Request once recovered', async () => {
    const { ingest, log } = await start({
      overload: { highWater: 10, lowWater: 2, rejectAbove: 100, redirectTo: '127.0.0.9', repeatMs: 60_000 },
    });
    log.autoDurable = true;
    const p = await peer(ingest.ports.udp);
    log.backlog = 50;
    p.send(1, drt([notACdr]));
    p.send(2, drt([notACdr]));
    const got = [await p.next(), await p.next(), await p.next()];
    const redirect = got.filter((f) => f?.message.type === 'redirection-request');
    expect(redirect).toHaveLength(1);
    expect(redirect[0]?.message).toMatchObject({
      cause: Cause.ReceiveBuffersBecomingFull,
      recommendedNode: '127.0.0.9',
    });
    expect(log.alarms.has('overloaded')).toBe(true);
    log.backlog = 150;
    p.send(3, drt([notACdr]));
    expect((await p.next())?.message).toMatchObject({
      cause: Cause.NoResourcesAvailable,
      requestsResponded: [3],
    });
    expect(log.entries.flatMap((e) => decodeEntries(e))).toHaveLength(2);
    log.backlog = 1;
    expect((await p.next(1000))?.message.type).toBe('node-alive-request');
    expect(log.alarms.has('overloaded')).toBe(false);
  });
});
