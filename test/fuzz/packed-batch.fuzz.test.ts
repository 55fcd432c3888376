/**
 * Seeded property: a mutated batch is either declined by `readPackedBatch` (undefined; never a
 * throw), or read, and then the CSV rows written from it are the rows the object path writes for the
 * same bytes; a batch the object path cannot decode is never read.
 */
import { describe, expect, it } from 'vitest';
import { fileOiSettings, resolveFileOi } from '../../src/actors/nodes/oi/file-oi-settings.js';
import { rowFormat } from '../../src/actors/nodes/oi/row-format.js';
import { encodeCdr } from '../../src/protocols/cdr/encode.js';
import { packCdrNar } from '../../src/protocols/cdr/packed.js';
import { sampleCdr } from '../../src/protocols/cdr/samples.js';
import { decodeBatch, encodeBatch } from '../../src/protocols/nar/batch.js';
import { MsgpackWriter } from '../../src/protocols/nar/msgpack-writer.js';
import { readPackedBatch } from '../../src/protocols/nar/packed-batch.js';
import { PackedNar, type NarRecord } from '../../src/protocols/nar/packed-nar.js';
import { recorded, recordingContext } from '../helpers/handler-context.js';
import { mutateBytes, nudgeOctet } from '../helpers/fuzz-bytes.js';
import { prng } from '../helpers/narflow-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const COLUMNS = ['recordType', 'imsi', 'chargingId', 'apn', 'uplinkBytes', 'a', 'b', 'c'];

function packedCdr(i: number): PackedNar {
  const w = new MsgpackWriter();
  const keys = packCdrNar(encodeCdr(sampleCdr(i)), w) as readonly string[];
  return new PackedNar(keys, w.buf.slice(0, w.pos), 0, w.pos);
}

describe(`packed batch fuzz (seed ${SEED})`, () => {
  it('ensures mutated batches are declined or give the rows the object path gives, and nothing else', () => {
    const rnd = prng(SEED);
    const format = rowFormat(
      resolveFileOi(
        fileOiSettings.parse({ dir: '/unused', rules: COLUMNS.map((attribute) => ({ attribute })) }),
      ),
    );
    const ctx = recordingContext(recorded(), 1);
    const seeds: Uint8Array[] = [];
    for (let i = 0; i < 8; i++) {
      const records: NarRecord[] = [
        packedCdr(i),
        { a: 'x,y', b: 70000, c: null, imsi: '001' },
        packedCdr(i + 8),
        { a: 'é', b: -5n, c: true },
        { a: 1.5, b: 'plain', c: 2n ** 60n },
      ];
      seeds.push(encodeBatch('gtpp.0', i, records));
    }
    let read = 0;
    for (let n = 0; n < 20_000; n++) {
      const input = mutateBytes(rnd, seeds[n % seeds.length] as Uint8Array, [nudgeOctet]);
      const hex = Buffer.from(input).toString('hex');
      let batch;
      try {
        batch = readPackedBatch(input);
      } catch (err) {
        throw new Error(`seed ${SEED} input ${hex}: readPackedBatch threw ${String(err)}`, { cause: err });
      }
      if (batch === undefined || format.packedRows === undefined) continue;
      read++;
      let objects: string;
      try {
        objects = format.rows(decodeBatch(input).records, ctx).text;
      } catch (err) {
        throw new Error(`seed ${SEED} input ${hex}: read packed, but the object path fails: ${String(err)}`, {
          cause: err,
        });
      }
      expect(Buffer.from(format.packedRows(batch)).toString('utf8'), `seed ${SEED} input ${hex}`).toBe(
        objects,
      );
    }
    // Most single edits inside a value keep the batch readable: the comparison above ran.
    expect(read).toBeGreaterThan(1000);
  });
});
