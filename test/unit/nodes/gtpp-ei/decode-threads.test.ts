/**
 * The gateway's decode threads (`decodeThreads`): a request's CDRs decoded on another thread come
 * back as the gateway's own thread decodes them, in the order the requests were given, whichever
 * thread decoded them; when every thread is busy the gateway decodes itself; a thread that fails is
 * counted, its jobs are decoded on the gateway's thread and another thread takes its place.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  answerJob,
  makeJob,
  readAnswer,
  ShapeNumbers,
} from '../../../../src/actors/nodes/ei/gtpp/decode-job.js';
import {
  CdrDecoding,
  spawnDecodeThread,
  type SpawnDecodeThread,
} from '../../../../src/actors/nodes/ei/gtpp/decode-threads.js';
import { decodeRecords, type RecordResult } from '../../../../src/actors/nodes/ei/gtpp/records.js';
import { encodeCdr } from '../../../../src/protocols/cdr/index.js';
import { sampleCdr } from '../../../../src/protocols/cdr/samples.js';
import { MsgpackWriter } from '../../../../src/protocols/nar/msgpack-writer.js';
import { PackedNar } from '../../../../src/protocols/nar/packed-nar.js';
import { fieldOf, withFields } from '../../protocols/cdr/fixtures.js';

/** A result as a plain value: a NAR object, or the failure's code and message. */
const plain = (r: RecordResult): unknown => (r instanceof PackedNar ? r.toNar() : { ...r });
const plainAll = (rs: readonly RecordResult[] | undefined): unknown => rs?.map(plain);

const good = (i: number): Uint8Array => encodeCdr(sampleCdr(i));
/** Left by `packCdrNar` to `decodeCdrToNar`: a field given twice. */
const twice = (i: number): Uint8Array => withFields(good(i), fieldOf(good(i), 5));
const notACdr = Uint8Array.from([0x04, 0x02, 0xab, 0xcd]);

/** Requests of 1–12 CDRs, one in seven undecodable, one in eleven with a field given twice. */
function requests(n: number, seed = 1): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  let k = seed;
  for (let r = 0; r < n; r++) {
    const cdrs: Uint8Array[] = [];
    for (let c = 0; c < 1 + (r % 12); c++, k++)
      cdrs.push(k % 7 === 0 ? notACdr : k % 11 === 0 ? twice(k) : good(k));
    out.push(cdrs);
  }
  return out;
}

/** A request's CDRs as `CdrDecoding` hands them over. */
function decoded(
  d: CdrDecoding,
  records: readonly Uint8Array[] | undefined,
  format: number,
): Promise<readonly RecordResult[] | undefined> {
  return new Promise((resolve) => d.decode(records, format, resolve));
}

const open: CdrDecoding[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

function decoding(
  threads: number,
  spawn: SpawnDecodeThread = spawnDecodeThread,
): { d: CdrDecoding; events: Map<string, number>; failures: Error[] } {
  const events = new Map<string, number>();
  const failures: Error[] = [];
  const d = new CdrDecoding(
    { threads, accept: [1], warmUpCdrs: 0 },
    { count: (e) => events.set(e, (events.get(e) ?? 0) + 1), failed: (err) => failures.push(err) },
    spawn,
  );
  open.push(d);
  return { d, events, failures };
}

describe('decode jobs', () => {
  it('ensures a job answered by a thread gives every CDR as the gateway decodes it, and names each shape once', () => {
    const reqs = requests(40);
    const w = new MsgpackWriter(256);
    const numbers = new ShapeNumbers();
    const shapes: (readonly string[])[] = [];
    const first = answerJob(makeJob(1, reqs), w, numbers);
    expect(first.newShapes.length).toBeGreaterThan(0);
    expect(plainAll(readAnswer(first, shapes))).toEqual(
      plainAll(reqs.flatMap((r) => decodeRecords(r, 1, [1]))),
    );
    const again = answerJob(makeJob(2, reqs.slice(0, 5)), w, numbers);
    expect(again.newShapes).toEqual([]);
    expect(plainAll(readAnswer(again, shapes))).toEqual(
      plainAll(reqs.slice(0, 5).flatMap((r) => decodeRecords(r, 1, [1]))),
    );
    const kinds = readAnswer(answerJob(makeJob(3, reqs), w, numbers), shapes).map((r) => r.constructor.name);
    expect(new Set(kinds)).toEqual(new Set(['PackedNar', 'Object', 'RecordFailure']));
  });
});

describe('CdrDecoding', () => {
  it('ensures requests decoded on a thread come back in their order, equal to decoding them here, refused formats and empty requests among them', async () => {
    const { d, events } = decoding(1);
    const reqs = requests(300, 3);
    const got = reqs.map((r, i) =>
      i % 50 === 7 ? decoded(d, r, 2) : i % 40 === 5 ? decoded(d, undefined, 1) : decoded(d, r, 1),
    );
    const order: number[] = [];
    got.forEach((p, i) => void p.then(() => order.push(i)));
    const results = await Promise.all(got);
    expect(order).toEqual(reqs.map((_, i) => i));
    reqs.forEach((r, i) => {
      const want =
        i % 50 === 7 ? decodeRecords(r, 2, [1]) : i % 40 === 5 ? undefined : decodeRecords(r, 1, [1]);
      expect(plainAll(results[i]), `request ${i}`).toEqual(plainAll(want));
    });
    expect(events.get('decode_jobs_sent')).toBeGreaterThan(0);
  });

  it('ensures the gateway decodes a turn itself when every thread has its jobs in flight', async () => {
    const { d, events } = decoding(1);
    // 6,000 CDRs in one turn: jobs of 2,048 CDRs, two in flight, the rest decoded here.
    const reqs = Array.from({ length: 600 }, (_, r) =>
      Array.from({ length: 10 }, (_, c) => good(r * 10 + c)),
    );
    const results = await Promise.all(reqs.map((r) => decoded(d, r, 1)));
    expect(events.get('decode_jobs_sent')).toBe(2);
    expect(events.get('decode_jobs_here')).toBe(1);
    results.forEach((rs, i) =>
      expect(plainAll(rs)).toEqual(plainAll(decodeRecords(reqs[i] as Uint8Array[], 1, [1]))),
    );
  });

  it('ensures a thread that fails has its jobs decoded here, is counted and reported, and is replaced', async () => {
    let spawned = 0;
    // The first thread dies at its first job; the ones after are real decode threads.
    const spawn: SpawnDecodeThread = (data) =>
      spawned++ === 0
        ? new Worker(
            "require('node:worker_threads').parentPort.on('message', () => { throw new Error('decoder crashed'); });",
            { eval: true },
          )
        : spawnDecodeThread(data);
    const { d, events, failures } = decoding(1, spawn);
    const reqs = requests(30, 5);
    const results = await Promise.all(reqs.map((r) => decoded(d, r, 1)));
    results.forEach((rs, i) =>
      expect(plainAll(rs)).toEqual(plainAll(decodeRecords(reqs[i] as Uint8Array[], 1, [1]))),
    );
    expect(events.get('decode_thread_failed')).toBe(1);
    expect(failures.map((e) => e.message)).toEqual(['decoder crashed']);
    // While it is replaced (1 s), turns are decoded here; then jobs go to the new thread.
    await new Promise((r) => setTimeout(r, 1200));
    expect(spawned).toBe(2);
    const sent = events.get('decode_jobs_sent') ?? 0;
    const later = await decoded(d, reqs[3], 1);
    expect(plainAll(later)).toEqual(plainAll(decodeRecords(reqs[3] as Uint8Array[], 1, [1])));
    expect(events.get('decode_jobs_sent')).toBe(sent + 1);
    expect(events.get('decode_thread_failed')).toBe(1);
  });

  it('ensures a thread that cannot start is tried again after twice as long each time, and requests are decoded here meanwhile', async () => {
    const spawns: number[] = [];
    const spawn: SpawnDecodeThread = () => {
      spawns.push(performance.now());
      return new Worker("throw new Error('cannot start');", { eval: true });
    };
    const failedAt: number[] = [];
    const events = new Map<string, number>();
    const d = new CdrDecoding(
      { threads: 1, accept: [1], warmUpCdrs: 0, restartMs: 200 },
      {
        count: (e) => events.set(e, (events.get(e) ?? 0) + 1),
        failed: () => failedAt.push(performance.now()),
      },
      spawn,
    );
    open.push(d);
    const reqs = requests(10, 9);
    while (spawns.length < 4) {
      const results = await Promise.all(reqs.map((r) => decoded(d, r, 1)));
      results.forEach((rs, i) =>
        expect(plainAll(rs)).toEqual(plainAll(decodeRecords(reqs[i] as Uint8Array[], 1, [1]))),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    // Each try waits at least twice as long as the one before: 200, 400, 800 ms after a failure.
    for (let k = 1; k < 4; k++)
      expect((spawns[k] as number) - (failedAt[k - 1] as number)).toBeGreaterThanOrEqual(
        200 * 2 ** (k - 1) - 5,
      );
    expect(events.get('decode_thread_failed')).toBeGreaterThanOrEqual(3);
  });

  it('ensures with no threads a request is decoded at once, as before', async () => {
    const { d, events } = decoding(0);
    const reqs = requests(20);
    const results = await Promise.all(reqs.map((r) => decoded(d, r, 1)));
    results.forEach((rs, i) =>
      expect(plainAll(rs)).toEqual(plainAll(decodeRecords(reqs[i] as Uint8Array[], 1, [1]))),
    );
    expect(events.size).toBe(0);
  });
});
