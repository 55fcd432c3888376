/**
 * Seeded property: any bytes either decode into a GTP' frame that re-encodes to a message decoding to
 * the same frame, or fail with DecodeError. The stream framer, fed the same bytes in random chunks,
 * returns whole messages that tile a prefix of the input, or fails with DecodeError.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/protocols/errors.js';
import {
  decodeFrame,
  encodeFrame,
  GtppStreamFramer,
  type GtppFrame,
} from '../../src/protocols/gtpp/index.js';
import { mutateBytes, nudgeOctet, type Edit } from '../helpers/fuzz-bytes.js';
import { prng } from '../helpers/narflow-process.js';
import { vectorsIn } from '../helpers/vectors.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = vectorsIn('gtpp');
  out.push(
    encodeFrame({
      version: 2,
      longHeader: false,
      sequence: 77,
      message: {
        type: 'data-record-transfer-request',
        command: 2,
        packet: {
          format: 1,
          formatVersion: { application: 1, release: 17, version: 2 },
          records: [Uint8Array.of(1, 2), Uint8Array.of()],
        },
        released: [1],
        cancelled: [2, 3],
        privateExtensions: [{ identifier: 10415, value: Uint8Array.of(9) }],
      },
    }),
  );
  return out;
}

/** Sets the GTP' header length to what follows the header, so the IE walk is reached. */
const fixLength: Edit = (b) => {
  const headerBytes = b.length >= 20 && ((b[0] as number) & 0xe1) === 0 ? 20 : 6;
  const len = Math.max(0, b.length - headerBytes);
  if (b.length >= 4) {
    b[2] = (len >> 8) & 0xff;
    b[3] = len & 0xff;
  }
};

const mutate = (rnd: () => number, input: Uint8Array): Uint8Array =>
  mutateBytes(rnd, input, [nudgeOctet, fixLength]);

function describeInput(input: Uint8Array): string {
  return `seed ${SEED} input ${Buffer.from(input).toString('hex')}`;
}

function checkDecode(input: Uint8Array): void {
  let frame: GtppFrame;
  try {
    frame = decodeFrame(input);
  } catch (err) {
    if (err instanceof DecodeError) return;
    throw new Error(`${describeInput(input)}: ${String(err)}`, { cause: err });
  }
  let again: GtppFrame;
  try {
    const { unknownIes: _u, ...rest } = frame;
    again = decodeFrame(encodeFrame(rest));
  } catch (err) {
    throw new Error(`${describeInput(input)}: decoded frame does not re-encode: ${String(err)}`, {
      cause: err,
    });
  }
  expect(again, describeInput(input)).toEqual({ ...frame, unknownIes: 0 });
}

function checkFramer(rnd: () => number, input: Uint8Array): void {
  const framer = new GtppStreamFramer();
  const out: Uint8Array[] = [];
  // A final empty push surfaces an error found after the last whole message of the last chunk.
  const chunks: Uint8Array[] = [];
  for (let pos = 0; pos < input.length;) {
    const size = 1 + Math.floor(rnd() * 12);
    chunks.push(input.subarray(pos, pos + size));
    pos += size;
  }
  chunks.push(new Uint8Array(0));
  for (const chunk of chunks) {
    try {
      out.push(...framer.push(chunk));
    } catch (err) {
      if (err instanceof DecodeError) return;
      throw new Error(`${describeInput(input)}: framer: ${String(err)}`, { cause: err });
    }
  }
  const joined = Buffer.concat(out);
  expect(joined.length + framer.buffered, describeInput(input)).toBe(input.length);
  expect(joined.equals(Buffer.from(input.subarray(0, joined.length))), describeInput(input)).toBe(true);
}

describe(`gtpp fuzz (seed ${SEED})`, () => {
  it('ensures mutated GTP frames either decode and round-trip or are DecodeErrors', () => {
    const rnd = prng(SEED);
    const base = seeds();
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(rnd, base[Math.floor(rnd() * base.length)] as Uint8Array);
      checkDecode(input);
      if (i % 4 === 0) checkFramer(rnd, input);
    }
  });

  it('ensures random bytes either decode and round-trip or are DecodeErrors, in frames and in the framer', () => {
    const rnd = prng(SEED + 1);
    for (let i = 0; i < 10_000; i++) {
      const input = Uint8Array.from({ length: Math.floor(rnd() * 48) }, () => Math.floor(rnd() * 256));
      // Half the time, a plausible first octet and a length that matches.
      if (rnd() < 0.5 && input.length >= 6) {
        input[0] = [0x0e, 0x0f, 0x2e, 0x4e][Math.floor(rnd() * 4)] as number;
        const headerBytes = input[0] === 0x0e ? 20 : 6;
        const len = Math.max(0, input.length - headerBytes);
        input[2] = len >> 8;
        input[3] = len & 0xff;
      }
      checkDecode(input);
      checkFramer(rnd, input);
    }
  });
});
