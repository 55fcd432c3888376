/**
 * The GTP' EI's handler: turns logged Data Record Transfer Requests into NARs, deterministically.
 * - Send (command 1): each CDR becomes a NAR; an undecodable CDR goes to the quarantine with its bytes.
 * - A request seen before (same peer, sequence number and content, within `retransmitWindowMs`) is a
 *   retransmission: its CDRs are counted as duplicates, never emitted twice. The ingest answers most
 *   retransmissions without logging them; this catches the rest (those arriving after a restart).
 * - Send possibly duplicated (2): held until Release (4: emitted) or Cancel (3: duplicates); held
 *   past `possiblyDuplicatedTimeoutMs` of tick time: quarantined as `possibly_duplicated_unresolved`.
 * - Messages the ingest could not decode are quarantined with the decoder's code as the reason.
 */
import type { Logger } from 'pino';
import { DecodeError } from '../../../../protocols/errors.js';
import { decodeFrame, type GtppFrame } from '../../../../protocols/gtpp/index.js';
import type { Nar } from '../../../../protocols/nar/nar.js';
import type { HandlerContext, NodeHandler } from '../../../runtime/actor.js';
import { decodeFileEntry, type FileEntry } from '../file-pickup.js';
import { decodeEntries, isDatagramEntry, KIND_INVALID, type DatagramEntry } from '../datagram/entry.js';
import { fingerprint, md5Fingerprint } from './fingerprint.js';
import { readLoggedReplay } from '../datagram/replay-spool.js';
import { HeldPackets, type HeldPacket, type HeldSnapshot } from './held.js';
import { PeerWindow, type PeerWindowSnapshot } from './peer-window.js';
import { decodedCache, decodeRecords, RecordFailure, type Decoded, type RecordResult } from './records.js';
import type { GtppEiSettings } from './settings.js';
import { StateBases, type StateBaseLimits, type StateBaseRef } from './state-bases.js';

export const CMD_SEND = 1;
export const CMD_SEND_POSSIBLY_DUPLICATED = 2;
export const CMD_CANCEL = 3;
export const CMD_RELEASE = 4;

/**
 * Released and replayed CDRs are BER: a held packet kept only CDRs that decoded, in a format taken
 * when it came (a later change of `acceptFormats` does not refuse them).
 */
const BER = 1;
const BER_ONLY: readonly number[] = [BER];

interface Snapshot {
  /** The window's entries set after `windowBase` (all of them when there is none). */
  readonly window: PeerWindowSnapshot;
  /** The state base this snapshot builds on (see state-bases.ts). */
  readonly windowBase?: StateBaseRef;
  /** The window's change count (absent in snapshots written before bases existed: 0). */
  readonly ops?: number;
  /** Packets held after the base, and which of the base's are still held. */
  readonly held: HeldSnapshot;
  /** The held packets' change count (absent in snapshots written before: 0). */
  readonly heldOps?: number;
  readonly lastMs: number;
  /** The window's fingerprints: absent in snapshots written before XXH64 (MD5 then). */
  readonly fingerprints?: 'xxh64';
  /** Until when (receipt time) the window may still hold MD5 fingerprints of an older snapshot. */
  readonly md5UntilMs?: number;
}

/** From which size the state goes to base files (see state-bases.ts). */
export const STATE_BASE_LIMITS: StateBaseLimits = { windowEntries: 8192, heldBytes: 1 << 20 };

export class GtppEiHandler implements NodeHandler {
  #window: PeerWindow;
  #held = new HeldPackets();
  /** Latest time seen in the log (receipt or tick): what the snapshot's window is cut at. */
  #lastMs = 0;
  /** Requests received up to this time are compared with MD5 fingerprints too (see fingerprint.ts). */
  #md5UntilMs = 0;

  /** Undefined without an actor directory (then every snapshot holds the whole state). */
  readonly #bases: StateBases | undefined;

  constructor(
    private readonly s: GtppEiSettings,
    private readonly actorDir = '',
    private readonly log?: Logger,
    baseLimits = STATE_BASE_LIMITS,
  ) {
    this.#window = new PeerWindow(s.retransmitWindowMs);
    this.#bases =
      actorDir === ''
        ? undefined
        : new StateBases(actorDir, baseLimits, (err, what) => log?.error({ err }, what));
  }

  init(snapshot: unknown): void {
    const snap = snapshot as Snapshot | undefined;
    const base = this.#bases?.restore(snap?.windowBase);
    this.#window = PeerWindow.restore(this.s.retransmitWindowMs, snap?.window, base?.window, snap?.ops ?? 0);
    this.#held = HeldPackets.restore(snap?.held, base?.held, snap?.heldOps ?? 0, (keys) =>
      this.log?.error(
        { lost: keys.length, packets: keys.slice(0, 20) },
        'possibly duplicated packets named by the checkpoint are not in its state base (it could not be read): their CDRs are lost from this gateway; the GSN will be told none is held when it releases them',
      ),
    );
    this.#lastMs = snap?.lastMs ?? 0;
    // A snapshot of MD5 fingerprints: its entries last one window past its latest time.
    this.#md5UntilMs =
      snap === undefined
        ? 0
        : snap.fingerprints === undefined
          ? snap.lastMs + this.s.retransmitWindowMs
          : (snap.md5UntilMs ?? 0);
  }

  handleBatch(): void {
    throw new Error('gtpp-ei takes no input from other nodes');
  }

  handleTick(nowMs: number, ctx: HandlerContext): void {
    this.#lastMs = Math.max(this.#lastMs, nowMs);
    for (const p of this.#held.expire(nowMs - this.s.possiblyDuplicatedTimeoutMs)) {
      p.records.forEach((bytes, index) =>
        ctx.quarantine(bytes, 'possibly_duplicated_unresolved', {
          peer: p.address,
          sequence: p.seq,
          index,
          receivedAt: new Date(p.receivedAtMs).toISOString(),
        }),
      );
      ctx.log.warn(
        { peer: p.address, sequence: p.seq, records: p.records.length },
        'possibly duplicated packet neither released nor cancelled in time: its CDRs went to the quarantine',
      );
    }
  }

  handleExternal(payload: Uint8Array, ctx: HandlerContext): void {
    if (!isDatagramEntry(payload)) {
      this.#replayed(decodeFileEntry(payload), ctx);
      return;
    }
    const cached = decodedCache.take(payload);
    decodeEntries(payload).forEach((entry, i) => this.#message(entry, cached?.[i], ctx));
  }

  #message(entry: DatagramEntry, cached: Decoded | undefined, ctx: HandlerContext): void {
    this.#lastMs = Math.max(this.#lastMs, entry.receivedAtMs);
    if (entry.kind === KIND_INVALID) {
      this.#quarantineMessage(entry, ctx);
      return;
    }
    let frame: GtppFrame;
    try {
      frame = cached?.frame ?? decodeFrame(entry.message);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.#quarantineMessage(entry, ctx);
      return;
    }
    const m = frame.message;
    if (m.type !== 'data-record-transfer-request') return;
    const headerLength = frame.longHeader ? 20 : 6;
    const fp = cached?.fingerprint ?? fingerprint(entry.message, headerLength);
    const records = m.packet?.records ?? [];
    if (
      (entry.receivedAtMs <= this.#md5UntilMs &&
        this.#window.has(
          entry.address,
          frame.sequence,
          md5Fingerprint(entry.message, headerLength),
          entry.receivedAtMs,
        )) ||
      this.#window.seen(entry.address, frame.sequence, fp, entry.receivedAtMs)
    ) {
      ctx.count('created', records.length);
      for (let i = 0; i < records.length; i++) ctx.duplicate('gtpp_retransmission');
      return;
    }
    switch (m.command) {
      case CMD_SEND: {
        const results =
          cached?.records ?? decodeRecords(records, m.packet?.format ?? 1, this.s.acceptFormats);
        ctx.count('created', records.length);
        results.forEach((r, i) => this.#emit(r, records[i] as Uint8Array, entry, frame.sequence, i, ctx));
        return;
      }
      case CMD_SEND_POSSIBLY_DUPLICATED: {
        const results =
          cached?.records ?? decodeRecords(records, m.packet?.format ?? 1, this.s.acceptFormats);
        ctx.count('created', records.length);
        const keep: Uint8Array[] = [];
        results.forEach((r, i) => {
          const bytes = records[i] as Uint8Array;
          if (r instanceof RecordFailure) this.#emit(r, bytes, entry, frame.sequence, i, ctx);
          else keep.push(bytes.slice());
        });
        const replaced = this.#held.hold({
          address: entry.address,
          seq: frame.sequence,
          receivedAtMs: entry.receivedAtMs,
          records: keep,
        });
        // The GSN reused the sequence number of a packet still held: the old one is unresolved.
        if (replaced !== undefined) this.#unresolved(replaced, 'possibly_duplicated_replaced', ctx);
        return;
      }
      case CMD_RELEASE:
        for (const seq of m.released ?? []) {
          const p = this.#held.take(entry.address, seq);
          if (p === undefined) this.#unknownHeld(entry, seq, 'release', ctx);
          else
            decodeRecords(p.records, BER, BER_ONLY).forEach((r, i) =>
              this.#emit(r, p.records[i] as Uint8Array, entry, seq, i, ctx),
            );
        }
        return;
      case CMD_CANCEL:
        for (const seq of m.cancelled ?? []) {
          const p = this.#held.take(entry.address, seq);
          if (p === undefined) this.#unknownHeld(entry, seq, 'cancel', ctx);
          else for (let i = 0; i < p.records.length; i++) ctx.duplicate('gtpp_cancelled');
        }
        return;
      default:
        return;
    }
  }

  /** A quarantine replay spool file: each raw is a GTP' request (its CDRs) or one CDR. */
  #replayed(file: FileEntry, ctx: HandlerContext): void {
    const raws = readLoggedReplay(this.actorDir, file, ctx.position);
    if (raws === undefined) {
      ctx.log.warn({ file: file.name }, 'logged replay file is gone; nothing replayed from it');
      return;
    }
    raws.forEach((raw, i) => {
      let records: readonly Uint8Array[] = [raw];
      try {
        const f = decodeFrame(raw);
        if (f.message.type === 'data-record-transfer-request') records = f.message.packet?.records ?? [];
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
      }
      ctx.count('created', records.length);
      decodeRecords(records, BER, BER_ONLY).forEach((r, k) => {
        if (r instanceof RecordFailure)
          ctx.quarantine(records[k] as Uint8Array, r.code, { replay: file.name, index: i, error: r.message });
        else ctx.emit(r);
      });
    });
  }

  snapshot(): Snapshot {
    const base = this.#bases?.snapshotTaken(this.#window, this.#held, this.#lastMs);
    return {
      window: this.#window.snapshot(this.#lastMs, base?.ops ?? -1),
      ...(base === undefined ? {} : { windowBase: base }),
      ops: this.#window.ops,
      held: this.#held.snapshot(base?.heldOps ?? -1),
      heldOps: this.#held.ops,
      lastMs: this.#lastMs,
      fingerprints: 'xxh64',
      ...(this.#md5UntilMs > this.#lastMs ? { md5UntilMs: this.#md5UntilMs } : {}),
    };
  }

  checkpointCommitted(n: number): void {
    this.#bases?.committed(n);
  }

  /** Resolves when no state base is being written (tests). */
  async settled(): Promise<void> {
    await this.#bases?.settled();
  }

  held(): number {
    return this.#held.records;
  }

  #emit(
    r: RecordResult,
    bytes: Uint8Array,
    e: DatagramEntry,
    seq: number,
    index: number,
    ctx: HandlerContext,
  ): void {
    if (r instanceof RecordFailure) {
      ctx.quarantine(bytes, r.code, { peer: e.address, sequence: seq, index, error: r.message });
      return;
    }
    ctx.emit(r as Nar);
  }

  #unresolved(p: HeldPacket, reason: string, ctx: HandlerContext): void {
    p.records.forEach((bytes, index) =>
      ctx.quarantine(bytes, reason, { peer: p.address, sequence: p.seq, index }),
    );
  }

  #unknownHeld(e: DatagramEntry, seq: number, what: 'release' | 'cancel', ctx: HandlerContext): void {
    ctx.log.warn(
      { peer: e.address, sequence: seq },
      `${what} names a sequence number with no possibly duplicated packet held (already resolved, or never received)`,
    );
  }

  #quarantineMessage(e: DatagramEntry, ctx: HandlerContext): void {
    let reason = 'invalid_message';
    let error = '';
    try {
      decodeFrame(e.message);
    } catch (err) {
      if (err instanceof DecodeError) {
        reason = err.code;
        error = err.message;
      } else throw err;
    }
    ctx.count('created', 1);
    ctx.quarantine(e.message, reason, { peer: e.address, port: e.port, transport: e.transport, error });
  }
}
