/**
 * Held records kept small. An open session holds its records for as long as the session is open
 * (the S-CDR inactivity timeout, `maxHoldMs`): at carrier rates that is millions of records. Each
 * is kept as the MessagePack its values pack to (what a `PackedNar` holds) in a string of one byte
 * per character, with its attribute names shared per shape: about 300 bytes for a 24-attribute
 * CDR, against about 780 as a NAR object (`npm run bench`, open sessions). Emitting one writes its
 * bytes into a slab and hands on a `PackedNar`, which the batch encoder copies instead of walking an
 * object; session chunks and checkpoints write the bytes as they are too.
 *
 * A record that cannot be packed so (a nested value, a bigint past 64 bits), or one of a shape past
 * MAX_SHAPES, is held as the NAR it is.
 */
import { Buffer } from 'node:buffer';
import { MsgpackWriter } from '../../../protocols/nar/msgpack-writer.js';
import type { Nar } from '../../../protocols/nar/nar.js';
import { MATCHED, writeNarValues } from '../../../protocols/nar/nar-values.js';
import { PackedNar, type NarRecord } from '../../../protocols/nar/packed-nar.js';
import { Slabs } from '../../../protocols/nar/slabs.js';

/** A held record: its attribute names and its values as MessagePack, one byte per character. */
export class HeldRecord {
  constructor(
    readonly keys: readonly string[],
    readonly text: string,
  ) {}
}

/** What a session holds for a record. */
export type Held = Nar | HeldRecord;

/** Distinct attribute-name lists kept (records of one source mostly share one). */
const MAX_SHAPES = 1024;

/** Shapes tried before a record's attribute names are listed and looked up. */
const RECENT_SHAPES = 8;

/** Whether the record's attribute names are `keys`, in order. */
function hasKeys(r: Nar, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in r) if (k !== keys[i++]) return false;
  return i === keys.length;
}

/** Bytes of a held record read back into a NAR (the values are copied out of it). */
let scratch = Buffer.allocUnsafeSlow(4 << 10);

/** A held record as a NAR object (one given an attribute on its way out). */
export function heldNar(h: Held): Nar {
  if (!(h instanceof HeldRecord)) return h;
  const n = h.text.length;
  if (n > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.max(n, 2 * scratch.length));
  scratch.write(h.text, 0, n, 'latin1');
  return new PackedNar(h.keys, scratch, 0, n).toNar();
}

export class RecordHolder {
  readonly #w = new MsgpackWriter(4 << 10);
  #view = Buffer.from(this.#w.buf.buffer);
  readonly #shapes = new Map<string, readonly string[]>();
  /** The shapes records were last held with, the latest first (record types interleave). */
  readonly #mru: (readonly string[])[] = [];
  readonly #slabs = new Slabs();

  /** The record as a session holds it. */
  hold(r: Nar): Held {
    const w = this.#w;
    w.shrink();
    w.pos = 0;
    let keys = this.#recent(r);
    let newId: string | undefined;
    if (keys === undefined) {
      const names = Object.keys(r);
      const id = names.join('\u0000');
      keys = this.#shapes.get(id);
      if (keys === undefined) {
        if (this.#shapes.size >= MAX_SHAPES) return r;
        keys = names;
        newId = id;
      }
    }
    if (writeNarValues(w, r, keys) !== MATCHED) return r;
    if (newId !== undefined) this.#shapes.set(newId, keys);
    this.#toFront(keys);
    if (this.#view.buffer !== w.buf.buffer) this.#view = Buffer.from(w.buf.buffer);
    return new HeldRecord(keys, this.#view.toString('latin1', 0, w.pos));
  }

  /**
   * The attribute-name list held records with these names share (taken as the shared one when new),
   * or undefined when MAX_SHAPES are kept already: such records are held as NAR objects.
   */
  shape(names: readonly string[]): readonly string[] | undefined {
    const id = names.join('\u0000');
    let keys = this.#shapes.get(id);
    if (keys === undefined) {
      if (this.#shapes.size >= MAX_SHAPES) return undefined;
      keys = names;
      this.#shapes.set(id, keys);
    }
    return keys;
  }

  /** One of the shapes used last whose attribute names the record has, in order (most records). */
  #recent(r: Nar): readonly string[] | undefined {
    for (const keys of this.#mru) if (hasKeys(r, keys)) return keys;
    return undefined;
  }

  /** Puts a shape a record was held with first in the recent list. */
  #toFront(keys: readonly string[]): void {
    const mru = this.#mru;
    if (mru[0] === keys) return;
    const at = mru.indexOf(keys);
    if (at >= 0) mru.splice(at, 1);
    else if (mru.length >= RECENT_SHAPES) mru.pop();
    mru.unshift(keys);
  }

  /** A held record as it is emitted: a `PackedNar` over a slab, or the NAR held. */
  emitted(h: Held): NarRecord {
    if (!(h instanceof HeldRecord)) return h;
    const n = h.text.length;
    const { buf, at } = this.#slabs.reserve(n);
    buf.write(h.text, at, n, 'latin1');
    return new PackedNar(h.keys, buf, at, at + n);
  }
}
