/**
 * Seeded property for the BER and CDR decoders: mutated CDRs of every record type and random bytes
 * either decode to a record that re-encodes to the same record, or raise a DecodeError. Anything else
 * (TypeError, RangeError, a hang) fails with the seed and the input. `decodeCdrToNar` (fields the NAR
 * does not carry checked, not kept) has exactly the same outcome: the same NAR, or the same error; so
 * has `packCdrNar` (the NAR written as MessagePack), read back from a batch.
 */
import { describe, expect, it } from 'vitest';
import {
  cdrToNar,
  decodeCdr,
  decodeCdrToNar,
  encodeCdr,
  packCdrNar,
  type CdrRecord,
} from '../../src/protocols/cdr/index.js';
import { DecodeError } from '../../src/protocols/errors.js';
import { decodeBatch, encodeBatch } from '../../src/protocols/nar/batch.js';
import { MsgpackWriter } from '../../src/protocols/nar/msgpack-writer.js';
import type { Nar } from '../../src/protocols/nar/nar.js';
import { PackedNar } from '../../src/protocols/nar/packed-nar.js';
import { prng } from '../helpers/narflow-process.js';
import { vector as vectorFile } from '../helpers/vectors.js';

const vector = (name: string): Uint8Array => vectorFile(`cdr/${name}`);

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

const seeds: Uint8Array[] = [
  vector('ggsn-pdp-record.hex'),
  vector('pgw-record-indefinite.hex'),
  vector('sgsn-pdp-record.hex'),
  vector('egsn-pdp-record.hex'),
  vector('sgw-record.hex'),
  ...(['sgsnPDPRecord', 'ggsnPDPRecord', 'egsnPDPRecord', 'sGWRecord', 'pGWRecord'] as const).map(
    (recordType) =>
      encodeCdr({
        recordType,
        servedIMSI: '26201123456789',
        chargingID: 77,
        ggsnAddress: '10.0.0.1',
        sgsnAddress: ['10.0.0.2'],
        servedPDPAddress: recordType === 'sgsnPDPRecord' ? '4930123' : '2001:db8::/60',
        diagnostics: '800124',
        recordOpeningTime: '2026-12-04T10:00:00+01:00',
        duration: 5,
        causeForRecClosing: 0,
        listOfTrafficVolumes: [
          {
            dataVolumeUplink: 1n,
            dataVolumeDownlink: 2n,
            changeCondition: 0,
            changeTime: '2026-12-04T10:00:05+01:00',
          },
        ],
        unknownFields: 0,
      }),
  ),
];

function outcome(run: () => unknown): { nar: unknown } | { error: string } {
  try {
    return { nar: run() };
  } catch (err) {
    return { error: err instanceof DecodeError ? `${err.code}: ${err.message}` : String(err) };
  }
}

const writer = new MsgpackWriter(256);

/** `packCdrNar`'s NAR (`decodeCdrToNar`'s when it leaves the record to it), and read from a batch. */
function packedNar(input: Uint8Array): { nar: Nar; batched: Nar } {
  writer.pos = 0;
  const keys = packCdrNar(input, writer);
  const record = keys === undefined ? decodeCdrToNar(input) : new PackedNar(keys, writer.buf, 0, writer.pos);
  return {
    nar: record instanceof PackedNar ? record.toNar() : record,
    batched: decodeBatch(encodeBatch('fuzz', 1, [record])).records[0] as Nar,
  };
}

function mutate(rnd: () => number, base: Uint8Array): Uint8Array {
  const b = Array.from(base);
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * b.length);
    const op = rnd();
    if (op < 0.5) b[at] = Math.floor(rnd() * 256);
    else if (op < 0.7) b.splice(at, 1);
    else if (op < 0.85) b.splice(at, 0, Math.floor(rnd() * 256));
    else b.length = at;
  }
  return Uint8Array.from(b);
}

describe(`cdr fuzz (seed ${SEED})`, () => {
  it('ensures mutated and random inputs decode consistently or raise DecodeError', () => {
    const rnd = prng(SEED);
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      const input =
        i % 10 === 0
          ? Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256))
          : mutate(rnd, seeds[i % seeds.length] as Uint8Array);
      let r: CdrRecord;
      const lean = outcome(() => decodeCdrToNar(input));
      const packed = outcome(() => packedNar(input));
      const where = `seed ${SEED} input ${Buffer.from(input).toString('hex')}`;
      if ('error' in lean) expect(packed, where).toEqual(lean);
      else {
        if ('error' in packed) expect(packed, where).toEqual(lean);
        const { nar, batched } = (packed as { nar: { nar: Nar; batched: Nar } }).nar;
        expect(Object.keys(nar).sort(), where).toEqual(Object.keys(lean.nar as Nar).sort());
        expect(nar, where).toEqual(lean.nar);
        expect(batched, where).toEqual(lean.nar);
      }
      try {
        r = decodeCdr(input);
      } catch (err) {
        if (err instanceof DecodeError) {
          expect(lean, `seed ${SEED} input ${Buffer.from(input).toString('hex')}`).toEqual({
            error: `${err.code}: ${err.message}`,
          });
          continue;
        }
        throw new Error(`seed ${SEED} input ${Buffer.from(input).toString('hex')}: ${String(err)}`, {
          cause: err,
        });
      }
      decoded++;
      expect(lean, `seed ${SEED} input ${Buffer.from(input).toString('hex')}`).toEqual(
        outcome(() => cdrToNar(r)),
      );
      let again: CdrRecord;
      try {
        again = decodeCdr(encodeCdr(r));
      } catch (err) {
        throw new Error(
          `seed ${SEED} input ${Buffer.from(input).toString('hex')}: re-encoding failed: ${String(err)}`,
          { cause: err },
        );
      }
      expect(again, `seed ${SEED} input ${Buffer.from(input).toString('hex')}`).toEqual({
        ...r,
        unknownFields: 0,
      });
    }
    expect(decoded).toBeGreaterThan(100);
  });
});
