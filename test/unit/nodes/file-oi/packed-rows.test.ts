/**
 * The file OI's CSV rows written from a packed batch (`packedRows`) are the text `rows` gives for the
 * decoded NARs, byte for byte: every value type at every encoding boundary, strings that need quotes
 * or are not ASCII, missing attributes, other delimiters, and random records (seeded).
 */
import { describe, expect, it } from 'vitest';
import { fileOiSettings, resolveFileOi } from '../../../../src/actors/nodes/oi/file-oi-settings.js';
import { rowFormat, type RowFormat } from '../../../../src/actors/nodes/oi/row-format.js';
import { PackedCsvRows } from '../../../../src/protocols/csv/packed-rows.js';
import { decodeBatch, encodeBatch } from '../../../../src/protocols/nar/batch.js';
import type { AttributeValue, Nar } from '../../../../src/protocols/nar/nar.js';
import { readPackedBatch } from '../../../../src/protocols/nar/packed-batch.js';
import { recorded, recordingContext } from '../../../helpers/handler-context.js';
import { prng } from '../../../helpers/narflow-process.js';
import { BOUNDARY_INTEGERS, RANDOM_NAR_NAMES, randomNarBatch } from '../../../helpers/random-nars.js';

const ctx = recordingContext(recorded(), 1);

function csv(attributes: readonly string[], delimiter = ','): RowFormat {
  return rowFormat(
    resolveFileOi(
      fileOiSettings.parse({
        dir: '/unused',
        delimiter,
        rules: attributes.map((attribute) => ({ attribute })),
      }),
    ),
  );
}

/** The text of both ways, for records packed into one batch. */
function both(format: RowFormat, records: readonly Nar[]): { objects: string; packed: string } {
  const bytes = encodeBatch('p', 1, records);
  const batch = readPackedBatch(bytes);
  if (batch === undefined || format.packedRows === undefined) throw new Error('no packed rows');
  return {
    objects: format.rows(decodeBatch(bytes).records, ctx).text,
    packed: Buffer.from(format.packedRows(batch)).toString('utf8'),
  };
}

function expectSame(format: RowFormat, records: readonly Nar[]): string {
  const { objects, packed } = both(format, records);
  expect(packed).toBe(objects);
  return packed;
}

const BIGINTS = [
  0n,
  7n,
  -7n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  -(2n ** 53n) + 1n,
  -(2n ** 53n),
  -(2n ** 53n) - 1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 63n,
  2n ** 64n - 1n,
];

describe('file-oi CSV rows from packed batches', () => {
  it('ensures integers at every encoding boundary, and bigints below, at and past 2^53 and up to 2^64, are the same text', () => {
    const f = csv(['v']);
    expect(
      expectSame(
        f,
        [...BOUNDARY_INTEGERS, ...BIGINTS].map((v) => ({ v })),
      ),
    ).toContain('18446744073709551615\n');
  });

  it('ensures floats, -0, NaN, infinities, booleans, null and missing attributes are the same text', () => {
    const f = csv(['a', 'b', 'missing']);
    const values: AttributeValue[] = [
      0.5,
      -1.25,
      -0,
      Number.NaN,
      Infinity,
      -Infinity,
      1e21,
      1e-7,
      true,
      false,
      null,
    ];
    expect(
      expectSame(
        f,
        values.map((a, i) => ({ a, b: values[values.length - 1 - i] as AttributeValue })),
      ),
    ).toContain('1e+21,');
  });

  it('ensures strings that need quotes, are not ASCII, hold lone surrogates or are long are the same text', () => {
    const strings = [
      '',
      'plain',
      'a,b',
      'say "hi"',
      'line\nbreak',
      'cr\rhere',
      'semi;colon',
      'tab\there',
      'é',
      '€ and 😀',
      'lone \ud800 surrogate',
      'x'.repeat(31),
      'x'.repeat(32),
      'y'.repeat(256),
      'z'.repeat(65536),
      '"'.repeat(40),
    ];
    for (const delimiter of [',', ';', '\t', '|']) {
      const f = csv(['s', 'n'], delimiter);
      expectSame(
        f,
        strings.map((s, n) => ({ s, n })),
      );
    }
  });

  it('ensures records of several shapes, with the columns in any order and some absent, are the same text', () => {
    const f = csv(['imsi', 'up', 'apn', 'zone']);
    expectSame(f, [
      { imsi: '001', up: 1n, apn: 'internet' },
      { apn: 'ims', imsi: '002' },
      { zone: 'z', other: 'not a column', imsi: '003', up: 300 },
      {},
      { imsi: '001', up: 2n, apn: 'internet' },
    ]);
  });

  it('ensures a delimiter wider than one byte is not offered the packed path (rows take the object path)', () => {
    expect(csv(['a'], '§').packedRows).toBeUndefined();
    expect(() => new PackedCsvRows(['a'], '§')).toThrow(/ASCII/);
  });

  it('ensures random flat records in random shapes give the same text either way (seeded)', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    for (let round = 0; round < 200; round++) {
      const columns = RANDOM_NAR_NAMES.filter(() => random() < 0.7);
      const f = csv(columns, [',', ';', '\t'][Math.floor(random() * 3)]);
      const { objects, packed } = both(f, randomNarBatch(random, 60));
      expect(packed, `seed ${seed} round ${round}`).toBe(objects);
    }
  });
});
