/**
 * Packets sent as "possibly duplicated" (TS 32.295 Packet Transfer Command 2): a GSN that failed
 * over sends CDRs again that another gateway (or this one) may already have. They are kept, durable
 * in the input log and in this state, until the GSN releases them (command 4: emit) or cancels them
 * (command 3: they were duplicates), by the sequence number of the request that carried them. Raw CDR
 * bytes are kept, so the state stays compact and unresolved packets can go to the quarantine as sent.
 */
export interface HeldPacket {
  readonly address: string;
  readonly seq: number;
  readonly receivedAtMs: number;
  readonly records: readonly Uint8Array[];
}

export interface HeldSnapshot {
  readonly packets: readonly HeldPacket[];
}

export class HeldPackets {
  readonly #packets = new Map<string, HeldPacket>();
  #records = 0;

  static key(address: string, seq: number): string {
    return `${address}|${seq}`;
  }

  hold(p: HeldPacket): HeldPacket | undefined {
    const key = HeldPackets.key(p.address, p.seq);
    const replaced = this.take(p.address, p.seq);
    this.#packets.set(key, p);
    this.#records += p.records.length;
    return replaced;
  }

  take(address: string, seq: number): HeldPacket | undefined {
    const key = HeldPackets.key(address, seq);
    const p = this.#packets.get(key);
    if (p === undefined) return undefined;
    this.#packets.delete(key);
    this.#records -= p.records.length;
    return p;
  }

  /** Packets received before `beforeMs`, removed, oldest first. */
  expire(beforeMs: number): HeldPacket[] {
    const out: HeldPacket[] = [];
    for (const p of this.#packets.values()) if (p.receivedAtMs < beforeMs) out.push(p);
    for (const p of out) this.take(p.address, p.seq);
    return out.sort((a, b) => a.receivedAtMs - b.receivedAtMs);
  }

  get records(): number {
    return this.#records;
  }

  get packets(): number {
    return this.#packets.size;
  }

  snapshot(): HeldSnapshot {
    return { packets: [...this.#packets.values()] };
  }

  static restore(snap: HeldSnapshot | undefined): HeldPackets {
    const h = new HeldPackets();
    for (const p of snap?.packets ?? []) h.hold({ ...p, records: p.records.map((r) => new Uint8Array(r)) });
    return h;
  }
}
