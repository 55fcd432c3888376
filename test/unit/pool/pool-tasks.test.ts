import { afterEach, describe, expect, it } from 'vitest';
import { OrderedPool, poolTask, PoolTaskError } from '../../../src/actors/runtime/ordered-pool.js';
import { parseCsvLinesTask } from '../../../src/actors/runtime/pool-worker.js';
import { decodeBatch, encodeBatch } from '../../../src/protocols/nar/batch.js';
import type { Nar } from '../../../src/protocols/nar/nar.js';

/** A 24-attribute NAR shaped like a PGW-CDR. */
function pgwRecord(i: number): Nar {
  return {
    narId: `pgw-1:${i}`,
    recordType: 'pGWRecord',
    imsi: `26201${String(1_000_000_000 + i)}`,
    msisdn: `4917${String(10_000_000 + i)}`,
    imei: `35${String(1_000_000_000_000 + i)}`,
    chargingId: 100_000 + i,
    ggsnAddress: '10.0.0.1',
    sgsnAddress: `10.1.${i % 250}.${i % 200}`,
    apn: i % 3 === 0 ? 'internet' : 'ims',
    servedPdpAddress: `100.64.${i % 250}.${i % 100}`,
    recordSequenceNumber: i % 7,
    localSequenceNumber: i,
    causeForRecClosing: i % 5 === 0 ? 16 : 0,
    recordOpeningTime: '2026-11-24T10:15:00+01:00',
    duration: 300 + (i % 60),
    uplinkBytes: BigInt(i) * 1_000_003n,
    downlinkBytes: BigInt(i) * 9_000_011n + 12345678901234n,
    nodeId: 'pgw-1',
    ratType: 6,
    srcPort: 1024 + (i % 60_000),
    dstPort: 443,
    protocol: 6,
    ok: i % 11 !== 0,
    ratio: i / 7,
  };
}

function batch(sequence: number, count: number): Uint8Array {
  return encodeBatch(
    'ei-pgw.0',
    sequence,
    Array.from({ length: count }, (_, i) => pgwRecord(sequence * 10_000 + i)),
  );
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function decodePool(threads: number): OrderedPool<Uint8Array, ReturnType<typeof decodeBatch>> {
  const p = new OrderedPool({ task: poolTask('decode-batch'), threads, maxInFlight: 4 });
  open.push(p);
  return p;
}

/** Runs every batch through a pool and describes each outcome, so modes can be compared as data. */
async function decodeAll(threads: number, batches: readonly Uint8Array[]): Promise<unknown[]> {
  const p = decodePool(threads);
  for (const b of batches) {
    const bytes = b.slice();
    await p.submit(bytes, [bytes.buffer]);
  }
  const out: unknown[] = [];
  for (let i = 0; i < batches.length; i++) {
    out.push(
      await p.next().then(
        (value) => ({ value }),
        (err: unknown) =>
          err instanceof PoolTaskError
            ? { error: [err.code, err.sequence, err.failure.name, err.failure.code] }
            : err,
      ),
    );
  }
  return out;
}

describe('decode-batch pool task', () => {
  it('ensures a 1000-record batch decoded on a pool thread equals decodeBatch in this thread', async () => {
    const bytes = batch(7, 1000);
    const expected = decodeBatch(bytes);
    const p = decodePool(1);
    const sent = bytes.slice();
    await p.submit(sent, [sent.buffer]);
    expect(sent.byteLength).toBe(0);
    const got = await p.next();
    expect(got).toEqual(expected);
    expect(got.records).toHaveLength(1000);
    expect(typeof got.records[999]?.downlinkBytes).toBe('bigint');
  });

  it('ensures a malformed batch rejects with the DecodeError code carried across the thread', async () => {
    const bad = batch(1, 3);
    bad[0] = 0;
    const p = decodePool(1);
    await p.submit(bad);
    await expect(p.next()).rejects.toMatchObject({
      code: 'task_failed',
      task: 'decode-batch',
      failure: { name: 'DecodeError', code: 'bad_magic' },
    });
  });

  it('ensures inline mode (0 threads) yields the same results and failures as pool threads', async () => {
    const corrupt = batch(3, 5);
    corrupt[2] = 9;
    const batches = [batch(1, 1500), batch(2, 1), corrupt, batch(4, 200), new Uint8Array(3), batch(5, 40)];
    const inline = await decodeAll(0, batches);
    const threaded = await decodeAll(2, batches);
    expect(threaded).toEqual(inline);
    expect(
      inline.map((o) => ('error' in (o as object) ? (o as { error: unknown[] }).error[3] : 'ok')),
    ).toEqual(['ok', 'ok', 'unsupported_version', 'ok', 'truncated', 'ok']);
  });
});

describe('parse-csv-lines pool task', () => {
  const input = {
    lines: ['a;b;c', '"x;y";"say ""hi""";', '"open;never closed', '', 'tail"q'],
    delimiter: ';',
  };

  it('ensures each line yields its fields, or its own error without failing the other lines', () => {
    const out = parseCsvLinesTask(input);
    expect(out[0]).toEqual(['a', 'b', 'c']);
    expect(out[1]).toEqual(['x;y', 'say "hi"', '']);
    expect(out[2]).toMatchObject({ error: { code: 'unterminated_quote' } });
    expect(out[3]).toEqual(['']);
    expect(out[4]).toEqual(['tail"q']);
  });

  it('ensures the same lines parsed on a pool thread give the same per-line results as inline', async () => {
    const threaded = new OrderedPool({ task: poolTask('parse-csv-lines'), threads: 1, maxInFlight: 2 });
    const inline = new OrderedPool({ task: poolTask('parse-csv-lines'), threads: 0, maxInFlight: 2 });
    open.push(threaded, inline);
    await threaded.submit(input);
    await inline.submit(input);
    expect(await threaded.next()).toEqual(await inline.next());
  });
});
