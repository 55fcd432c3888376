/** BER (X.690) reading and writing: length forms, high tag numbers, indefinite lengths, limits, primitives. */
import { describe, expect, it } from 'vitest';
import {
  readBigint,
  readBoolean,
  readHex,
  readIa5,
  readInteger,
  readNull,
  readNumber,
  readOctets,
  readUnsigned,
  readUtf8,
} from '../../../../src/protocols/ber/primitives.js';
import {
  BerBudget,
  DEFAULT_BER_LIMITS,
  readTlv,
  Tlv,
  type BerLimits,
} from '../../../../src/protocols/ber/reader.js';
import {
  BerWriter,
  concat,
  identifier,
  integerContent,
  lengthOctets,
  tlv,
  unsignedContent,
  utf8Content,
} from '../../../../src/protocols/ber/writer.js';
import { DecodeError } from '../../../../src/protocols/errors.js';

function read(bytes: readonly number[] | Uint8Array, depth = 0, limits: BerLimits = DEFAULT_BER_LIMITS): Tlv {
  const buf = Uint8Array.from(bytes);
  const t = new Tlv();
  readTlv(buf, 0, buf.length, t, depth, new BerBudget(limits));
  return t;
}

function error(f: () => unknown): DecodeError {
  try {
    f();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

const code = (f: () => unknown): string => error(f).code;

/** Reads a primitive element and applies `f` to it. */
function value<T>(bytes: number[], f: (buf: Uint8Array, t: Tlv) => T): T {
  const buf = Uint8Array.from(bytes);
  return f(buf, read(buf));
}

describe('BER lengths and tags', () => {
  it('ensures the short form and the long form with 1 to 4 length octets frame the content', () => {
    expect(read([0x85, 0x01, 0x07])).toMatchObject({
      cls: 2,
      constructed: false,
      tag: 5,
      contentStart: 2,
      contentEnd: 3,
      end: 3,
    });
    expect(read([0x04, 0x00])).toMatchObject({ contentStart: 2, contentEnd: 2, end: 2 });
    expect(read([0x04, 0x81, 0x80, ...new Array<number>(128).fill(1)])).toMatchObject({
      contentStart: 3,
      contentEnd: 131,
    });
    expect(read([0x04, 0x82, 0x01, 0x00, ...new Array<number>(256).fill(1)])).toMatchObject({
      contentStart: 4,
      contentEnd: 260,
    });
    expect(read([0x04, 0x83, 0x01, 0x00, 0x00, ...new Array<number>(65_536).fill(1)])).toMatchObject({
      contentStart: 5,
      contentEnd: 65_541,
    });
    expect(read([0x04, 0x84, 0, 0, 0, 2, 9, 9])).toMatchObject({ contentStart: 6, contentEnd: 8 });
    // BER lets a sender spend more length octets than needed (X.690 §8.1.3.5 note 2).
    expect(read([0x04, 0x81, 0x02, 9, 9])).toMatchObject({ contentStart: 3, contentEnd: 5 });
  });

  it('ensures identifier octets give class, constructed bit and low or high tag numbers', () => {
    expect(read([0x02, 0x01, 0x00])).toMatchObject({ cls: 0, constructed: false, tag: 2 });
    expect(read([0x30, 0x00])).toMatchObject({ cls: 0, constructed: true, tag: 16 });
    expect(read([0x61, 0x00])).toMatchObject({ cls: 1, constructed: true, tag: 1 });
    expect(read([0xde, 0x00])).toMatchObject({ cls: 3, constructed: false, tag: 30 });
    expect(read([0x9f, 0x1f, 0x00])).toMatchObject({ cls: 2, tag: 31, contentStart: 3 });
    expect(read([0xbf, 0x4f, 0x00])).toMatchObject({ cls: 2, constructed: true, tag: 79 });
    expect(read([0x9f, 0x7f, 0x00])).toMatchObject({ tag: 127 });
    expect(read([0x9f, 0x81, 0x00, 0x00])).toMatchObject({ tag: 128, contentStart: 4 });
    expect(read([0x9f, 0xff, 0x7f, 0x00])).toMatchObject({ tag: 16_383 });
    expect(read([0x9f, 0xff, 0xff, 0xff, 0x7f, 0x00])).toMatchObject({ tag: 2 ** 28 - 1, contentStart: 6 });
  });

  it('ensures an indefinite length ends at its end-of-contents, nested ones included', () => {
    expect(read([0xa1, 0x80, 0x80, 0x01, 0x05, 0xa2, 0x80, 0x00, 0x00, 0x00, 0x00])).toMatchObject({
      indefinite: true,
      contentStart: 2,
      contentEnd: 9,
      end: 11,
    });
    expect(read([0x30, 0x80, 0x00, 0x00])).toMatchObject({ contentStart: 2, contentEnd: 2, end: 4 });
    // A definite value inside the indefinite one whose content holds 00 00 is not taken as its end.
    expect(read([0x30, 0x80, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0xff])).toMatchObject({
      contentEnd: 6,
      end: 8,
    });
  });
});

describe('BER errors', () => {
  it('ensures every malformed header is a DecodeError with its own code', () => {
    expect(code(() => read([]))).toBe('truncated');
    expect(code(() => read([0x04]))).toBe('truncated');
    expect(code(() => read([0x9f]))).toBe('truncated');
    expect(code(() => read([0x9f, 0x81]))).toBe('truncated');
    expect(code(() => read([0x04, 0x82, 0x01]))).toBe('truncated');
    expect(code(() => read([0x04, 0x05, 0x01]))).toBe('length_exceeds_frame');
    expect(code(() => read([0x04, 0x85, 0, 0, 0, 0, 1]))).toBe('length_too_long');
    expect(code(() => read([0x04, 0xff]))).toBe('reserved_length');
    expect(code(() => read([0x04, 0x80, 0x00, 0x00]))).toBe('indefinite_primitive');
    expect(code(() => read([0x30, 0x80, 0x04, 0x00]))).toBe('truncated');
    expect(code(() => read([0x30, 0x80, 0x04, 0x05, 0x00, 0x00]))).toBe('length_exceeds_frame');
    expect(code(() => read([0x9f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00]))).toBe('tag_too_large');
    expect(code(() => read([0x9f, 0x80, 0x01, 0x00]))).toBe('invalid_tag');
    expect(code(() => read([0x9f, 0x05, 0x00]))).toBe('invalid_tag');
    expect(error(() => read([0x04, 0x05, 0x01])).protocol).toBe('ber');
  });

  it('ensures a length of 2 GiB inside 100 bytes is refused from the header alone', () => {
    const bytes = new Uint8Array(100);
    bytes.set([0x04, 0x84, 0x80, 0x00, 0x00, 0x00]);
    const err = error(() => read(bytes));
    expect(err.code).toBe('length_exceeds_frame');
    expect(err.context).toEqual({ length: 2 ** 31, available: 94 });
    // Inside an enclosing value the limit is that value's end, not the buffer's.
    const outer = Uint8Array.from([0x30, 0x03, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00]);
    const o = read(outer);
    const inner = error(() => readTlv(outer, o.contentStart, o.contentEnd, new Tlv(), 1, new BerBudget()));
    expect(inner.code).toBe('length_exceeds_frame');
    expect(inner.context).toEqual({ length: 2, available: 1 });
  });

  it('ensures the depth and element limits stop a value before it is walked further', () => {
    expect(code(() => read([0x30, 0x00], 33))).toBe('depth_limit');
    expect(read([0x30, 0x00], 32)).toMatchObject({ tag: 16 });
    let nested: number[] = [0x05, 0x00];
    for (let i = 0; i < 40; i++) nested = [0x30, 0x80, ...nested, 0x00, 0x00];
    expect(code(() => read(nested))).toBe('depth_limit');
    expect(read(nested, 0, { maxDepth: 41, maxElements: 100 })).toMatchObject({ end: nested.length });
    expect(code(() => read([0x30, 0x00], 0, { maxDepth: 4, maxElements: 0 }))).toBe('element_limit');
    const many = [0x30, 0x80, ...new Array<number>(20).fill(0).flatMap(() => [0x05, 0x00]), 0x00, 0x00];
    expect(code(() => read(many, 0, { maxDepth: 4, maxElements: 10 }))).toBe('element_limit');
  });
});

describe('BER primitive values', () => {
  it('ensures non-negative INTEGERs are numbers while they fit 53 bits and bigints past that', () => {
    expect(value([0x02, 0x01, 0x00], readUnsigned)).toBe(0);
    expect(value([0x02, 0x02, 0x00, 0xff], readUnsigned)).toBe(255);
    expect(value([0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff], readUnsigned)).toBe(4_294_967_295);
    expect(value([0x02, 0x07, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], readUnsigned)).toBe(2 ** 53 - 1);
    expect(value([0x02, 0x07, 0x20, 0, 0, 0, 0, 0, 0], readUnsigned)).toBe(2n ** 53n);
    expect(value([0x02, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], readUnsigned)).toBe(
      2n ** 64n - 1n,
    );
    expect(value([0x02, 0x01, 0x05], readBigint)).toBe(5n);
    expect(code(() => value([0x02, 0x00], readUnsigned))).toBe('empty_integer');
    expect(code(() => value([0x02, 0x01, 0xff], readUnsigned))).toBe('negative_integer');
    expect(code(() => value([0x02, 0x0a, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], readUnsigned))).toBe(
      'integer_too_large',
    );
    expect(code(() => value([0x02, 0x08, 0x01, 0, 0, 0, 0, 0, 0, 0], readNumber))).toBe('integer_too_large');
  });

  it('ensures signed INTEGERs read two’s complement', () => {
    expect(value([0x02, 0x01, 0xff], readInteger)).toBe(-1);
    expect(value([0x02, 0x01, 0x80], readInteger)).toBe(-128);
    expect(value([0x02, 0x02, 0xff, 0x7f], readInteger)).toBe(-129);
    expect(value([0x02, 0x02, 0x00, 0x80], readInteger)).toBe(128);
    expect(value([0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0], readInteger)).toBe(-(2n ** 63n));
    expect(value([0x02, 0x07, 0xe0, 0, 0, 0, 0, 0, 1], readInteger)).toBe(-(2 ** 53) + 1);
    expect(code(() => value([0x02, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 1], readInteger))).toBe('integer_too_large');
  });

  it('ensures BOOLEAN, NULL, OCTET STRING, IA5String and UTF8String read their content or refuse it', () => {
    expect(value([0x01, 0x01, 0x00], readBoolean)).toBe(false);
    expect(value([0x01, 0x01, 0x01], readBoolean)).toBe(true);
    expect(code(() => value([0x01, 0x02, 0, 0], readBoolean))).toBe('invalid_boolean');
    expect(value([0x05, 0x00], (_, t) => readNull(t))).toBeNull();
    expect(code(() => value([0x05, 0x01, 0x00], (_, t) => readNull(t)))).toBe('invalid_null');
    expect([...value([0x04, 0x02, 0xab, 0xcd], readOctets)]).toEqual([0xab, 0xcd]);
    expect(value([0x04, 0x02, 0xab, 0x0d], readHex)).toBe('ab0d');
    expect(value([0x16, 0x03, 0x61, 0x2e, 0x62], readIa5)).toBe('a.b');
    expect(code(() => value([0x16, 0x01, 0xe9], readIa5))).toBe('invalid_ia5');
    expect(value([0x0c, 0x03, 0x61, 0xc3, 0xa9], readUtf8)).toBe('aé');
    expect(code(() => value([0x0c, 0x01, 0xc3], readUtf8))).toBe('invalid_utf8');
  });
});

describe('BER writing', () => {
  it('ensures minimal identifiers and lengths that read back', () => {
    expect(identifier(2, true, 79)).toEqual([0xbf, 0x4f]);
    expect(identifier(2, false, 200)).toEqual([0x9f, 0x81, 0x48]);
    expect(identifier(0, false, 30)).toEqual([0x1e]);
    expect(identifier(0, false, 31)).toEqual([0x1f, 0x1f]);
    expect(lengthOctets(127)).toEqual([127]);
    expect(lengthOctets(128)).toEqual([0x81, 0x80]);
    expect(lengthOctets(70_000)).toEqual([0x83, 0x01, 0x11, 0x70]);
    for (const n of [0, 1, 127, 128, 255, 256, 65_535, 65_536]) {
      for (const tag of [0, 30, 31, 127, 128, 16_383, 16_384]) {
        const bytes = tlv(2, false, tag, new Uint8Array(n));
        const t = read(bytes);
        expect([t.tag, t.contentEnd - t.contentStart, t.end]).toEqual([tag, n, bytes.length]);
      }
    }
  });

  it('ensures INTEGER contents are minimal and read back', () => {
    expect([...unsignedContent(128, 'x')]).toEqual([0x00, 0x80]);
    expect([...unsignedContent(0, 'x')]).toEqual([0x00]);
    for (const v of [0, 1, 127, 128, 65_535, 2 ** 32, 2 ** 53 - 1, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]) {
      const bytes = [...tlv(2, false, 200, unsignedContent(v, 'x'))];
      expect(value(bytes, readUnsigned)).toEqual(v);
    }
    expect([...integerContent(-1, 'x')]).toEqual([0xff]);
    expect([...integerContent(-129, 'x')]).toEqual([0xff, 0x7f]);
    expect([...integerContent(128, 'x')]).toEqual([0x00, 0x80]);
    for (const v of [
      0,
      -1,
      127,
      -128,
      128,
      -129,
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      -(2n ** 63n),
      2n ** 63n - 1n,
    ]) {
      expect(value([...tlv(0, false, 2, integerContent(v, 'x'))], readInteger)).toEqual(v);
    }
    expect(() => unsignedContent(-1, 'x')).toThrow(/non-negative/);
    expect(() => integerContent(2n ** 63n, 'x')).toThrow(/64 bits/);
    expect(value([...tlv(0, false, 12, utf8Content('né'))], readUtf8)).toBe('né');
  });

  it('ensures unsigned contents are the same minimal octets for a number and its bigint', () => {
    /** Reference: big-endian hex of the value, with a zero octet in front when the top bit is set. */
    const reference = (v: bigint): number[] => {
      const hex = v.toString(16).padStart(2 * Math.ceil(v.toString(16).length / 2), '0');
      const octets = [...Buffer.from(hex, 'hex')];
      return ((octets[0] as number) & 0x80) !== 0 ? [0, ...octets] : octets;
    };
    const values = [
      0,
      1,
      0x7f,
      0x80,
      0xff,
      0x100,
      0x7fff,
      0x8000,
      0xffffffff,
      2 ** 32,
      2 ** 52 + 7,
      2 ** 53 - 1,
    ];
    for (let bit = 0; bit < 53; bit++) values.push(2 ** bit - 1, 2 ** bit);
    for (const v of values) {
      expect([...unsignedContent(v, 'x')]).toEqual(reference(BigInt(v)));
      expect([...unsignedContent(BigInt(v), 'x')]).toEqual(reference(BigInt(v)));
    }
  });

  it('ensures elements nested in one writer get the short or long lengths their content needs', () => {
    const w = new BerWriter(16); // grows as it goes
    const outer = w.begin(2, true, 20);
    const small = w.begin(2, false, 1);
    w.octets(new Uint8Array(5).fill(1));
    w.end(small);
    const big = w.begin(0, true, 16);
    for (let i = 0; i < 3; i++) w.element(2, 300, new Uint8Array(100).fill(i));
    w.end(big);
    w.end(outer);
    const bytes = w.take();
    // Built from the parts, each framed on its own.
    const inner = concat([0, 1, 2].map((i) => tlv(2, false, 300, new Uint8Array(100).fill(i))));
    const expected = tlv(
      2,
      true,
      20,
      concat([tlv(2, false, 1, new Uint8Array(5).fill(1)), tlv(0, true, 16, inner)]),
    );
    expect([...bytes]).toEqual([...expected]);
    // Both constructed elements need two length octets (0x82 …): 1 + 3 + [7 + (1 + 3 + 3 × 104)].
    expect(bytes.length).toBe(1 + 3 + 7 + 1 + 3 + 3 * 104);
    expect(w.take().length).toBe(0); // taken: the writer is empty again
  });
});
