/**
 * The GTP' EI's handler on logged requests: CDRs become NARs, undecodable ones go to the quarantine
 * with their bytes, retransmissions are duplicates, possibly duplicated packets wait for their release
 * or cancel (or the timeout), and a restored snapshot gives the same results as an undisturbed run.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { encodeFileEntry, stagedName } from '../../../../src/actors/nodes/ei/file-pickup.js';
import {
  decodeReplayFile,
  encodeReplayFile,
  writeReplay,
} from '../../../../src/actors/nodes/ei/datagram/replay-spool.js';
import {
  encodeEntry,
  KIND_INVALID,
  KIND_MESSAGE,
  type EntryKind,
} from '../../../../src/actors/nodes/ei/datagram/entry.js';
import { md5Fingerprint } from '../../../../src/actors/nodes/ei/gtpp/fingerprint.js';
import { GtppEiHandler } from '../../../../src/actors/nodes/ei/gtpp/handler.js';
import { HeldPackets } from '../../../../src/actors/nodes/ei/gtpp/held.js';
import { PeerWindow } from '../../../../src/actors/nodes/ei/gtpp/peer-window.js';
import { gtppEiSettings } from '../../../../src/actors/nodes/ei/gtpp/settings.js';
import { cdrToNar, encodeCdr, type CdrRecord } from '../../../../src/protocols/cdr/index.js';
import { encodeFrame, type GtppMessage } from '../../../../src/protocols/gtpp/index.js';
import { packValue, unpackValue, unpackValues } from '../../../../src/protocols/nar/batch.js';
import { recorded, recordingContext } from '../../../helpers/handler-context.js';

const s = gtppEiSettings.parse({ possiblyDuplicatedTimeoutMs: 60_000 });
/** State bases from 4 window entries; held packets never reach the limit. */
const windowOnly = { windowEntries: 4, heldBytes: Number.MAX_SAFE_INTEGER };

function cdr(chargingID: number, recordSequenceNumber: number): CdrRecord {
  return {
    recordType: 'pGWRecord',
    servedIMSI: '262011234567890',
    chargingID,
    ggsnAddress: '10.0.0.1',
    sgsnAddress: ['10.0.1.1'],
    accessPointNameNI: 'internet',
    recordOpeningTime: '2026-12-04T10:00:00+01:00',
    duration: 60,
    causeForRecClosing: 16,
    recordSequenceNumber,
    listOfTrafficVolumes: [{ dataVolumeUplink: 100n, dataVolumeDownlink: 2000n }],
    unknownFields: 0,
  } as CdrRecord;
}

let at = 1_000_000;
function entry(
  seq: number,
  message: GtppMessage,
  address = '10.9.9.9',
  kind: EntryKind = KIND_MESSAGE,
): Uint8Array {
  at += 10;
  return encodeEntry({
    kind,
    transport: 'udp',
    address,
    port: 3386,
    receivedAtMs: at,
    message: encodeFrame({ version: 2, longHeader: false, sequence: seq, message }),
  });
}

const send = (records: Uint8Array[], command: 1 | 2 = 1): GtppMessage => ({
  type: 'data-record-transfer-request',
  command,
  packet: { format: 1, formatVersion: { application: 1, release: 16, version: 2 }, records },
});

describe('gtpp-ei handler', () => {
  it('ensures each CDR of a request becomes its NAR and an undecodable one is quarantined with its bytes, the ledger balanced', () => {
    const h = new GtppEiHandler(s);
    h.init(undefined);
    const out = recorded();
    const ctx = recordingContext(out);
    const good = [encodeCdr(cdr(1, 1)), encodeCdr(cdr(1, 2))];
    h.handleExternal(
      entry(1, send([good[0] as Uint8Array, Uint8Array.of(0x04, 0x01, 0x00), good[1] as Uint8Array])),
      ctx,
    );
    expect(out.emitted).toEqual([cdrToNar(cdr(1, 1)), cdrToNar(cdr(1, 2))]);
    expect(out.quarantined).toHaveLength(1);
    expect(out.quarantined[0]?.detail).toMatchObject({ peer: '10.9.9.9', sequence: 1, index: 1 });
    expect(out.counts.created).toBe(3);
    expect(out.counts.created - out.emitted.length - out.counts.quarantined - h.held()).toBe(0);
  });

  it('ensures a retransmitted request (same peer, sequence and content) is counted as duplicates, while the same sequence from another peer is new', () => {
    const h = new GtppEiHandler(s);
    h.init(undefined);
    const out = recorded();
    const ctx = recordingContext(out);
    const m = send([encodeCdr(cdr(2, 1))]);
    h.handleExternal(entry(5, m), ctx);
    h.handleExternal(entry(5, m), ctx);
    h.handleExternal(entry(5, m, '10.9.9.8'), ctx);
    expect(out.emitted).toHaveLength(2);
    expect(out.duplicates).toEqual({ gtpp_retransmission: 1 });
  });

  it('ensures a snapshot written with MD5 fingerprints still catches retransmissions of its requests for one window after a restart, and says so in the snapshots taken meanwhile', () => {
    const m = send([encodeCdr(cdr(7, 1))]);
    const frameBytes = encodeFrame({ version: 2, longHeader: false, sequence: 5, message: m });
    const first = entry(5, m); // received at `at`
    const firstAt = at;
    const md5Window = new PeerWindow(s.retransmitWindowMs);
    md5Window.set('10.9.9.9', 5, md5Fingerprint(frameBytes, 6), firstAt);
    const older = {
      window: md5Window.snapshot(firstAt),
      held: new HeldPackets().snapshot(),
      lastMs: firstAt,
    };

    const upgraded = new GtppEiHandler(s);
    upgraded.init(unpackValue(packValue(older)));
    const out = recorded();
    const ctx = recordingContext(out);
    upgraded.handleExternal(entry(5, m), ctx); // the retransmission, after the restart
    expect(out.emitted).toHaveLength(0);
    expect(out.duplicates).toEqual({ gtpp_retransmission: 1 });
    const snap = unpackValue(packValue(upgraded.snapshot())) as {
      fingerprints?: string;
      md5UntilMs?: number;
    };
    expect(snap).toMatchObject({ fingerprints: 'xxh64', md5UntilMs: firstAt + s.retransmitWindowMs });
    upgraded.handleExternal(entry(5, send([encodeCdr(cdr(8, 1))])), ctx); // sequence reused: new
    expect(out.emitted).toEqual([cdrToNar(cdr(8, 1))]);

    // Restored from that snapshot, it still compares with MD5 until then.
    const again = new GtppEiHandler(s);
    again.init(snap);
    const out2 = recorded();
    again.handleExternal(first, recordingContext(out2));
    expect(out2.duplicates).toEqual({ gtpp_retransmission: 1 });

    // Had the window been taken for XXH64 fingerprints, the retransmission would go out again.
    const misread = new GtppEiHandler(s);
    misread.init(unpackValue(packValue({ ...older, fingerprints: 'xxh64' })));
    const out3 = recorded();
    misread.handleExternal(first, recordingContext(out3));
    expect(out3.emitted).toHaveLength(1);

    // Past the window nothing of the older snapshot is left: MD5 is not computed, not written.
    const later = new GtppEiHandler(s);
    later.init(snap);
    later.handleTick(firstAt + s.retransmitWindowMs + 1, recordingContext(recorded()));
    expect(later.snapshot()).not.toHaveProperty('md5UntilMs');
    // A snapshot of this version restores as XXH64 only.
    const fresh = new GtppEiHandler(s);
    fresh.init(unpackValue(packValue(later.snapshot())));
    expect(fresh.snapshot()).not.toHaveProperty('md5UntilMs');
  });

  it('ensures possibly duplicated packets are held until released (emitted) or cancelled (duplicates), across a snapshot', () => {
    const h = new GtppEiHandler(s);
    h.init(undefined);
    const out = recorded();
    const ctx = recordingContext(out);
    h.handleExternal(entry(20, send([encodeCdr(cdr(3, 1)), encodeCdr(cdr(3, 2))], 2)), ctx);
    h.handleExternal(entry(21, send([encodeCdr(cdr(4, 1))], 2)), ctx);
    expect([out.emitted.length, h.held()]).toEqual([0, 3]);
    const restored = new GtppEiHandler(s);
    restored.init(unpackValue(packValue(h.snapshot())));
    expect(restored.held()).toBe(3);
    restored.handleExternal(
      entry(22, { type: 'data-record-transfer-request', command: 4, released: [20] }),
      ctx,
    );
    restored.handleExternal(
      entry(23, { type: 'data-record-transfer-request', command: 3, cancelled: [21, 99] }),
      ctx,
    );
    expect(out.emitted).toEqual([cdrToNar(cdr(3, 1)), cdrToNar(cdr(3, 2))]);
    expect(out.duplicates).toEqual({ gtpp_cancelled: 1 });
    expect(restored.held()).toBe(0);
  });

  it('ensures a Release or Cancel repeating one from before the GSN went round its sequence numbers is carried out, not taken for a retransmission', () => {
    const h = new GtppEiHandler(gtppEiSettings.parse({ retransmitWindowMs: 600_000 }));
    h.init(undefined);
    const out = recorded();
    const ctx = recordingContext(out);
    const release: GtppMessage = { type: 'data-record-transfer-request', command: 4, released: [20] };
    const cancel: GtppMessage = { type: 'data-record-transfer-request', command: 3, cancelled: [21] };
    const round = (first: number): void => {
      h.handleExternal(entry(20, send([encodeCdr(cdr(first, 1))], 2)), ctx);
      h.handleExternal(entry(21, send([encodeCdr(cdr(first + 1, 1))], 2)), ctx);
      h.handleExternal(entry(30, release), ctx);
      h.handleExternal(entry(31, cancel), ctx);
    };
    round(50);
    // A busy GSN goes round its 65,536 numbers within the window (here in steps of 1000).
    for (let seq = 1031; seq < 65_536 + 20; seq += 1000) {
      h.handleExternal(entry(seq & 0xffff, send([encodeCdr(cdr(seq, 1))])), ctx);
    }
    const before = out.emitted.length;
    round(60);
    expect(out.emitted.slice(before)).toEqual([cdrToNar(cdr(60, 1))]);
    expect(out.duplicates).toEqual({ gtpp_cancelled: 2 });
    expect(h.held()).toBe(0);
  });

  it('ensures a possibly duplicated packet neither released nor cancelled goes to the quarantine after the timeout of tick time', () => {
    const h = new GtppEiHandler(s);
    h.init(undefined);
    const out = recorded();
    const ctx = recordingContext(out);
    h.handleExternal(entry(30, send([encodeCdr(cdr(5, 1))], 2)), ctx);
    h.handleTick(at + 30_000, ctx);
    expect(out.quarantined).toHaveLength(0);
    h.handleTick(at + 60_001, ctx);
    expect(out.quarantined.map((q) => q.reason)).toEqual(['possibly_duplicated_unresolved']);
    expect(h.held()).toBe(0);
  });

  it("ensures a message the ingest could not decode is quarantined with the decoder's code", () => {
    const h = new GtppEiHandler(s);
    h.init(undefined);
    const out = recorded();
    const raw = encodeEntry({
      kind: KIND_INVALID,
      transport: 'tcp',
      address: '10.1.1.1',
      port: 1,
      receivedAtMs: 5,
      message: Uint8Array.from([0x4e, 240, 0, 0, 0, 5]),
    });
    h.handleExternal(raw, recordingContext(out));
    expect(out.quarantined.map((q) => q.reason)).toEqual(['mandatory_ie_missing']);
    expect(out.counts.created).toBe(1);
  });
});

describe('gtpp-ei quarantine replay', () => {
  it('ensures a replayed spool file gives its CDRs (raw CDRs and whole requests) again, and what still does not decode goes back to the quarantine', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-replay-'));
    try {
      const good = encodeCdr(cdr(9, 1));
      const request = encodeFrame({
        version: 2,
        longHeader: false,
        sequence: 3,
        message: send([encodeCdr(cdr(9, 2))]),
      });
      const written = await writeReplay(dir, [good, request, Uint8Array.of(0x04, 0x01, 0x00)]);
      // The pick-up logs the file at position 42 and moves it to staging under that position.
      const name = basename(written);
      await mkdir(join(dir, 'staging'), { recursive: true });
      await rename(written, join(dir, 'staging', stagedName(42, name)));
      const h = new GtppEiHandler(s, dir);
      h.init(undefined);
      const out = recorded();
      h.handleExternal(encodeFileEntry({ name, size: 0 }), recordingContext(out, 42));
      expect(out.emitted).toEqual([cdrToNar(cdr(9, 1)), cdrToNar(cdr(9, 2))]);
      expect(out.quarantined.map((q) => q.reason)).toHaveLength(1);
      expect(out.counts.created).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ensures the spool format round-trips and a cut file is refused', () => {
    const raws = [Uint8Array.of(1, 2, 3), new Uint8Array(), Uint8Array.of(9)];
    const bytes = encodeReplayFile(raws);
    expect(decodeReplayFile(bytes).map((r) => [...r])).toEqual([[1, 2, 3], [], [9]]);
    expect(() => decodeReplayFile(bytes.subarray(0, bytes.length - 1))).toThrow(/cut inside raw 3/);
  });

  it('ensures a large retransmission window goes to base files and checkpoints hold only what changed since, restoring the same window, and old bases are removed once two committed checkpoints build on newer ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-window-'));
    try {
      const h = new GtppEiHandler(s, dir, undefined, windowOnly);
      h.init(undefined);
      const out = recorded();
      const ctx = recordingContext(out);
      const m = (i: number): GtppMessage => send([encodeCdr(cdr(100 + i, 1))]);
      for (let i = 0; i < 6; i++) h.handleExternal(entry(i, m(i)), ctx);
      const first = h.snapshot() as { window: unknown; windowBase?: unknown };
      expect(first.windowBase).toBeUndefined(); // no durable base yet: the whole window
      await h.settled(); // base 1 (6 entries) is now durable
      for (let i = 6; i < 8; i++) h.handleExternal(entry(i, m(i)), ctx);
      const second = unpackValue(packValue(h.snapshot())) as {
        window: { peers: Array<{ seq: Uint8Array }> };
        windowBase?: { id: number };
      };
      expect(second.windowBase?.id).toBe(1);
      expect(second.window.peers.map((p) => [...new Uint16Array(new Uint8Array(p.seq).buffer)])).toEqual([
        [6, 7],
      ]);
      // Restored from base + changes: every request of the window is still recognised.
      const restored = new GtppEiHandler(s, dir, undefined, windowOnly);
      restored.init(second);
      const again = recorded();
      for (const i of [0, 5, 7]) restored.handleExternal(entry(i, m(i)), recordingContext(again));
      expect(again.emitted).toEqual([]);
      expect(again.duplicates).toEqual({ gtpp_retransmission: 3 });

      // More changes: base 2 is written; once two committed checkpoints build on it, base 1 goes.
      for (let i = 8; i < 20; i++) restored.handleExternal(entry(i, m(i)), recordingContext(again));
      restored.snapshot(); // call 1: builds on base 1, starts base 2
      await restored.settled();
      const third = restored.snapshot() as { windowBase?: { id: number } }; // call 2: base 2
      const fourth = restored.snapshot() as { windowBase?: { id: number } }; // call 3: base 2
      expect([third.windowBase?.id, fourth.windowBase?.id]).toEqual([2, 2]);
      const files = async (): Promise<string[]> => (await readdir(join(dir, 'gtpp-window'))).sort();
      expect(await files()).toEqual(['1.pwb', '2.pwb']);
      restored.checkpointCommitted(2);
      expect(await files()).toEqual(['1.pwb', '2.pwb']); // the previous committed one built on 1
      restored.checkpointCommitted(3);
      expect(await files()).toEqual(['2.pwb']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ensures many possibly duplicated packets go to a state base and checkpoints hold only those held since plus the sequence numbers still held, restoring the same packets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-held-'));
    try {
      const limits = { windowEntries: Number.MAX_SAFE_INTEGER, heldBytes: 600 };
      const h = new GtppEiHandler(s, dir, undefined, limits);
      h.init(undefined);
      const out = recorded();
      const ctx = recordingContext(out);
      const pair = (seq: number): Uint8Array[] => [
        encodeCdr(cdr(200 + seq, 1)),
        encodeCdr(cdr(200 + seq, 2)),
      ];
      for (let seq = 1; seq <= 4; seq++) h.handleExternal(entry(seq, send(pair(seq), 2)), ctx);
      const first = packValue(h.snapshot()); // whole state; base 1 is being written
      await h.settled();
      h.handleExternal(entry(5, send(pair(5), 2)), ctx);
      h.handleExternal(entry(6, { type: 'data-record-transfer-request', command: 4, released: [1] }), ctx);
      h.handleExternal(entry(7, { type: 'data-record-transfer-request', command: 3, cancelled: [2] }), ctx);
      const second = packValue(h.snapshot());
      const snap = unpackValue(second) as {
        windowBase?: { id: number };
        held: { packets: Array<{ seq: number }>; fromBase?: Array<{ address: string; seq: Uint8Array }> };
      };
      expect(snap.windowBase?.id).toBe(1);
      expect(snap.held.packets.map((p) => p.seq)).toEqual([5]);
      expect(
        snap.held.fromBase?.map((b) => [b.address, [...new Uint16Array(new Uint8Array(b.seq).buffer)]]),
      ).toEqual([['10.9.9.9', [3, 4]]]);
      expect(second.length).toBeLessThan(first.length * 0.6);

      // Restored from base + changes: the packets held are those of an undisturbed run.
      const restored = new GtppEiHandler(s, dir, undefined, limits);
      restored.init(snap);
      expect(restored.held()).toBe(h.held());
      const after = recorded();
      restored.handleExternal(
        entry(8, { type: 'data-record-transfer-request', command: 4, released: [1, 3, 4, 5] }),
        recordingContext(after),
      );
      expect(after.emitted).toEqual(
        [3, 4, 5].flatMap((seq) => [cdrToNar(cdr(200 + seq, 1)), cdrToNar(cdr(200 + seq, 2))]),
      );
      expect(restored.held()).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ensures a state base is written piece by piece in turns of its own while requests keep coming, and base + changes restore the same window and packets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-pieces-'));
    try {
      const limits = { windowEntries: 4, heldBytes: 600, pieceBytes: 300 };
      const h = new GtppEiHandler(s, dir, undefined, limits);
      h.init(undefined);
      const ctx = recordingContext(recorded());
      const peers = ['10.9.9.1', '10.9.9.2', '10.9.9.3'];
      const held = (seq: number): GtppMessage =>
        send([encodeCdr(cdr(400 + seq, 1)), encodeCdr(cdr(400 + seq, 2))], 2);
      const plain = (seq: number): GtppMessage => send([encodeCdr(cdr(500 + seq, 1))]);
      const sent: Array<[number, GtppMessage, string]> = [];
      const handle = (seq: number, m: GtppMessage, peer: string): void => {
        sent.push([seq, m, peer]);
        h.handleExternal(entry(seq, m, peer), ctx);
      };
      for (let seq = 1; seq <= 8; seq++) handle(seq, held(seq), peers[seq % 3] as string);
      for (let seq = 20; seq < 26; seq++) handle(seq, plain(seq), peers[seq % 3] as string);

      h.snapshot(); // no base yet: whole state; base 1 is due and starts
      // While base 1 is written, one piece per turn: requests go on changing the window and the held packets.
      let turns = 0;
      let writing = true;
      const written = h.settled().then(() => (writing = false));
      while (writing) {
        turns++;
        if (turns <= 3) {
          handle(26 + turns, plain(26 + turns), peers[turns - 1] as string); // new window entries
          handle(turns, plain(600 + turns), peers[turns % 3] as string); // sequence numbers reused
        }
        await new Promise((r) => setImmediate(r));
      }
      await written;
      expect(turns).toBeGreaterThan(3);
      // Version 3: a header, one value per peer, then the held packets in pieces of about 300 CDR bytes.
      const file = unpackValues(await readFile(join(dir, 'gtpp-window', '1.pwb')));
      expect(file[0]).toMatchObject({ version: 3, peers: 3, packets: 8 });
      const pieces = file.slice(4) as Array<Array<{ seq: number }>>;
      expect(pieces.length).toBeGreaterThanOrEqual(4);
      expect(pieces.flat().map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      handle(9, held(9), peers[0] as string);
      h.handleExternal(
        entry(40, { type: 'data-record-transfer-request', command: 4, released: [2] }, peers[2]),
        ctx,
      );
      const snap = unpackValue(packValue(h.snapshot())) as { windowBase?: { id: number } };
      expect(snap.windowBase?.id).toBe(1);

      const restored = new GtppEiHandler(s, dir, undefined, limits);
      restored.init(snap);
      expect(restored.held()).toBe(h.held());
      // Every request sent is recognised as a retransmission (its latest content per peer and sequence).
      const latest = new Map<string, [number, GtppMessage, string]>();
      for (const x of sent) latest.set(`${x[2]}|${x[0]}`, x);
      const again = recorded();
      for (const [seq, m, peer] of latest.values())
        restored.handleExternal(entry(seq, m, peer), recordingContext(again));
      expect(again.emitted).toEqual([]);
      expect(Object.values(again.duplicates).reduce((a, b) => a + b, 0)).toBe(
        [...latest.values()].reduce(
          (n, [, m]) => n + (m.type === 'data-record-transfer-request' ? (m.packet?.records.length ?? 0) : 0),
          0,
        ),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ensures a state base that cannot be read costs only its packets, named in an error, and a checkpoint of a window-only base (older format) restores its held packets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-gtpp-held-'));
    try {
      const limits = { windowEntries: Number.MAX_SAFE_INTEGER, heldBytes: 200 };
      const h = new GtppEiHandler(s, dir, undefined, limits);
      h.init(undefined);
      const ctx = recordingContext(recorded());
      for (let seq = 1; seq <= 3; seq++)
        h.handleExternal(entry(seq, send([encodeCdr(cdr(300 + seq, 1))], 2)), ctx);
      h.snapshot();
      await h.settled();
      h.handleExternal(entry(4, send([encodeCdr(cdr(304, 1))], 2)), ctx);
      const snap = unpackValue(packValue(h.snapshot()));
      await writeFile(join(dir, 'gtpp-window', '1.pwb'), Uint8Array.of(0xc1));
      const lines: string[] = [];
      const log = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
      const damaged = new GtppEiHandler(s, dir, log, limits);
      damaged.init(snap);
      expect(damaged.held()).toBe(1); // packet 4, held after the base
      const errors = lines.map((l) => JSON.parse(l) as { msg: string; lost?: number; packets?: string[] });
      expect(errors.find((e) => e.lost !== undefined)).toMatchObject({
        lost: 3,
        packets: ['10.9.9.9|1', '10.9.9.9|2', '10.9.9.9|3'],
      });
      expect(errors.some((e) => /state base .*cannot be read/.test(e.msg))).toBe(true);

      // A checkpoint written before held packets went to bases: version 1 base, every packet inline.
      await rm(join(dir, 'gtpp-window'), { recursive: true, force: true });
      await mkdir(join(dir, 'gtpp-window'));
      const window = { peers: [] };
      await writeFile(join(dir, 'gtpp-window', '7.pwb'), packValue({ version: 1, ops: 3, window }));
      const old = {
        window,
        windowBase: { id: 7, ops: 3 },
        ops: 3,
        held: {
          packets: [{ address: '10.9.9.9', seq: 9, receivedAtMs: 1, records: [encodeCdr(cdr(309, 1))] }],
        },
        lastMs: 1,
      };
      const upgraded = new GtppEiHandler(s, dir, log, limits);
      upgraded.init(unpackValue(packValue(old)));
      const out = recorded();
      upgraded.handleExternal(
        entry(10, { type: 'data-record-transfer-request', command: 4, released: [9] }),
        recordingContext(out),
      );
      expect(out.emitted).toEqual([cdrToNar(cdr(309, 1))]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
