/** BER (X.690) reading and writing: length forms, high tag numbers, indefinite lengths, limits. */
import { describe, expect, it } from 'vitest';
import {
  BerBudget,
  DEFAULT_BER_LIMITS,
  readBigint,
  readNumber,
  readTlv,
  readUnsigned,
  Tlv,
} from '../../../../src/protocols/ber/reader.js';
import { identifier, lengthOctets, tlv, unsignedContent } from '../../../../src/protocols/ber/writer.js';
import { DecodeError } from '../../../../src/protocols/errors.js';

function read(bytes: number[], depth = 0, limits = DEFAULT_BER_LIMITS): Tlv {
  const t = new Tlv();
  readTlv(Uint8Array.from(bytes), 0, bytes.length, t, depth, new BerBudget(limits));
  return t;
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof DecodeError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('BER reading', () => {
  it('ensures short, long and indefinite lengths and high tag numbers are read as X.690 says', () => {
    expect(read([0x85, 0x01, 0x07])).toMatchObject({
      cls: 2,
      constructed: false,
      tag: 5,
      contentStart: 2,
      contentEnd: 3,
      end: 3,
    });
    const long = [0x04, 0x82, 0x01, 0x00, ...new Array<number>(256).fill(1)];
    expect(read(long)).toMatchObject({ tag: 4, contentStart: 4, contentEnd: 260 });
    expect(read([0xbf, 0x4f, 0x00])).toMatchObject({ cls: 2, constructed: true, tag: 79 });
    expect(read([0x9f, 0x81, 0x00, 0x00])).toMatchObject({ tag: 128 });
    expect(read([0xa1, 0x80, 0x80, 0x01, 0x05, 0xa2, 0x80, 0x00, 0x00, 0x00, 0x00])).toMatchObject({
      indefinite: true,
      contentStart: 2,
      contentEnd: 9,
      end: 11,
    });
  });

  it('ensures every malformed header is a DecodeError with its own code, found before anything is allocated', () => {
    expect(code(() => read([]))).toBe('truncated');
    expect(code(() => read([0x04]))).toBe('truncated');
    expect(code(() => read([0x04, 0x05, 0x01]))).toBe('length_exceeds_frame');
    expect(code(() => read([0x04, 0x84, 0x7f, 0xff, 0xff, 0xff]))).toBe('length_exceeds_frame');
    expect(code(() => read([0x04, 0x85, 0, 0, 0, 0, 1]))).toBe('length_too_long');
    expect(code(() => read([0x04, 0xff]))).toBe('reserved_length');
    expect(code(() => read([0x04, 0x80, 0x00, 0x00]))).toBe('indefinite_primitive');
    expect(code(() => read([0x30, 0x80, 0x04, 0x00]))).toBe('truncated');
    expect(code(() => read([0x9f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00]))).toBe('tag_too_large');
    expect(code(() => read([0x30, 0x00], 33))).toBe('depth_limit');
    expect(code(() => read([0x30, 0x00], 0, { maxDepth: 4, maxElements: 0 }))).toBe('element_limit');
  });

  it('ensures INTEGERs come out as numbers while they fit, bigint past 2^53, and negative or empty ones are refused', () => {
    const n = (bytes: number[]): number | bigint => readUnsigned(Uint8Array.from(bytes), read(bytes));
    expect(n([0x02, 0x01, 0x00])).toBe(0);
    expect(n([0x02, 0x02, 0x00, 0xff])).toBe(255);
    expect(n([0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff])).toBe(4_294_967_295);
    expect(n([0x02, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).toBe(2n ** 64n - 1n);
    expect(code(() => n([0x02, 0x00]))).toBe('empty_integer');
    expect(code(() => n([0x02, 0x01, 0xff]))).toBe('negative_integer');
    expect(code(() => n([0x02, 0x0a, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe('integer_too_large');
    const big = [0x02, 0x08, 0x01, 0, 0, 0, 0, 0, 0, 0];
    expect(readBigint(Uint8Array.from(big), read(big))).toBe(2n ** 56n);
    expect(code(() => readNumber(Uint8Array.from(big), read(big)))).toBe('integer_too_large');
  });
});

describe('BER writing', () => {
  it('ensures minimal identifiers, lengths and INTEGER contents that read back', () => {
    expect(identifier(2, true, 79)).toEqual([0xbf, 0x4f]);
    expect(identifier(2, false, 200)).toEqual([0x9f, 0x81, 0x48]);
    expect(lengthOctets(127)).toEqual([127]);
    expect(lengthOctets(128)).toEqual([0x81, 0x80]);
    expect(lengthOctets(70_000)).toEqual([0x83, 0x01, 0x11, 0x70]);
    expect([...unsignedContent(128, 'x')]).toEqual([0x00, 0x80]);
    expect([...unsignedContent(0, 'x')]).toEqual([0x00]);
    for (const v of [0, 1, 127, 128, 65_535, 2 ** 32, 2 ** 53 - 1, 2n ** 63n]) {
      const bytes = [...tlv(2, false, 200, unsignedContent(v, 'x'))];
      const t = read(bytes);
      expect([t.tag, readUnsigned(Uint8Array.from(bytes), t)]).toEqual([200, v]);
    }
  });
});
