/**
 * Ensures the encoders' shared output buffer writes network byte order with the wrap-around of
 * DataView, grows past its first size, and hands out plain Uint8Arrays that later writes never touch.
 */
import { describe, expect, it } from 'vitest';
import { allocOctets, ByteWriter, utf8Octets } from '../../../src/protocols/byte-writer.js';

describe('pooled octets', () => {
  it('ensures allocOctets and utf8Octets give plain Uint8Arrays of their own span, large ones zeroed', () => {
    const small = allocOctets(100);
    small.fill(7);
    const other = allocOctets(100);
    other.fill(9);
    expect(small.every((b) => b === 7)).toBe(true);
    const large = allocOctets(5000);
    expect(large.every((b) => b === 0)).toBe(true);
    const text = utf8Octets('né€');
    expect([...text]).toEqual([0x6e, 0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    for (const a of [small, large, text]) expect(Object.getPrototypeOf(a)).toBe(Uint8Array.prototype);
  });
});

describe('ByteWriter', () => {
  it('ensures u16, u32 and patch16 write big-endian values modulo 2^16 and 2^32 as DataView does', () => {
    const w = new ByteWriter(4);
    const values = [0, 1, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 2 ** 32 + 5, -1, 70_000.9];
    for (const v of values) {
      w.u16(v);
      w.u32(v);
    }
    w.patch16(0, 0xbeef);
    const got = w.take();
    const expected = new DataView(new ArrayBuffer(6 * values.length));
    values.forEach((v, i) => {
      expected.setUint16(6 * i, v);
      expected.setUint32(6 * i + 2, v);
    });
    expected.setUint16(0, 0xbeef);
    expect([...got]).toEqual([...new Uint8Array(expected.buffer)]);
  });

  it('ensures octets, zeros and floats land in order across growth, and take empties the writer', () => {
    const w = new ByteWriter(16);
    w.octet(7);
    w.zeros(3);
    w.octets(Uint8Array.from({ length: 40 }, (_, i) => i));
    w.float(1.5, 4);
    w.float(-2.25, 8);
    expect(w.length).toBe(56);
    const got = w.take();
    expect(got[0]).toBe(7);
    expect([...got.subarray(1, 4)]).toEqual([0, 0, 0]);
    expect(got[43]).toBe(39);
    const view = new DataView(got.buffer, got.byteOffset, got.length);
    expect(view.getFloat32(44)).toBe(1.5);
    expect(view.getFloat64(48)).toBe(-2.25);
    expect(w.length).toBe(0);
  });

  it('ensures what take hands out is a plain Uint8Array, small or large, that later writes leave alone', () => {
    const w = new ByteWriter(8);
    for (const size of [0, 10, 1024, 1025, 5000]) {
      w.octets(new Uint8Array(size).fill(0xaa));
      const out = w.take();
      w.octets(new Uint8Array(size + 10).fill(0x55));
      w.clear();
      expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
      expect(out.length).toBe(size);
      expect(out.every((b) => b === 0xaa)).toBe(true);
    }
  });
});
