/** The GTP' EI's own state: log entry format, retransmission window, possibly duplicated packets. */
import { describe, expect, it } from 'vitest';
import {
  decodeEntries,
  decodeEntry,
  encodeEntries,
  encodeEntry,
  EntryFormatError,
  KIND_INVALID,
  KIND_MESSAGE,
} from '../../../../src/actors/nodes/ei/datagram/entry.js';
import { fingerprint, md5Fingerprint } from '../../../../src/actors/nodes/ei/gtpp/fingerprint.js';
import { FirstAnswer } from '../../../../src/actors/nodes/ei/datagram/first-answer.js';
import { RequestTable } from '../../../../src/actors/nodes/ei/gtpp/requests.js';
import { HeldPackets, type HeldSnapshot } from '../../../../src/actors/nodes/ei/gtpp/held.js';
import { PeerWindow } from '../../../../src/actors/nodes/ei/gtpp/peer-window.js';
import { packValue, unpackValue } from '../../../../src/protocols/nar/batch.js';

describe('gtpp-ei log entry', () => {
  it('ensures an entry round-trips with its peer, transport, receipt time and message bytes', () => {
    const message = Uint8Array.from([0x4e, 240, 0, 2, 0, 7, 0xaa, 0xbb]);
    for (const e of [
      {
        kind: KIND_MESSAGE,
        transport: 'udp',
        address: '10.1.2.3',
        port: 3386,
        receivedAtMs: 1_765_000_000_123.5,
        message,
      },
      {
        kind: KIND_INVALID,
        transport: 'tcp',
        address: '2001:db8::1',
        port: 50_000,
        receivedAtMs: 0,
        message: new Uint8Array(),
      },
    ] as const) {
      const d = decodeEntry(encodeEntry(e));
      expect({ ...d, message: [...d.message] }).toEqual({ ...e, message: [...e.message] });
    }
  });

  it('ensures a payload of another format or a short one is refused with invalid_entry', () => {
    expect(() => decodeEntry(new Uint8Array(5))).toThrow(EntryFormatError);
    const ok = encodeEntry({
      kind: KIND_MESSAGE,
      transport: 'udp',
      address: '1.2.3.4',
      port: 1,
      receivedAtMs: 1,
      message: new Uint8Array(3),
    });
    const bad = ok.slice();
    bad[0] = 9;
    expect(() => decodeEntry(bad)).toThrow(/unknown format/);
    const kind = ok.slice();
    kind[1] = 7;
    expect(() => decodeEntry(kind)).toThrow(EntryFormatError);
  });

  it('ensures the fingerprint ignores the header (sequence) and sees any change of content', () => {
    const a = Uint8Array.from([0x4e, 240, 0, 3, 0, 1, 1, 2, 3]);
    const b = Uint8Array.from([0x4e, 240, 0, 3, 0, 9, 1, 2, 3]);
    const c = Uint8Array.from([0x4e, 240, 0, 3, 0, 1, 1, 2, 4]);
    expect(fingerprint(a, 6)).toBe(fingerprint(b, 6));
    expect(fingerprint(a, 6)).not.toBe(fingerprint(c, 6));
    expect(md5Fingerprint(a, 6)).toBe(md5Fingerprint(b, 6));
    expect(md5Fingerprint(a, 6)).not.toBe(md5Fingerprint(c, 6));
  });

  it('ensures the fingerprint is XXH64 (seed 0) of the bytes after the header: published vectors, and a view into a larger buffer hashes as its copy', () => {
    const text = (t: string): Uint8Array => new TextEncoder().encode(t);
    const header = Uint8Array.of(0x4e, 240, 0, 3, 0, 1);
    const framed = (t: string): Uint8Array => Uint8Array.from([...header, ...text(t)]);
    expect(fingerprint(framed(''), 6)).toBe(0xef46db3751d8e999n);
    expect(fingerprint(framed('abc'), 6)).toBe(0x44bc2cf5ad770999n);
    expect(fingerprint(framed('Nobody inspects the spammish repetition'), 6)).toBe(0xfbcea83c8a378bf1n);
    // MD5 ("abc") = 900150983cd24fb0 d6963f7d28e17f72: its first 64 bits.
    expect(md5Fingerprint(framed('abc'), 6)).toBe(0x900150983cd24fb0n);
    const message = framed('x'.repeat(3000));
    const inside = new Uint8Array(message.length + 17);
    inside.set(message, 9);
    expect(fingerprint(inside.subarray(9, 9 + message.length), 6)).toBe(fingerprint(message, 6));
  });
});

describe('gtpp-ei requests in flight and answered', () => {
  const record = (t: RequestTable, address: string, seq: number, fp: bigint, atMs: number): void =>
    t.settle(address, seq, t.record(address, seq, fp, atMs), false);

  it('ensures a request is found again by peer, sequence and content within the window, and pages of requests older than the window are let go, quiet peers forgotten', () => {
    const t = new RequestTable(10_000);
    record(t, 'a', 1, 11n, 1000);
    record(t, 'b', 1, 22n, 1000);
    record(t, 'a', 300, 33n, 5000); // another page
    expect(t.earlier('a', 1, 11n, 11_000)).toBeDefined(); // exactly the window: still remembered
    expect(t.earlier('a', 1, 99n, 2000)).toBeUndefined(); // other content
    expect(t.earlier('b', 300, 33n, 2000)).toBeUndefined(); // other peer
    expect(t.earlier('a', 1, 11n, 11_001)).toBeUndefined();
    expect([t.peers, t.size]).toEqual([2, 3]);
    t.expire(12_000); // b's only page and a's first page are older than the window
    expect([t.peers, t.size]).toEqual([1, 1]);
    expect(t.earlier('a', 300, 33n, 12_000)).toBeDefined();
    t.forget('a'); // the GSN restarted
    expect(t.earlier('a', 300, 33n, 12_000)).toBeUndefined();
    expect([t.peers, t.size]).toEqual([0, 0]);
  });

  it('ensures a request with the number and content of one from before the peer went round is taken, not answered as a copy', () => {
    const t = new RequestTable(600_000);
    record(t, 'a', 20, 77n, 1000); // "release packet 20"
    for (let k = 21; k < 65_536 + 20; k += 100) record(t, 'a', k & 0xffff, BigInt(k), 2000);
    expect(t.earlier('a', 20, 77n, 3000)).toBeUndefined();
  });

  it('ensures a copy of a request in flight waits for its answer, and a request whose append failed is forgotten so its copy is taken again', () => {
    const t = new RequestTable(10_000);
    const first = t.record('a', 1, 11n, 1000);
    const second = t.record('a', 2, 22n, 1000);
    const waiting = t.earlier('a', 1, 11n, 1500);
    expect(waiting).toBe(first);
    let answered = 0;
    first.whenAnswered(() => answered++);
    if (waiting instanceof FirstAnswer) waiting.whenAnswered(() => answered++);
    expect(answered).toBe(0);
    t.settle('a', 1, first, false);
    expect(answered).toBe(2);
    expect(t.earlier('a', 1, 11n, 1600)).toBe('answered');
    let secondAnswered = false;
    second.whenAnswered(() => (secondAnswered = true));
    t.settle('a', 2, second, true); // its append failed
    expect(secondAnswered).toBe(false);
    expect(t.earlier('a', 2, 22n, 1600)).toBeUndefined();
    expect(t.earlier('a', 1, 11n, 1600)).toBe('answered');
  });

  it('ensures a sequence number reused while its first request is in flight keeps the later one pending when the first settles', () => {
    const t = new RequestTable(10_000);
    const first = t.record('a', 5, 11n, 1000);
    const reused = t.record('a', 5, 12n, 1001);
    t.settle('a', 5, first, true);
    expect(t.earlier('a', 5, 12n, 1002)).toBe(reused);
    t.settle('a', 5, reused, false);
    expect(t.earlier('a', 5, 12n, 1003)).toBe('answered');
  });

  it('ensures a busy peer holds at most one entry per sequence number however long it sends, and lets go the pages older than the window', () => {
    const t = new RequestTable(1000);
    for (let i = 0; i < 300_000; i++) record(t, 'a', i & 0xffff, BigInt(i), i / 10); // 10 requests per ms
    expect(t.size).toBeLessThanOrEqual(65_536);
    t.expire(29_999.9);
    expect(t.size).toBeLessThanOrEqual(10_000 + 2 * 256);
    expect(t.earlier('a', 299_999 & 0xffff, 299_999n, 29_999.9)).toBeDefined();
  });
});

describe('gtpp-ei retransmission window', () => {
  it('ensures the same sequence and content within the window is a retransmission, other content or later is not', () => {
    const w = new PeerWindow(60_000);
    expect(w.seen('10.0.0.1', 7, 111n, 1000)).toBe(false);
    expect(w.seen('10.0.0.1', 7, 111n, 30_000)).toBe(true);
    expect(w.seen('10.0.0.2', 7, 111n, 30_000)).toBe(false); // another peer
    expect(w.seen('10.0.0.1', 7, 222n, 31_000)).toBe(false); // sequence reused with new content
    expect(w.seen('10.0.0.1', 7, 222n, 31_000 + 60_001)).toBe(false); // past the window
    expect(w.seen('10.0.0.1', 7, 222n, 31_000 + 60_002)).toBe(true);
    expect(w.size()).toBe(2);
  });

  it('ensures a snapshot (through msgpack) restores the window, leaving out what expired', () => {
    const w = new PeerWindow(10_000);
    w.seen('10.0.0.1', 1, 1n, 1000);
    w.seen('10.0.0.1', 65_535, 2n ** 63n + 5n, 20_000);
    w.seen('2001:db8::7', 0, 3n, 19_000);
    const snap = unpackValue(packValue(w.snapshot(25_000))) as ReturnType<PeerWindow['snapshot']>;
    const r = PeerWindow.restore(10_000, snap);
    expect(r.size()).toBe(2);
    expect(r.seen('10.0.0.1', 65_535, 2n ** 63n + 5n, 25_000)).toBe(true);
    expect(r.seen('2001:db8::7', 0, 3n, 25_000)).toBe(true);
    expect(r.seen('10.0.0.1', 1, 1n, 5_000)).toBe(false); // expired at the snapshot: forgotten
  });
});

describe('gtpp-ei retransmission window over wrapping sequence numbers', () => {
  const release = 77n; // the same content each time: "release packet 20"

  it('ensures a sequence number used again after the peer went round is new even with the same content inside the window, and its own retransmission is caught', () => {
    const w = new PeerWindow(600_000);
    expect(w.seen('10.0.0.1', 20, release, 1000)).toBe(false);
    // About two minutes of a busy GSN: every other number, up to 20 again.
    for (let k = 21; k < 65_536 + 20; k++)
      expect(w.seen('10.0.0.1', k & 0xffff, BigInt(k), 1000 + k)).toBe(false);
    expect(w.seen('10.0.0.1', 20, release, 70_000)).toBe(false);
    expect(w.seen('10.0.0.1', 20, release, 70_500)).toBe(true);
    // Retransmissions a few numbers back, and numbers arriving out of order, are still caught.
    expect(w.seen('10.0.0.1', 19, BigInt(65_536 + 19), 70_600)).toBe(true);
    expect(w.seen('10.0.0.1', 15, BigInt(65_536 + 15), 70_600)).toBe(true);
  });

  it('ensures numbers a peer skips are forgotten half the space ahead too, and a snapshot since a base carries what was forgotten', () => {
    const w = new PeerWindow(600_000);
    w.seen('10.0.0.1', 100, 1n, 1000);
    w.seen('10.0.0.1', 33_000, release, 1000); // an old request, half the space from where the peer goes
    w.seen('10.0.0.1', 40_000, 2n, 1000); // out of reach of the jump below
    const base = unpackValue(packValue(w.snapshot(1000))) as ReturnType<PeerWindow['snapshot']>;
    const baseOps = w.ops;
    w.seen('10.0.0.1', 5000, 3n, 2000); // jumps from 100 to 5000: forgets 32,869–37,768
    const changes = unpackValue(packValue(w.snapshot(2000, baseOps))) as ReturnType<PeerWindow['snapshot']>;
    for (const r of [w, PeerWindow.restore(600_000, changes, base, w.ops)]) {
      expect(r.size()).toBe(3);
      expect(r.has('10.0.0.1', 40_000, 2n, 3000)).toBe(true);
      expect(r.has('10.0.0.1', 33_000, release, 3000)).toBe(false);
      // The restored window goes on from the peer's latest number: 5003 forgets 37,769–37,771.
      r.seen('10.0.0.1', 37_770, 4n, 3000);
      r.seen('10.0.0.1', 5003, 5n, 3000);
      expect(r.seen('10.0.0.1', 37_770, 4n, 3000)).toBe(false);
    }
  });
});

describe('gtpp-ei retransmission window changes', () => {
  it('ensures a snapshot since a change count holds only later entries, and base + changes restore the whole window', () => {
    const w = new PeerWindow(60_000);
    w.seen('10.0.0.1', 1, 11n, 1000);
    w.seen('10.0.0.2', 2, 22n, 1000);
    const base = unpackValue(packValue(w.snapshot(1000))) as ReturnType<PeerWindow['snapshot']>;
    const baseOps = w.ops;
    w.seen('10.0.0.1', 1, 33n, 2000); // sequence reused with new content
    w.seen('10.0.0.1', 3, 44n, 2000);
    const changes = unpackValue(packValue(w.snapshot(2000, baseOps))) as ReturnType<PeerWindow['snapshot']>;
    expect(changes.peers.map((p) => p.address)).toEqual(['10.0.0.1']);
    const r = PeerWindow.restore(60_000, changes, base, w.ops);
    expect(r.size()).toBe(3);
    expect(r.seen('10.0.0.1', 1, 33n, 3000)).toBe(true);
    expect(r.seen('10.0.0.2', 2, 22n, 3000)).toBe(true);
    expect(r.seen('10.0.0.1', 3, 44n, 3000)).toBe(true);
    expect(r.seen('10.0.0.1', 1, 11n, 3000)).toBe(false); // replaced by the later content
    // What the restored window took from its changes (not its base) counts as changed since the base.
    const next = r.snapshot(3000, baseOps);
    expect(next.peers.flatMap((p) => [...new Uint16Array(new Uint8Array(p.seq).buffer)]).sort()).toEqual([
      1, 3,
    ]);
  });
});

describe('gtpp-ei retransmission window pages', () => {
  const seqsOf = (e: { seq: Uint8Array }): number[] => [...new Uint16Array(new Uint8Array(e.seq).buffer)];

  it('ensures a peer costs the pages of the sequence numbers it uses, and pages and peers that expired entirely are dropped at a snapshot', () => {
    const w = new PeerWindow(10_000);
    for (let seq = 0; seq < 40; seq++) w.seen('10.0.0.1', seq, 1n, 1000);
    w.seen('10.0.0.1', 300, 1n, 9000); // second page
    w.seen('10.0.0.2', 65_535, 2n, 1000);
    expect(w.pages()).toBe(3);
    expect(w.size()).toBe(42);
    // At 12,000 the first page (newest 1000) and peer 10.0.0.2 expired; the page of 300 (9000) did not.
    const snap = w.snapshot(12_000);
    expect(snap.peers.map((p) => [p.address, seqsOf(p)])).toEqual([['10.0.0.1', [300]]]);
    expect(w.pages()).toBe(1);
    expect(w.size()).toBe(1);
    expect(w.addresses()).toEqual(['10.0.0.1']);
    expect(w.seen('10.0.0.1', 300, 1n, 12_000)).toBe(true);
    expect(w.seen('10.0.0.2', 65_535, 2n, 12_000)).toBe(false);
  });

  it('ensures the paged window answers like a plain map of every request, through snapshots, restores and base + changes (seeded)', () => {
    const windowMs = 2000;
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const model = new Map<string, { at: number; fp: bigint }>();
    let w = new PeerWindow(windowMs);
    let base: ReturnType<PeerWindow['snapshot']> | undefined;
    let baseOps = 0;
    let t = 1000;
    let retransmissions = 0;
    const through = (x: ReturnType<PeerWindow['snapshot']>): ReturnType<PeerWindow['snapshot']> =>
      unpackValue(packValue(x)) as ReturnType<PeerWindow['snapshot']>;
    for (let step = 1; step <= 20_000; step++) {
      t += rand(3);
      // Peer 2 goes quiet after step 12,000; sequence numbers advance as a GSN's do, so pages expire.
      const address = `10.0.0.${step < 12_000 ? rand(3) : rand(2)}`;
      const seq = rand(2) === 0 ? (Math.floor(step / 4) + rand(300)) % 65_536 : 65_535 - rand(300);
      const fp = BigInt(rand(3));
      const key = `${address}|${seq}`;
      const prev = model.get(key);
      const expected = prev !== undefined && t - prev.at <= windowMs && prev.fp === fp;
      expect(w.seen(address, seq, fp, t)).toBe(expected);
      if (expected) retransmissions++;
      else model.set(key, { at: t, fp });
      if (step % 1500 === 0) {
        // A restart from a whole snapshot (a checkpoint building on no base).
        w = PeerWindow.restore(windowMs, through(w.snapshot(t)), undefined, w.ops);
        base = undefined;
        for (const [k, v] of model) if (t - v.at > windowMs) model.delete(k);
      } else if (step % 1000 === 0) {
        if (base === undefined) {
          base = through(w.snapshot(t));
          baseOps = w.ops;
        } else {
          // A restart from the base and the changes since it.
          w = PeerWindow.restore(windowMs, through(w.snapshot(t, baseOps)), base, w.ops);
          for (const [k, v] of model) if (t - v.at > windowMs) model.delete(k);
          base = undefined;
        }
      }
    }
    expect(retransmissions).toBeGreaterThan(1000);
    w.snapshot(t);
    expect(w.addresses()).toEqual(['10.0.0.0', '10.0.0.1']);
    // Per peer: the pages of the last window's advancing numbers and the two of the top range.
    expect(w.pages()).toBeLessThanOrEqual(2 * 5);
  });
});

describe('gtpp-ei possibly duplicated packets', () => {
  it('ensures packets are taken once by peer and sequence, counted, expired oldest first and snapshotted', () => {
    const h = new HeldPackets();
    const rec = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => Uint8Array.of(i));
    h.hold({ address: 'a', seq: 1, receivedAtMs: 500, records: rec(2) });
    h.hold({ address: 'a', seq: 2, receivedAtMs: 100, records: rec(3) });
    h.hold({ address: 'b', seq: 1, receivedAtMs: 900, records: rec(1) });
    expect([h.packets, h.records]).toEqual([3, 6]);
    const restored = HeldPackets.restore(
      unpackValue(packValue(h.snapshot())) as ReturnType<HeldPackets['snapshot']>,
    );
    expect(restored.take('a', 1)?.records.map((r) => [...r])).toEqual([[0], [1]]);
    expect(restored.take('a', 1)).toBeUndefined();
    expect(restored.expire(600).map((p) => p.seq)).toEqual([2]);
    expect([restored.packets, restored.records]).toEqual([1, 1]);
    const replaced = h.hold({ address: 'a', seq: 2, receivedAtMs: 1000, records: rec(1) });
    expect(replaced?.records.length).toBe(3);
    expect(h.records).toBe(4);
  });
});

describe('gtpp-ei possibly duplicated packets since a base', () => {
  it('ensures a snapshot since a change holds the packets held after it and the older ones still held by sequence, and base + changes restore the same packets', () => {
    const h = new HeldPackets();
    const rec = (n: number, v = 0): Uint8Array[] => Array.from({ length: n }, (_, i) => Uint8Array.of(i, v));
    h.hold({ address: 'a', seq: 1, receivedAtMs: 1, records: rec(1) });
    h.hold({ address: 'a', seq: 2, receivedAtMs: 2, records: rec(2) });
    h.hold({ address: 'b', seq: 1, receivedAtMs: 3, records: rec(3) });
    const base = unpackValue(packValue(h.snapshot())) as HeldSnapshot;
    const since = h.ops;
    expect([h.bytes, h.bytesSince(since)]).toEqual([12, 0]);
    h.take('a', 1);
    h.hold({ address: 'a', seq: 2, receivedAtMs: 4, records: rec(1, 9) }); // sequence reused: replaced
    h.hold({ address: 'a', seq: 3, receivedAtMs: 5, records: rec(1) });
    expect(h.bytesSince(since)).toBe(4);
    const changes = unpackValue(packValue(h.snapshot(since))) as HeldSnapshot;
    expect(changes.packets.map((p) => [p.address, p.seq])).toEqual([
      ['a', 2],
      ['a', 3],
    ]);
    expect(
      changes.fromBase?.map((b) => [b.address, [...new Uint16Array(new Uint8Array(b.seq).buffer)]]),
    ).toEqual([['b', [1]]]);
    const lost: string[][] = [];
    const restored = HeldPackets.restore(changes, base, h.ops, (keys) => lost.push(keys));
    expect(lost).toEqual([]);
    expect([restored.packets, restored.records, restored.bytes, restored.ops]).toEqual([3, 5, 10, h.ops]);
    expect(restored.take('a', 2)?.records.map((r) => [...r])).toEqual([[0, 9]]);
    expect(restored.take('a', 1)).toBeUndefined();
    expect(restored.take('b', 1)?.records).toHaveLength(3);
    // Without its base, the packets it names are reported lost and the rest restored.
    const alone = HeldPackets.restore(changes, undefined, h.ops, (keys) => lost.push(keys));
    expect([lost, alone.packets]).toEqual([[['b|1']], 2]);
  });
});

describe('gtpp-ei log entry of several messages', () => {
  it('ensures messages logged together come back in order, and a cut or padded entry is refused', () => {
    const parts = [1, 2, 3].map((i) =>
      encodeEntry({
        kind: KIND_MESSAGE,
        transport: 'udp',
        address: `10.0.0.${i}`,
        port: i,
        receivedAtMs: i,
        message: Uint8Array.of(i, i),
      }),
    );
    const all = encodeEntries(parts);
    expect(decodeEntries(all).map((e) => [e.address, [...e.message]])).toEqual([
      ['10.0.0.1', [1, 1]],
      ['10.0.0.2', [2, 2]],
      ['10.0.0.3', [3, 3]],
    ]);
    expect(decodeEntries(parts[0] as Uint8Array)).toHaveLength(1);
    expect(() => decodeEntries(all.subarray(0, all.length - 1))).toThrow(EntryFormatError);
    expect(() => decodeEntries(Uint8Array.from([...all, 0]))).toThrow(EntryFormatError);
  });
});
