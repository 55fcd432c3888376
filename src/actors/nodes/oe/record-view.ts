/**
 * A record as the order enhancer reads it: a NAR object (`NarView`), or one record of a batch read
 * in place (`PackedView`, over `readPackedBatch`). The order enhancer reads a handful of attributes
 * of each record (record type, session key, sequence number, time, record key, closing cause) and
 * holds or forwards the rest untouched, so a packed batch need not become NAR objects: attributes
 * are read from the batch's bytes by position, a held record is its bytes copied out (what
 * `RecordHolder.hold` would have packed), and a record emitted at once is a `PackedNar` over the
 * batch (input entries are not written again, and outputs are sealed at the end of each one).
 */
import { Buffer } from 'node:buffer';
import type { AttributeValue, Nar } from '../../../protocols/nar/nar.js';
import type { PackedBatch } from '../../../protocols/nar/packed-batch.js';
import { PackedNar, ValueReader, type NarRecord } from '../../../protocols/nar/packed-nar.js';
import { HeldRecord, type Held, type RecordHolder } from './held-record.js';

export interface RecordView {
  /** The value of an attribute, or undefined when the record has none. */
  get(name: string): AttributeValue | undefined;
  /** The record as a session holds it. */
  hold(): Held;
  /** The record as emitted unchanged. */
  out(): NarRecord;
  /** The record as a NAR object (quarantine, audit copies). */
  nar(): Nar;
}

export class NarView implements RecordView {
  r: Nar = {};
  constructor(private readonly holder: RecordHolder) {}

  get(name: string): AttributeValue | undefined {
    return this.r[name];
  }
  hold(): Held {
    return this.holder.hold(this.r);
  }
  out(): NarRecord {
    return this.r;
  }
  nar(): Nar {
    return this.r;
  }
}

const NO_BATCH = new Uint8Array(0);

export class PackedView implements RecordView {
  #batch: PackedBatch | undefined;
  #reader = new ValueReader(NO_BATCH, 0, 0);
  #text: Buffer = Buffer.alloc(0);
  /** Per shape of the batch: where each attribute is among the record's values. */
  #index: Map<string, number>[] = [];
  /** Per shape of the batch: the holder's shared name list, or undefined (held as NAR objects). */
  #keys: (readonly string[] | undefined)[] = [];
  #shape = 0;
  /** Where the record's value offsets begin in the batch's `starts`. */
  #first = 0;

  constructor(private readonly holder: RecordHolder) {}

  /** Reads records of `batch` from now on (its shapes looked up once). */
  load(batch: PackedBatch): void {
    this.#batch = batch;
    const bytes = batch.bytes;
    this.#reader = new ValueReader(bytes, 0, bytes.length);
    this.#text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#index = batch.shapes.map((names) => new Map(names.map((n, j) => [n, j])));
    this.#keys = batch.shapes.map((names) => this.holder.shape(names));
  }

  /** Reads record `i` of the loaded batch from now on. */
  select(i: number): void {
    const b = this.#batch as PackedBatch;
    this.#shape = b.shapeOf[i] as number;
    this.#first = b.first[i] as number;
  }

  get(name: string): AttributeValue | undefined {
    const j = (this.#index[this.#shape] as Map<string, number>).get(name);
    if (j === undefined) return undefined;
    const r = this.#reader;
    r.pos = (this.#batch as PackedBatch).starts[this.#first + j] as number;
    return r.read();
  }

  hold(): Held {
    const keys = this.#keys[this.#shape];
    if (keys === undefined) return this.nar();
    const [start, end] = this.#span();
    return new HeldRecord(keys, this.#text.toString('latin1', start, end));
  }

  out(): NarRecord {
    const b = this.#batch as PackedBatch;
    const [start, end] = this.#span();
    return new PackedNar(this.#keys[this.#shape] ?? (b.shapes[this.#shape] as string[]), b.bytes, start, end);
  }

  nar(): Nar {
    const b = this.#batch as PackedBatch;
    const [start, end] = this.#span();
    return new PackedNar(b.shapes[this.#shape] as string[], b.bytes, start, end).toNar();
  }

  /** Where the record's values begin and end in the batch's bytes. */
  #span(): [number, number] {
    const b = this.#batch as PackedBatch;
    const n = (b.shapes[this.#shape] as readonly string[]).length;
    return [b.starts[this.#first] as number, b.starts[this.#first + n] as number];
  }
}
