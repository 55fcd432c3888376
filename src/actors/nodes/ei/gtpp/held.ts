/**
 * Packets sent as "possibly duplicated" (TS 32.295 Packet Transfer Command 2): a GSN that failed
 * over sends CDRs again that another gateway (or this one) may already have. They are kept, durable
 * in the input log and in this state, until the GSN releases them (command 4: emit) or cancels them
 * (command 3: they were duplicates), by the sequence number of the request that carried them. Raw CDR
 * bytes are kept, so unresolved packets can go to the quarantine as sent.
 *
 * A GSN failing over with a large backlog can leave many packets held, and their CDR bytes would go
 * into every checkpoint. So each packet carries the change count (`ops`) at which it was held, and a
 * snapshot can hold only the packets held after a given change plus, of the older ones (which a base
 * file holds, see state-bases.ts), the sequence numbers still held: two bytes per packet.
 */
export interface HeldPacket {
  readonly address: string;
  readonly seq: number;
  readonly receivedAtMs: number;
  readonly records: readonly Uint8Array[];
}

export interface HeldSnapshot {
  /** Packets held after the base (all of them when the snapshot builds on none). */
  readonly packets: readonly HeldPacket[];
  /** Of the base's packets, those still held: per peer, sequence numbers as u16 (host order). */
  readonly fromBase?: ReadonlyArray<{ readonly address: string; readonly seq: Uint8Array }>;
}

interface Entry {
  readonly packet: HeldPacket;
  readonly bytes: number;
  /** Change count when held (0: restored from a base). */
  readonly ver: number;
}

export class HeldPackets {
  readonly #packets = new Map<string, Entry>();
  #records = 0;
  #bytes = 0;
  #ops = 0;

  static key(address: string, seq: number): string {
    return `${address}|${seq}`;
  }

  hold(p: HeldPacket): HeldPacket | undefined {
    const replaced = this.take(p.address, p.seq);
    this.#put(p, ++this.#ops);
    return replaced;
  }

  take(address: string, seq: number): HeldPacket | undefined {
    const key = HeldPackets.key(address, seq);
    const e = this.#packets.get(key);
    if (e === undefined) return undefined;
    this.#packets.delete(key);
    this.#records -= e.packet.records.length;
    this.#bytes -= e.bytes;
    this.#ops++;
    return e.packet;
  }

  /** Packets received before `beforeMs`, removed, oldest first. */
  expire(beforeMs: number): HeldPacket[] {
    const out: HeldPacket[] = [];
    for (const { packet } of this.#packets.values()) if (packet.receivedAtMs < beforeMs) out.push(packet);
    for (const p of out) this.take(p.address, p.seq);
    return out.sort((a, b) => a.receivedAtMs - b.receivedAtMs);
  }

  get records(): number {
    return this.#records;
  }

  get packets(): number {
    return this.#packets.size;
  }

  /** CDR bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Changes (holds and takes) so far. */
  get ops(): number {
    return this.#ops;
  }

  /** CDR bytes of the packets held after change `since`. */
  bytesSince(since: number): number {
    let n = 0;
    for (const e of this.#packets.values()) if (e.ver > since) n += e.bytes;
    return n;
  }

  /**
   * The held packets (default), or only those held after change `since` with the sequence numbers
   * of the older ones still held (a base taken at `since` holds their bytes).
   */
  snapshot(since = -1): HeldSnapshot {
    const packets: HeldPacket[] = [];
    if (since < 0) {
      for (const e of this.#packets.values()) packets.push(e.packet);
      return { packets };
    }
    const older = new Map<string, number[]>();
    for (const e of this.#packets.values()) {
      if (e.ver > since) {
        packets.push(e.packet);
        continue;
      }
      const seqs = older.get(e.packet.address);
      if (seqs === undefined) older.set(e.packet.address, [e.packet.seq]);
      else seqs.push(e.packet.seq);
    }
    const fromBase = [...older].map(([address, seqs]) => {
      const seq = Uint16Array.from(seqs);
      return { address, seq: new Uint8Array(seq.buffer) };
    });
    return { packets, fromBase };
  }

  /**
   * The packets of `snap`; when it builds on a base, those of `base` it names as still held come
   * first (counted as held at change 0), and the changes count on from `ops`. Packets it names that
   * the base lacks (the base could not be read) are given to `lost` as `address|seq` keys.
   */
  static restore(
    snap: HeldSnapshot | undefined,
    base?: HeldSnapshot,
    ops = 0,
    lost: (keys: string[]) => void = () => {},
  ): HeldPackets {
    const h = new HeldPackets();
    if (snap?.fromBase !== undefined && snap.fromBase.length > 0) {
      const still = new Set<string>();
      for (const e of snap.fromBase) {
        for (const seq of new Uint16Array(new Uint8Array(e.seq).buffer))
          still.add(HeldPackets.key(e.address, seq));
      }
      for (const p of base?.packets ?? []) {
        if (still.delete(HeldPackets.key(p.address, p.seq))) h.#put(copied(p), 0);
      }
      if (still.size > 0) lost([...still]);
    }
    for (const p of snap?.packets ?? []) h.#put(copied(p), ops);
    h.#ops = ops;
    return h;
  }

  #put(p: HeldPacket, ver: number): void {
    let bytes = 0;
    for (const r of p.records) bytes += r.byteLength;
    this.#packets.set(HeldPackets.key(p.address, p.seq), { packet: p, bytes, ver });
    this.#records += p.records.length;
    this.#bytes += bytes;
  }
}

/** Private, aligned copies of the CDR bytes (snapshot buffers may be views of a larger one). */
function copied(p: HeldPacket): HeldPacket {
  return { ...p, records: p.records.map((r) => new Uint8Array(r)) };
}
