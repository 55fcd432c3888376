/**
 * The batch payload's fast path: an array of NARs written as MessagePack with msgpackr's record
 * structure extension (its README, "Record Structure Extension Definition"), byte for byte what the
 * batch codec's Packr writes for the same records, so msgpackr reads it back unchanged.
 *
 *   first record of a shape:  d4 72 <id 0x40..0x7f> <array of attribute names> <values>
 *   later records:            <id> <values>
 *
 * Faster than the general encoder because a NAR is flat: the attribute names are compared with the
 * shape the previous record had (records of one source mostly share one), and values are only
 * strings, numbers, bigints, booleans and null. Anything else (a nested value, a bigint beyond 64
 * bits) returns undefined, and the caller packs with msgpackr. Past 64 shapes in one batch, ids are
 * defined again (then the bytes differ from msgpackr's, which reads them all the same).
 * Records are plain data objects: inherited enumerable properties are not expected. A `PackedNar`
 * (values written already) is copied as it is.
 */
import { MsgpackWriter } from './msgpack-writer.js';
import type { Nar } from './nar.js';
import { MATCHED, NOT_FLAT, writeNarValues } from './nar-values.js';
import { PackedNar } from './packed-nar.js';

/** One byte per record id: msgpackr numbers a message's own structures 0x40..0x7f. */
const FIRST_ID = 0x40;
const MAX_SHAPES = 64;

interface Shape {
  readonly id: number;
  readonly keys: readonly string[];
}

export class RecordPacker {
  readonly #w = new MsgpackWriter();
  readonly #shapes: Shape[] = [];
  /** Past MAX_SHAPES shapes: the index in #shapes whose id is defined again next. */
  #reused = 0;

  /**
   * `prefix` bytes left free at the start (the caller's header), then the records. Returns a buffer
   * of its own ArrayBuffer, exactly as long as written, or undefined when a record is not flat.
   */
  pack(records: readonly (Nar | PackedNar)[], prefix: number): Uint8Array | undefined {
    const w = this.#w;
    w.pos = 0;
    w.room(prefix + 5);
    w.pos = prefix;
    this.#shapes.length = 0;
    this.#reused = 0;
    w.arrayHeader(records.length);
    let last: Shape | undefined;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as Nar | PackedNar;
      if (r instanceof PackedNar) {
        last = this.#packed(r, last);
        if (last === undefined) return this.#done(undefined);
        continue;
      }
      const start = w.pos;
      if (last !== undefined) {
        w.room(1);
        w.buf[w.pos++] = last.id;
        const written = writeNarValues(w, r, last.keys);
        if (written === MATCHED) continue;
        if (written === NOT_FLAT) return this.#done(undefined);
        w.pos = start;
      }
      last = this.#shapeOf(Object.keys(r));
      if (last === undefined || writeNarValues(w, r, last.keys) !== MATCHED) return this.#done(undefined);
    }
    return this.#done(w.buf.slice(0, w.pos));
  }

  #done(out: Uint8Array | undefined): Uint8Array | undefined {
    this.#w.shrink();
    return out;
  }

  /** A packed record: its shape (the last one when its keys are the same array), then its values. */
  #packed(r: PackedNar, last: Shape | undefined): Shape | undefined {
    const w = this.#w;
    let shape = last;
    if (shape !== undefined && shape.keys === r.keys) {
      w.room(1);
      w.buf[w.pos++] = shape.id;
    } else {
      shape = this.#shapeOf(r.keys);
      if (shape === undefined) return undefined;
    }
    w.raw(r.bytes, r.start, r.end);
    return shape;
  }

  /** The shape of records with these keys, defined in the output (and remembered) when new in this batch. */
  #shapeOf(keys: readonly string[]): Shape | undefined {
    const w = this.#w;
    for (const s of this.#shapes)
      if (sameKeys(s.keys, keys)) {
        w.room(1);
        w.buf[w.pos++] = s.id;
        return s;
      }
    let shape: Shape;
    if (this.#shapes.length < MAX_SHAPES) {
      shape = { id: FIRST_ID + this.#shapes.length, keys };
      this.#shapes.push(shape);
    } else {
      // Past 64 shapes an id is defined again, oldest definition first (msgpackr reads a new
      // definition of an id as replacing the old one); a shape seen again later is defined again.
      const at = this.#reused;
      this.#reused = (at + 1) % MAX_SHAPES;
      shape = { id: (this.#shapes[at] as Shape).id, keys };
      this.#shapes[at] = shape;
    }
    w.room(8);
    w.buf[w.pos++] = 0xd4;
    w.buf[w.pos++] = 0x72;
    w.buf[w.pos++] = shape.id;
    w.arrayHeader(keys.length);
    for (const k of keys) w.string(k);
    return shape;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
