/**
 * CSV rows written straight from a packed batch's values (`readPackedBatch`), with no NAR objects
 * and no strings in between: ASCII strings are copied byte for byte, integers written as decimal
 * digits. The text is exactly what formatting the decoded NARs gives (`String(value)`, '' for null
 * or a missing attribute, RFC 4180 quoting where a value holds the delimiter, a quote, a comma or a
 * line break): values that need more than a copy (non-ASCII or quoted strings, 64-bit integers,
 * floats) are decoded one by one and formatted as the object path does.
 */
import { ByteWriter } from '../byte-writer.js';
import { unpackValue } from '../nar/batch.js';
import type { PackedBatch } from '../nar/packed-batch.js';
import { formatCsvField } from './csv.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const INITIAL_BYTES = 256 << 10;
const KEEP_BYTES = 4 << 20;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

export class PackedCsvRows extends ByteWriter {
  readonly #attributes: readonly string[];
  readonly #delimiter: string;
  readonly #d: number;
  /** 1 for the bytes a copied string may not hold: the delimiter, quote, comma, CR, LF, non-ASCII. */
  readonly #special: Uint8Array;

  /** `delimiter` is one ASCII character (a wider one cannot be matched byte by byte). */
  constructor(attributes: readonly string[], delimiter: string) {
    super(INITIAL_BYTES);
    const d = delimiter.charCodeAt(0);
    if (delimiter.length !== 1 || d >= 0x80)
      throw new RangeError(`delimiter ${delimiter} is not one ASCII character`);
    this.#attributes = attributes;
    this.#delimiter = delimiter;
    this.#d = d;
    this.#special = new Uint8Array(256);
    for (const c of [d, QUOTE, COMMA, LF, CR]) this.#special[c] = 1;
    this.#special.fill(1, 0x80);
  }

  /** The rows written since the last `clear`, as a view (valid until the next write). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Empties the writer, and drops a buffer grown past 4 MiB (after a large batch) rather than keep it. */
  override clear(): void {
    super.clear();
    if (this.buf.length > KEEP_BYTES) this.buf = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  }

  /** Appends one row per record of the batch, each ending in '\n'. */
  rows(batch: PackedBatch): void {
    const plans = batch.shapes.map((keys) => Int32Array.from(this.#attributes, (a) => keys.indexOf(a)));
    const { bytes, shapeOf, first, starts } = batch;
    const columns = this.#attributes.length;
    for (let i = 0; i < shapeOf.length; i++) {
      const plan = plans[shapeOf[i] as number] as Int32Array;
      const base = first[i] as number;
      for (let c = 0; c < columns; c++) {
        if (c > 0) this.octet(this.#d);
        const j = plan[c] as number;
        if (j >= 0) this.#value(bytes, starts[base + j] as number, starts[base + j + 1] as number);
      }
      this.octet(LF);
    }
  }

  /** The value `bytes[at..end)` as its CSV field. */
  #value(bytes: Uint8Array, at: number, end: number): void {
    const t = bytes[at] as number;
    if (t < 0x40) return this.#decimal(t);
    if (t >= 0xe0) return this.#signed(t - 0x100);
    let from = -1;
    if ((t & 0xe0) === 0xa0) from = at + 1;
    else if (t === 0xd9) from = at + 2;
    else if (t === 0xda) from = at + 3;
    else if (t === 0xdb) from = at + 5;
    if (from >= 0) return this.#string(bytes, from, end, at);
    switch (t) {
      case 0xc0:
        return;
      case 0xc2:
        return this.octets(FALSE);
      case 0xc3:
        return this.octets(TRUE);
      case 0xcc:
        return this.#decimal(bytes[at + 1] as number);
      case 0xcd:
        return this.#decimal(((bytes[at + 1] as number) << 8) | (bytes[at + 2] as number));
      case 0xce:
        return this.#decimal(u32(bytes, at + 1));
      case 0xd0:
        return this.#signed(((bytes[at + 1] as number) << 24) >> 24);
      case 0xd1:
        return this.#signed((((bytes[at + 1] as number) << 24) | ((bytes[at + 2] as number) << 16)) >> 16);
      case 0xd2:
        return this.#signed(
          ((bytes[at + 1] as number) << 24) |
            ((bytes[at + 2] as number) << 16) |
            ((bytes[at + 3] as number) << 8) |
            (bytes[at + 4] as number),
        );
      case 0xcf:
      case 0xd3: {
        // 64-bit integers (bigints: volumes are). Beyond 2^53 they are decoded as bigints.
        const high = u32(bytes, at + 1);
        const low = u32(bytes, at + 5);
        if (high < 0x200000) return this.#decimal(high * 0x100000000 + low);
        if (t === 0xd3 && high >= 0xffe00001) return this.#signed((high - 0x100000000) * 0x100000000 + low);
        break;
      }
    }
    // Floats and 64-bit integers beyond 2^53: rare enough to decode.
    this.#ascii(String(unpackValue(bytes.subarray(at, end))));
  }

  /** A string's bytes `[from, end)`: copied when plain ASCII that needs no quotes, else formatted. */
  #string(bytes: Uint8Array, from: number, end: number, at: number): void {
    // A loop, not `set(subarray(…))`: values are short, and a subarray is an object to allocate.
    this.room(end - from);
    const b = this.buf;
    const special = this.#special;
    let p = this.pos;
    for (let k = from; k < end; k++) {
      const c = bytes[k] as number;
      if (special[c] !== 0) {
        const s = formatCsvField(unpackValue(bytes.subarray(at, end)) as string, this.#delimiter);
        const n = Buffer.byteLength(s);
        this.room(n);
        this.pos += this.buf.write(s, this.pos, n, 'utf8');
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  #signed(v: number): void {
    if (v < 0) {
      this.octet(0x2d);
      this.#decimal(-v);
    } else this.#decimal(v);
  }

  /** A non-negative safe integer as decimal digits. */
  #decimal(v: number): void {
    if (v < 10) return this.octet(0x30 + v);
    let digits = 2;
    for (let x = Math.floor(v / 100); x > 0; x = Math.floor(x / 10)) digits++;
    this.room(digits);
    const b = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    let x = v;
    do {
      const q = Math.floor(x / 10);
      b[--p] = 0x30 + (x - q * 10);
      x = q;
    } while (x > 0);
  }

  #ascii(s: string): void {
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, s.length, 'latin1');
  }
}

/** The unsigned 32-bit integer at `at` (big endian). */
function u32(b: Uint8Array, at: number): number {
  return (
    (b[at] as number) * 0x1000000 +
    (((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number))
  );
}
