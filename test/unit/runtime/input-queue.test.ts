/**
 * The actor's queue of entries to handle: appended entries are kept in memory up to a byte budget,
 * past it they are read back from the log, and the loop sees every entry once, in order, either way.
 */
import { describe, expect, it } from 'vitest';
import { InputQueue, type Entry } from '../../../src/actors/runtime/input-queue.js';

/** An input log in memory: `read` returns durable entries from a position, as InputLog.read does. */
class Log {
  readonly entries: Entry[] = [];
  durable = 0;
  reads = 0;

  append(bytes: number): Entry {
    const e = {
      lsn: this.entries.length + 1,
      kind: 3,
      payload: new Uint8Array(bytes).fill(this.entries.length),
    };
    this.entries.push(e);
    return e;
  }

  read = (from: number, max: number): Promise<Entry[]> => {
    this.reads++;
    return Promise.resolve(this.entries.filter((e) => e.lsn >= from && e.lsn <= this.durable).slice(0, max));
  };
}

/** Handles every durable entry from `position`, as the actor's loop does; returns the lsns seen. */
async function handleAll(q: InputQueue, log: Log, position: number): Promise<number[]> {
  const seen: number[] = [];
  for (let p = position; p <= log.durable; p++) {
    const e = await q.at(p);
    expect(e, `entry ${p}`).toBeDefined();
    expect(e?.payload[0]).toBe((p - 1) & 0xff);
    seen.push((e as Entry).lsn);
    q.handled(p);
  }
  return seen;
}

describe('input queue', () => {
  it('ensures entries the log held at start are read from it, and appended ones are handled from memory', async () => {
    const log = new Log();
    for (let i = 0; i < 600; i++) log.append(10);
    log.durable = 600;
    const q = new InputQueue(600, 1 << 20, log.read);
    for (let i = 0; i < 50; i++) q.appended(log.append(10));
    log.durable = 650;
    expect(await handleAll(q, log, 1)).toEqual(Array.from({ length: 650 }, (_, i) => i + 1));
    expect(log.reads).toBe(3); // 600 entries in slices of 256; the appended 50 from memory
    expect(q.keptBytes).toBe(0);
    expect(q.letGo).toBe(0);
  });

  it('ensures that past the byte budget the kept entries are let go and read back from the log, every entry once and in order', async () => {
    const log = new Log();
    const q = new InputQueue(0, 1000, log.read);
    for (let i = 0; i < 25; i++) {
      q.appended(log.append(100));
      expect(q.keptBytes).toBeLessThanOrEqual(1000);
    }
    log.durable = 25;
    expect(q.letGo).toBe(22); // 1-10 kept, all let go at 11; 12-21 kept, let go at 22; 23-25 kept
    expect(q.fromLogUntil).toBe(22);
    expect(q.keptBytes).toBe(300);
    expect(await handleAll(q, log, 1)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(q.keptBytes).toBe(0);
  });

  it('ensures entries appended while the loop handles read-back ones join the kept tail after them', async () => {
    const log = new Log();
    const q = new InputQueue(0, 250, log.read);
    for (let i = 0; i < 5; i++) q.appended(log.append(100));
    log.durable = 5;
    const seen: number[] = [];
    for (let p = 1; p <= 12; p++) {
      if (p === 2) for (let i = 0; i < 7; i++) q.appended(log.append(100)); // a burst mid-way
      log.durable = log.entries.length;
      const e = (await q.at(p)) as Entry;
      seen.push(e.lsn);
      q.handled(e.lsn);
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('ensures an entry larger than the whole budget is read back from the log, not kept', async () => {
    const log = new Log();
    const q = new InputQueue(0, 100, log.read);
    q.appended(log.append(500));
    expect(q.keptBytes).toBe(0);
    expect(q.fromLogUntil).toBe(1);
    log.durable = 1;
    expect((await q.at(1))?.lsn).toBe(1);
  });

  it('ensures an entry not yet readable from the log gives undefined (the loop waits), and a kept entry out of order is an error', async () => {
    const log = new Log();
    log.append(10);
    const q = new InputQueue(1, 1000, log.read);
    expect(await q.at(1)).toBeUndefined(); // in the log, not durable yet
    q.appended(log.append(10));
    await expect(q.at(3)).rejects.toThrow(/not in memory/);
  });
});
