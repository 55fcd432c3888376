/**
 * Ensures the messages that arrive in one turn become one input-log entry, each message written into
 * it as it arrives, with the same bytes as the multi-message form built from single-message entries,
 * and that every message's callback runs once with its entry's append's outcome.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeEntries,
  encodeEntries,
  encodeEntry,
  KIND_INVALID,
  KIND_MESSAGE,
  MAX_MESSAGES_PER_ENTRY,
  type DatagramEntry,
} from '../../../../src/actors/nodes/ei/datagram/entry.js';
import { EntryBatcher } from '../../../../src/actors/nodes/ei/datagram/entry-batcher.js';

function message(i: number, bytes: number): DatagramEntry {
  return {
    kind: i % 7 === 0 ? KIND_INVALID : KIND_MESSAGE,
    transport: i % 2 === 0 ? 'udp' : 'tcp',
    address: i % 3 === 0 ? '2001:db8::17' : `127.0.0.${10 + (i % 5)}`,
    port: 3386 + i,
    receivedAtMs: 1_796_000_000_000 + i * 0.25,
    message: Uint8Array.from({ length: bytes }, (_, k) => (i + k) & 0xff),
  };
}

/** Logs `m`; resolves once its callback says it is durable, rejects with the append's failure. */
function log<D>(b: EntryBatcher<D>, m: DatagramEntry, decoded: D | undefined): Promise<void> {
  let calls = 0;
  return new Promise((resolve, reject) =>
    b.add(m, decoded, (err) => {
      expect(++calls).toBe(1);
      if (err === undefined) resolve();
      else reject(err as Error);
    }),
  );
}

describe('EntryBatcher', () => {
  it('ensures a turn of messages is one entry equal to the multi-message form, read back message by message', async () => {
    const appended: Uint8Array[] = [];
    const sealed: (number | undefined)[][] = [];
    const b = new EntryBatcher<number>(
      (payload) => {
        appended.push(payload);
        return Promise.resolve(appended.length);
      },
      (_payload, decoded) => sealed.push([...decoded]),
    );
    const sizes = [0, 1, 300, 5000, 70_000, 12];
    const msgs = sizes.map((n, i) => message(i, n));
    await Promise.all(msgs.map((m, i) => log(b, m, i === 2 ? undefined : i)));
    expect(appended).toHaveLength(1);
    const payload = appended[0] as Uint8Array;
    expect([...payload]).toEqual([...encodeEntries(msgs.map(encodeEntry))]);
    expect(decodeEntries(payload)).toEqual(msgs);
    expect(sealed).toEqual([[0, 1, undefined, 3, 4, 5]]);
    // The next turn starts a new entry.
    await log(b, message(9, 40), 9);
    expect(appended).toHaveLength(2);
    expect(decodeEntries(appended[1] as Uint8Array)).toEqual([message(9, 40)]);
    expect(decodeEntries(payload)).toEqual(msgs); // the first payload is its own copy
  });

  it('ensures a full entry is sealed at once and a failed append rejects only its own messages', async () => {
    let calls = 0;
    const b = new EntryBatcher<undefined>((payload) => {
      calls++;
      return calls === 1
        ? Promise.reject(new Error('disk full'))
        : Promise.resolve(decodeEntries(payload).length);
    });
    const first = Array.from({ length: MAX_MESSAGES_PER_ENTRY }, (_, i) => log(b, message(i, 20), undefined));
    expect(calls).toBe(1); // sealed when full, without waiting for the turn to end
    const second = log(b, message(1, 20), undefined);
    const results = await Promise.allSettled([...first, second]);
    expect(results.slice(0, -1).every((r) => r.status === 'rejected')).toBe(true);
    expect(results.at(-1)?.status).toBe('fulfilled');
  });

  it('ensures every message of an entry hears of its append when a callback before it throws, and the fault is handed on', async () => {
    const faults: unknown[] = [];
    const b = new EntryBatcher<undefined>(
      () => Promise.resolve(1),
      () => {},
      (thrown) => faults.push(thrown),
    );
    const heard: number[] = [];
    for (let i = 0; i < 4; i++)
      b.add(message(i, 10), undefined, () => {
        heard.push(i);
        if (i === 1) throw new Error('fault in a callback');
      });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual([0, 1, 2, 3]);
    expect(faults).toHaveLength(1);
    expect((faults[0] as Error).message).toBe('fault in a callback');
  });
});
