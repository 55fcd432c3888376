/** The GTP' TCP framer: any split of a stream, including one byte at a time, yields the same messages and leaves nothing behind. */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../src/protocols/errors.js';
import { decodeFrame, encodeFrame, GtppStreamFramer } from '../../../../src/protocols/gtpp/index.js';

const b = (...octets: number[]): Uint8Array => Uint8Array.from(octets);

const MESSAGES: Uint8Array[] = [
  encodeFrame({
    version: 2,
    longHeader: false,
    sequence: 1,
    message: {
      type: 'data-record-transfer-request',
      command: 1,
      packet: {
        format: 1,
        formatVersion: { application: 1, release: 8, version: 1 },
        records: [b(0xbf, 0x4f, 0x01, 0x00), b(1, 2, 3)],
      },
    },
  }),
  encodeFrame({ version: 0, longHeader: true, sequence: 2, message: { type: 'echo-request' } }),
  encodeFrame({ version: 0, longHeader: false, sequence: 3, message: { type: 'version-not-supported' } }),
  encodeFrame({
    version: 1,
    longHeader: false,
    sequence: 4,
    message: { type: 'data-record-transfer-response', cause: 128, requestsResponded: [1, 2] },
  }),
];
const STREAM = Uint8Array.from(MESSAGES.flatMap((m) => [...m]));
const hex = (list: Uint8Array[]): string[] => list.map((m) => Buffer.from(m).toString('hex'));

function feed(framer: GtppStreamFramer, chunks: Uint8Array[]): Uint8Array[] {
  return chunks.flatMap((c) => framer.push(c));
}

describe("GTP' stream framer", () => {
  it('ensures a whole stream in one chunk yields every message as a view on the chunk', () => {
    const framer = new GtppStreamFramer();
    const out = framer.push(STREAM);
    expect(hex(out)).toEqual(hex(MESSAGES));
    expect(out.every((m) => m.buffer === STREAM.buffer)).toBe(true);
    expect(framer.buffered).toBe(0);
  });

  it('ensures splitting the stream at every offset (and at every pair of offsets) yields the same messages', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      const framer = new GtppStreamFramer();
      expect(hex(feed(framer, [STREAM.subarray(0, i), STREAM.subarray(i)])), `split at ${i}`).toEqual(
        hex(MESSAGES),
      );
      expect(framer.buffered).toBe(0);
    }
    for (let i = 0; i <= STREAM.length; i += 3) {
      for (let j = i; j <= STREAM.length; j += 5) {
        const framer = new GtppStreamFramer();
        const out = feed(framer, [STREAM.subarray(0, i), STREAM.subarray(i, j), STREAM.subarray(j)]);
        expect(hex(out), `split at ${i} and ${j}`).toEqual(hex(MESSAGES));
        expect(framer.buffered).toBe(0);
      }
    }
  });

  it('ensures one byte at a time yields the same messages, each the moment its last byte arrives', () => {
    const framer = new GtppStreamFramer();
    const out: Uint8Array[] = [];
    const ends = new Set<number>();
    let end = 0;
    for (const m of MESSAGES) ends.add((end += m.length));
    let messageStart = 0;
    for (let i = 0; i < STREAM.length; i++) {
      const got = framer.push(STREAM.subarray(i, i + 1));
      expect(got.length, `byte ${i}`).toBe(ends.has(i + 1) ? 1 : 0);
      if (got.length > 0) messageStart = i + 1;
      expect(framer.buffered, `byte ${i}`).toBe(i + 1 - messageStart);
      out.push(...got);
    }
    expect(hex(out)).toEqual(hex(MESSAGES));
    expect(out.map((m) => decodeFrame(m).sequence)).toEqual([1, 2, 3, 4]);
  });

  it('ensures empty chunks change nothing', () => {
    const framer = new GtppStreamFramer();
    expect(framer.push(b())).toEqual([]);
    expect(framer.push(STREAM.subarray(0, 3))).toEqual([]);
    expect(framer.push(b())).toEqual([]);
    expect(framer.buffered).toBe(3);
  });

  it('ensures an impossible first octet throws version_not_supported at once, even alone', () => {
    const framer = new GtppStreamFramer();
    expect(() => framer.push(b(0x6e))).toThrow(DecodeError);
    const other = new GtppStreamFramer();
    other.push(STREAM.subarray(0, MESSAGES[0]?.length));
    try {
      other.push(b(0x30));
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).code).toBe('version_not_supported');
      expect((err as DecodeError).offset).toBe(MESSAGES[0]?.length);
    }
  });

  it('ensures a header announcing more than maxMessageBytes throws message_too_large, even when split', () => {
    const big = b(0x4e, 240, 0x10, 0x00, 0, 1);
    expect(() => new GtppStreamFramer({ maxMessageBytes: 1000 }).push(big)).toThrow(/message_too_large/);
    const split = new GtppStreamFramer({ maxMessageBytes: 1000 });
    expect(split.push(big.subarray(0, 4))).toEqual([]);
    expect(() => split.push(big.subarray(4))).toThrow(/message_too_large/);
  });

  it('ensures messages before a bad header are still returned, and the next push throws', () => {
    const framer = new GtppStreamFramer();
    const chunk = Uint8Array.from([...(MESSAGES[1] as Uint8Array), 0xff, 0, 0]);
    expect(hex(framer.push(chunk))).toEqual(hex([MESSAGES[1] as Uint8Array]));
    expect(framer.buffered).toBe(0);
    expect(() => framer.push(STREAM)).toThrow(/version_not_supported/);
  });
});
