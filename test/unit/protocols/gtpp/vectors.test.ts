/** Hand-built vectors from TS 32.295 / TS 29.060 layouts (test/vectors/gtpp/*.hex): decode to the expected values, re-encode byte for byte. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type GtppFrame } from '../../../../src/protocols/gtpp/index.js';

const DIR = join(import.meta.dirname, '../../../vectors/gtpp');

function readVector(name: string): Uint8Array {
  const text = readFileSync(join(DIR, `${name}.hex`), 'utf8');
  expect(text.startsWith('# provenance: '), `${name}.hex starts with a provenance line`).toBe(true);
  const hex = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const PGW = bytes('bf4f03800155');
const GGSN = bytes('b503800113');

const EXPECTED: Record<string, GtppFrame> = {
  'drt-request-send-v2': {
    version: 2,
    longHeader: false,
    sequence: 0x1234,
    unknownIes: 0,
    message: {
      type: 'data-record-transfer-request',
      command: 1,
      packet: { format: 1, formatVersion: { application: 1, release: 8, version: 8 }, records: [PGW] },
    },
  },
  'drt-request-send-v0-long': {
    version: 0,
    longHeader: true,
    sequence: 7,
    unknownIes: 0,
    message: {
      type: 'data-record-transfer-request',
      command: 1,
      packet: { format: 1, formatVersion: { application: 1, release: 7, version: 11 }, records: [PGW, GGSN] },
    },
  },
  'drt-request-possibly-duplicated-rel16-v1': {
    version: 1,
    longHeader: false,
    sequence: 0xfffe,
    unknownIes: 0,
    message: {
      type: 'data-record-transfer-request',
      command: 2,
      packet: { format: 1, formatVersion: { application: 1, release: 16, version: 1 }, records: [GGSN] },
    },
  },
  'drt-request-release-v2': {
    version: 2,
    longHeader: false,
    sequence: 9,
    unknownIes: 0,
    message: { type: 'data-record-transfer-request', command: 4, released: [5, 6] },
  },
  'drt-request-cancel-v2': {
    version: 2,
    longHeader: false,
    sequence: 10,
    unknownIes: 0,
    message: { type: 'data-record-transfer-request', command: 3, cancelled: [300] },
  },
  'drt-response-v2': {
    version: 2,
    longHeader: false,
    sequence: 0x1234,
    unknownIes: 0,
    message: { type: 'data-record-transfer-response', cause: 128, requestsResponded: [0x1234] },
  },
  'echo-request-v2': {
    version: 2,
    longHeader: false,
    sequence: 1,
    unknownIes: 0,
    message: { type: 'echo-request' },
  },
  'echo-response-v0-short': {
    version: 0,
    longHeader: false,
    sequence: 1,
    unknownIes: 0,
    message: { type: 'echo-response', recovery: 3 },
  },
  'node-alive-request-v2': {
    version: 2,
    longHeader: false,
    sequence: 42,
    unknownIes: 0,
    message: { type: 'node-alive-request', nodeAddress: '192.0.2.10', alternativeNodeAddress: '2001:db8::a' },
  },
  'redirection-request-v2': {
    version: 2,
    longHeader: false,
    sequence: 43,
    unknownIes: 0,
    message: {
      type: 'redirection-request',
      cause: 61,
      recommendedNode: '198.51.100.7',
      privateExtensions: [{ identifier: 10415, value: bytes('6f6b') }],
    },
  },
  'version-not-supported-v0': {
    version: 0,
    longHeader: false,
    sequence: 0x0102,
    unknownIes: 0,
    message: { type: 'version-not-supported' },
  },
};

describe("GTP' standard-layout vectors", () => {
  it('ensures every vector file has an expectation and every expectation a file', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.hex'))
      .map((f) => f.slice(0, -4))
      .sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`ensures ${name} decodes to the values its layout encodes`, () => {
      expect(decodeFrame(readVector(name))).toEqual(expected);
    });
  }

  for (const name of Object.keys(EXPECTED)) {
    // The cancel vector carries an empty Data Record Packet IE, which the decoder tolerates and drops.
    if (name === 'drt-request-cancel-v2') continue;
    it(`ensures ${name} re-encodes byte for byte`, () => {
      const buf = readVector(name);
      const { unknownIes: _ignored, ...frame } = decodeFrame(buf);
      expect(Buffer.from(encodeFrame(frame)).toString('hex')).toBe(Buffer.from(buf).toString('hex'));
    });
  }

  it('ensures the empty Data Record Packet IE of a Cancel is dropped and the rest re-encodes', () => {
    const buf = readVector('drt-request-cancel-v2');
    const { unknownIes: _ignored, ...frame } = decodeFrame(buf);
    // Without the 3-octet empty IE (fc 00 00) and with the length 3 smaller.
    expect(Buffer.from(encodeFrame(frame)).toString('hex')).toBe('4ef00007000a7e03fa0002012c');
  });

  it('ensures decoded records are views on the input, not copies', () => {
    const buf = readVector('drt-request-send-v2');
    const m = decodeFrame(buf).message;
    if (m.type !== 'data-record-transfer-request' || m.packet === undefined)
      throw new Error('expected a packet');
    const rec = m.packet.records[0] as Uint8Array;
    expect(rec.buffer).toBe(buf.buffer);
    expect(rec.byteOffset).toBe(buf.length - PGW.length);
  });
});
