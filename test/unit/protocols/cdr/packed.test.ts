/**
 * The packed form of a CDR's NAR (`packCdrNar`): for every CDR it writes exactly the attributes and
 * values of `decodeCdrToNar`'s NAR, so a batch of packed records reads back as the batch of the NAR
 * objects; it fails exactly as `decodeCdrToNar` does.
 */
import { describe, expect, it } from 'vitest';
import { BerBudget, CLASS_CONTEXT, readTlv, Tlv } from '../../../../src/protocols/ber/reader.js';
import { concat, tlv, unsignedContent } from '../../../../src/protocols/ber/writer.js';
import {
  CDR_NAR_ATTRIBUTES,
  decodeCdrToNar,
  encodeCdr,
  packCdrNar,
  type CdrRecord,
} from '../../../../src/protocols/cdr/index.js';
import { MAX_SHAPES, shapesKept } from '../../../../src/protocols/cdr/packed.js';
import type { DecodeError } from '../../../../src/protocols/errors.js';
import { sampleCdr } from '../../../../src/protocols/cdr/samples.js';
import { decodeBatch, encodeBatch } from '../../../../src/protocols/nar/batch.js';
import { MsgpackWriter } from '../../../../src/protocols/nar/msgpack-writer.js';
import type { Nar } from '../../../../src/protocols/nar/nar.js';
import { PackedNar } from '../../../../src/protocols/nar/packed-nar.js';
import {
  decodeFileRecord,
  decodeRecords,
  RecordFailure,
  type RecordResult,
} from '../../../../src/actors/nodes/ei/gtpp/records.js';
import { errorOf, fieldOf, records, vector, withFields } from './fixtures.js';

/** The CDR's packed NAR, or undefined when `packCdrNar` leaves it to `decodeCdrToNar`. */
function packed(bytes: Uint8Array, w = new MsgpackWriter(64)): PackedNar | undefined {
  const start = w.pos;
  const keys = packCdrNar(bytes, w);
  if (keys === undefined) {
    expect(w.pos, 'nothing written when left to decodeCdrToNar').toBe(start);
    return undefined;
  }
  return new PackedNar(keys, w.buf.slice(0, w.pos), start, w.pos);
}

/** Packed and object forms agree: same attributes and values, in a batch too. */
function expectSame(bytes: Uint8Array): Nar {
  const nar = decodeCdrToNar(bytes);
  const p = packed(bytes) as PackedNar;
  expect([...p.keys].sort()).toEqual(Object.keys(nar).sort());
  expect(p.toNar()).toEqual(nar);
  expect(decodeBatch(encodeBatch('gtpp.0', 1, [p, nar, p])).records).toEqual([nar, nar, nar]);
  return nar;
}

describe('packCdrNar', () => {
  it('ensures the NAR of every record type and address form, as decodeCdrToNar gives it', () => {
    for (let i = 0; i < 600; i++) expectSame(encodeCdr(sampleCdr(i)));
    for (const r of records) expectSame(encodeCdr(r));
    for (const v of [
      'ggsn-pdp-record.hex',
      'pgw-record-indefinite.hex',
      'sgsn-pdp-record.hex',
      'egsn-pdp-record.hex',
      'sgw-record.hex',
    ])
      expectSame(vector(v));
  });

  it('ensures the attribute names are those of cdrToNar, records of a kind sharing one key list', () => {
    const w = new MsgpackWriter(64);
    const seen = new Set<readonly string[]>();
    for (let i = 0; i < 60; i++) {
      const bytes = encodeCdr(sampleCdr(i));
      for (const k of Object.keys(decodeCdrToNar(bytes))) expect(CDR_NAR_ATTRIBUTES).toContain(k);
      seen.add(packCdrNar(bytes, w) as readonly string[]);
    }
    // Six kinds of sample (record type, IPv6, service data) give a handful of shapes, not sixty.
    expect(seen.size).toBeLessThan(12);
  });

  it('ensures edge forms: an IPv6 PDP address with its prefix, an X.121 one, an empty SGSN list, no volumes', () => {
    const base = sampleCdr(1);
    const v6 = expectSame(
      encodeCdr({ ...base, servedPDPAddress: '2001:db8:1::/56', ggsnAddress: '2001:db8::1' }),
    );
    expect(v6['servedPdpAddress']).toBe('2001:db8:1::');
    expect(v6['ggsnAddress']).toBe('2001:db8::1');
    const x121 = expectSame(encodeCdr({ ...sampleCdr(3), servedPDPAddress: '4930123' }));
    expect(x121['servedPdpAddress']).toBeUndefined();
    const noSgsn = expectSame(encodeCdr({ ...sampleCdr(2), sgsnAddress: [] }));
    expect(noSgsn['sgsnAddress']).toBeUndefined();
    const bare: CdrRecord = { recordType: 'pGWRecord', servedIMSI: '001010123456789', unknownFields: 0 };
    expect(expectSame(encodeCdr(bare))).toEqual({ recordType: 'pGWRecord', imsi: '001010123456789' });
    const ip = expectSame(encodeCdr({ ...base, ggsnAddress: '255.0.10.9' }));
    expect(ip['ggsnAddress']).toBe('255.0.10.9');
  });

  it('ensures records in ever new field orders do not grow the shape table past its bound', () => {
    // One record's fields (recordType first) shuffled: a SET may come in any order.
    const base = encodeCdr(sampleCdr(1));
    const t = new Tlv();
    const f = new Tlv();
    const budget = new BerBudget();
    readTlv(base, 0, base.length, t, 0, budget);
    const fields: Uint8Array[] = [];
    for (let p = t.contentStart; p < t.contentEnd; p = f.end) {
      readTlv(base, p, t.contentEnd, f, 1, budget);
      fields.push(base.slice(f.start, f.end));
    }
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed % n;
    };
    const w = new MsgpackWriter(64);
    const orders = new Set<string>();
    for (let i = 0; i < MAX_SHAPES * 2; i++) {
      const rest = fields.slice(1);
      for (let k = rest.length - 1; k > 0; k--) {
        const j = rnd(k + 1);
        [rest[k], rest[j]] = [rest[j] as Uint8Array, rest[k] as Uint8Array];
      }
      const bytes = tlv(CLASS_CONTEXT, true, t.tag, concat([fields[0] as Uint8Array, ...rest]));
      w.pos = 0;
      const keys = packCdrNar(bytes, w) as readonly string[];
      expect(new PackedNar(keys, w.buf, 0, w.pos).toNar()).toEqual(decodeCdrToNar(bytes));
      orders.add(keys.join(','));
    }
    expect(orders.size).toBeGreaterThan(MAX_SHAPES);
    expect(shapesKept()).toBe(MAX_SHAPES);
  });

  it('ensures a field given twice counts as the record does: the last one, a volume list replaced', () => {
    const a = encodeCdr(sampleCdr(0));
    const b = encodeCdr({ ...sampleCdr(0), chargingID: 5, duration: 9, listOfTrafficVolumes: [] });
    const c = encodeCdr({
      ...sampleCdr(0),
      listOfTrafficVolumes: [{ dataVolumeUplink: 7n, dataVolumeDownlink: 8n }],
    });
    // pGWRecord: chargingID [5], duration [14], listOfTrafficVolumes [12]. A scalar given twice is
    // left to decodeCdrToNar (the last value counts there).
    const twice = withFields(a, fieldOf(b, 5), fieldOf(b, 14));
    expect(packed(twice)).toBeUndefined();
    expect(decodeCdrToNar(twice)).toMatchObject({ chargingId: 5, duration: 9 });
    // An SGSN list given again, empty: the record has no SGSN address.
    const sgsnAgain = withFields(a, tlv(CLASS_CONTEXT, true, 6, new Uint8Array(0)));
    expect(packed(sgsnAgain)).toBeUndefined();
    expect(decodeCdrToNar(sgsnAgain)['sgsnAddress']).toBeUndefined();
    // A volume list given again replaces the first. sampleCdr(0) also has one service-data container.
    expect(expectSame(withFields(a, fieldOf(c, 12)))).toMatchObject({
      uplinkBytes: 7n,
      downlinkBytes: 8n,
      containers: 2,
    });
    // A container whose uplink is given twice: the last value counts.
    const up = (v: number): Uint8Array => tlv(CLASS_CONTEXT, false, 3, unsignedContent(v, 'up'));
    const container = tlv(0, true, 16, concat([up(1), up(40)]));
    const list = tlv(CLASS_CONTEXT, true, 12, container);
    expect(expectSame(withFields(a, list))).toMatchObject({
      uplinkBytes: 40n,
      downlinkBytes: 0n,
      containers: 2,
    });
    // Unknown fields are counted.
    const unknown = tlv(CLASS_CONTEXT, false, 250, Uint8Array.of(1));
    expect(expectSame(withFields(a, unknown, unknown))['unknownFields']).toBe(2);
  });

  it('ensures volume sums past 2^53 − 1 are left to decodeCdrToNar, with nothing written', () => {
    const big = encodeCdr({
      ...sampleCdr(0),
      listOfTrafficVolumes: [
        { dataVolumeUplink: 2n ** 52n, dataVolumeDownlink: 1n },
        { dataVolumeUplink: 2n ** 52n, dataVolumeDownlink: 1n },
      ],
    });
    const w = new MsgpackWriter(64);
    w.pos = 3;
    expect(packed(big, w)).toBeUndefined();
    expect(decodeCdrToNar(big)['uplinkBytes']).toBe(2n ** 53n);
    const huge = encodeCdr({
      ...sampleCdr(0),
      listOfTrafficVolumes: [{ dataVolumeUplink: 2n ** 60n, dataVolumeDownlink: 1n }],
    });
    expect(packed(huge)).toBeUndefined();
    const services = encodeCdr({
      ...sampleCdr(0),
      listOfTrafficVolumes: [],
      listOfServiceData: [{ datavolumeFBCUplink: 2n ** 53n, datavolumeFBCDownlink: 1n }],
    });
    expect(packed(services)).toBeUndefined();
    expect(decodeCdrToNar(services)['uplinkBytes']).toBe(2n ** 53n);
    // Just below: exact as a number.
    const edge = encodeCdr({
      ...sampleCdr(0),
      listOfTrafficVolumes: [{ dataVolumeUplink: 2n ** 53n - 1n, dataVolumeDownlink: 0n }],
    });
    expect(expectSame(edge)['uplinkBytes']).toBe(2n ** 53n - 1n);
  });

  it('ensures volumes summing past 64 bits are refused as volume_overflow, as the gateway quarantines them', () => {
    const max = 2n ** 64n - 1n;
    const over = encodeCdr({
      ...sampleCdr(0),
      listOfTrafficVolumes: [
        { dataVolumeUplink: max, dataVolumeDownlink: 1n },
        { dataVolumeUplink: 1n, dataVolumeDownlink: 1n },
      ],
    });
    expect(errorOf(() => decodeCdrToNar(over))?.code).toBe('volume_overflow');
    expect(packed(over)).toBeUndefined();
    const [result] = decodeRecords([over, encodeCdr(sampleCdr(1))], 1, [1]);
    expect(result).toBeInstanceOf(RecordFailure);
    expect((result as RecordFailure).code).toBe('volume_overflow');
    // One container at the limit is a volume still.
    const at = encodeCdr({
      ...sampleCdr(0),
      listOfTrafficVolumes: [{ dataVolumeUplink: max, dataVolumeDownlink: 1n }],
    });
    expect(decodeCdrToNar(at)['uplinkBytes']).toBe(max);
    expect(decodeBatch(encodeBatch('gtpp.0', 1, [decodeCdrToNar(at)])).records[0]?.['uplinkBytes']).toBe(max);
  });

  it('ensures a CDR that does not decode fails with the same error, and nothing is written', () => {
    const good = encodeCdr(sampleCdr(5));
    const w = new MsgpackWriter(64);
    for (let at = 0; at < good.length; at++) {
      for (const value of [0x00, 0x7f, 0xff]) {
        const bad = good.slice();
        bad[at] = value;
        const expected = errorOf(() => decodeCdrToNar(bad));
        const before = w.pos;
        const got = errorOf(() => packCdrNar(bad, w));
        if (expected === undefined) {
          expect(got).toBeUndefined();
          continue;
        }
        expect(got?.message).toBe(expected.message);
        expect(got?.context).toEqual(expected.context);
        expect(w.pos).toBe(before);
      }
    }
  });
  it('ensures TBCD digits and IA5 text, checked as they are written, pass and fail as decodeCdrToNar has them', () => {
    const bare: CdrRecord = {
      recordType: 'pGWRecord',
      servedIMSI: '001010123456789',
      accessPointNameNI: 'internet.mnc001.mcc262.gprs',
      unknownFields: 0,
    };
    const good = encodeCdr(bare);
    const imsiAt = Buffer.from(good).indexOf(Buffer.from([0x00, 0x01, 0x01, 0x21, 0x43, 0x65, 0x87, 0xf9]));
    const apnAt = Buffer.from(good).indexOf(Buffer.from('internet'));
    expect(imsiAt).toBeGreaterThan(0);
    expect(apnAt).toBeGreaterThan(0);
    const patched = (at: number, octet: number): Uint8Array => {
      const b = good.slice();
      b[at] = octet;
      return b;
    };
    const w = new MsgpackWriter(64);
    const failsAlike = (bad: Uint8Array, code: string): void => {
      const expected = errorOf(() => decodeCdrToNar(bad));
      expect(expected?.code).toBe(code);
      const before = w.pos;
      const got = errorOf(() => packCdrNar(bad, w));
      expect(got?.message).toBe(expected?.message);
      expect(got?.context).toEqual(expected?.context);
      expect(w.pos).toBe(before);
    };
    failsAlike(patched(imsiAt + 3, 0xa1), 'invalid_tbcd'); // a high nibble not a digit
    failsAlike(patched(imsiAt + 3, 0x1a), 'invalid_tbcd'); // a low nibble not a digit
    failsAlike(patched(imsiAt + 3, 0xf1), 'invalid_tbcd'); // the filler before the last octet
    failsAlike(patched(imsiAt + 7, 0x9f), 'invalid_tbcd'); // a filler in the low nibble
    failsAlike(patched(apnAt + 2, 0xe9), 'invalid_ia5');
    failsAlike(patched(apnAt, 0x80), 'invalid_ia5');
    expect(expectSame(good)['imsi']).toBe('001010123456789');
    expect(expectSame(patched(imsiAt + 7, 0x99))['imsi']).toBe('0010101234567899'); // no filler: 16 digits
    expect(expectSame(patched(apnAt, 0x7f))['apn']).toBe('\x7fnternet.mnc001.mcc262.gprs');
  });
});

describe('decodeRecords (the gateway: one request at a time)', () => {
  it('ensures every request keeps its NARs, however many requests share a slab and across new slabs, and a request too large for one has its own buffer', () => {
    const kept: Array<{ cdrs: Uint8Array[]; results: ReturnType<typeof decodeRecords> }> = [];
    // About 2,500 requests of 10 CDRs: a few megabytes of NARs, so several slabs of 256 KiB.
    for (let r = 0; r < 2500; r++) {
      const cdrs = Array.from({ length: 10 }, (_, i) => encodeCdr(sampleCdr(r * 10 + i)));
      kept.push({ cdrs, results: decodeRecords(cdrs, 1, [1]) });
    }
    // 400 CDRs in one request: more NAR bytes than a quarter slab.
    const big = Array.from({ length: 400 }, (_, i) => encodeCdr(sampleCdr(i)));
    kept.push({ cdrs: big, results: decodeRecords(big, 1, [1]) });
    const slabs = new Set<ArrayBufferLike>();
    for (const { cdrs, results } of kept) {
      results.forEach((r, i) => {
        expect(r).toBeInstanceOf(PackedNar);
        expect((r as PackedNar).toNar()).toEqual(decodeCdrToNar(cdrs[i] as Uint8Array));
      });
      slabs.add((results[0] as PackedNar).bytes.buffer);
    }
    expect(slabs.size).toBeGreaterThan(3);
    const own = kept[kept.length - 1]?.results[0] as PackedNar;
    expect(own.start).toBe(0);
    expect(own.bytes.length).toBe((kept[kept.length - 1]?.results[399] as PackedNar).end);
  });
});

describe('decodeFileRecord (the CDR file EI: one CDR at a time, with its file)', () => {
  const withFile = (nar: Nar, file: string, index: number): Nar => ({
    ...nar,
    cdrFile: file,
    cdrIndex: index,
  });

  it('ensures a CDR file record is the CDR NAR with cdrFile and cdrIndex, packed, and each keeps its bytes', () => {
    const kept: Array<{ bytes: Uint8Array; file: string; index: number; result: RecordResult }> = [];
    // 3,000 records: several slabs; indexes from 0 to past 2^27, every integer form.
    for (let i = 0; i < 3000; i++) {
      const bytes = encodeCdr(sampleCdr(i));
      const file = `GGSN01_${i % 7}.dat`;
      const index = i * 70_001;
      kept.push({ bytes, file, index, result: decodeFileRecord(bytes, file, index) });
    }
    for (const { bytes, file, index, result } of kept) {
      expect(result).toBeInstanceOf(PackedNar);
      const p = result as PackedNar;
      const nar = withFile(decodeCdrToNar(bytes), file, index);
      expect(p.toNar()).toEqual(nar);
      expect(p.keys.slice(-2)).toEqual(['cdrFile', 'cdrIndex']);
      expect(p.get('cdrIndex')).toBe(index);
      expect(decodeBatch(encodeBatch('cdrs.0', 1, [p])).records).toEqual([nar]);
    }
    // Records of one shape share one key list.
    const [a, b] = [0, 5].map((i) => decodeFileRecord(encodeCdr(sampleCdr(i)), 'f', i) as PackedNar);
    expect(a?.keys).toBe(b?.keys);
  });

  it('ensures a record packCdrNar leaves comes as the NAR object with the file attributes, and one that fails as decodeCdrToNar fails', () => {
    const a = encodeCdr(sampleCdr(0));
    const b = encodeCdr({ ...sampleCdr(0), chargingID: 5, duration: 9 });
    const twice = withFields(a, fieldOf(b, 5), fieldOf(b, 14));
    const left = decodeFileRecord(twice, 'f.dat', 3);
    expect(left).not.toBeInstanceOf(PackedNar);
    expect(left).toEqual(withFile(decodeCdrToNar(twice), 'f.dat', 3));
    const notACdr = Uint8Array.from([0x04, 0x02, 0xab, 0xcd]);
    const failed = decodeFileRecord(notACdr, 'f.dat', 4);
    expect(failed).toBeInstanceOf(RecordFailure);
    const expected = errorOf(() => decodeCdrToNar(notACdr)) as DecodeError;
    expect(failed).toEqual(new RecordFailure(expected.code, expected.message));
  });
});
