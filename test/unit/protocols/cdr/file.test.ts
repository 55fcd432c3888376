import { describe, expect, it } from 'vitest';
import { decodeCdr } from '../../../../src/protocols/cdr/index.js';
import {
  cdrSpan,
  decodeCdrAt,
  decodeCdrFile,
  decodeCdrFileHeader,
  encodeCdrFile,
  iterateCdrFile,
  releaseNumber,
  type CdrFileHeaderInput,
  type CdrHeader,
} from '../../../../src/protocols/cdr/file.js';
import { EncodeError } from '../../../../src/protocols/errors.js';
import { vector as vectorFile } from '../../../helpers/vectors.js';
import { codeOf, errorOf, vector } from './fixtures.js';

const FILE = vectorFile('cdr-file/two-cdrs-rel15.hex');
const G_CDR = vector('ggsn-pdp-record.hex');
const SGW_CDR = vector('sgw-record.hex');

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

const BER_PS: CdrHeader = { releaseIdentifier: 5, versionIdentifier: 3, dataRecordFormat: 1, tsNumber: 7 };

function header(over: Partial<CdrFileHeaderInput> = {}): CdrFileHeaderInput {
  return {
    highRelease: { releaseIdentifier: 5, versionIdentifier: 3 },
    lowRelease: { releaseIdentifier: 5, versionIdentifier: 3 },
    openingTime: { month: 12, day: 31, hour: 23, minute: 59, utcOffset: '-11:45' },
    lastCdrAppendTime: null,
    numberOfCdrs: undefined,
    fileSequenceNumber: 7,
    closureTriggerReason: 0,
    nodeAddress: hex(`ffffffff${'00'.repeat(10)}ffff0a000001`),
    lostCdrIndicator: 0,
    routingFilter: new Uint8Array(0),
    privateExtension: new Uint8Array(0),
    ...over,
  };
}

/** A copy of `bytes` with the octets at `at` replaced. */
function patched(bytes: Uint8Array, at: number, octets: number[]): Uint8Array {
  const out = bytes.slice();
  out.set(octets, at);
  return out;
}

describe('TS 32.297 CDR file vector', () => {
  it('ensures the hand-built file decodes to every header field and its two CDRs', () => {
    const { header: h, cdrs } = decodeCdrFile(FILE);
    expect({ ...h, nodeAddress: undefined, routingFilter: undefined, privateExtension: undefined }).toEqual({
      fileLength: 365,
      headerLength: 58,
      highRelease: { releaseIdentifier: 7, versionIdentifier: 2, releaseIdentifierExtension: 5 },
      lowRelease: { releaseIdentifier: 5, versionIdentifier: 3 },
      openingTime: { month: 3, day: 14, hour: 9, minute: 26, utcOffset: '+01:00' },
      lastCdrAppendTime: { month: 3, day: 14, hour: 10, minute: 5, utcOffset: '-03:30' },
      numberOfCdrs: 2,
      fileSequenceNumber: 42,
      closureTriggerReason: 2,
      lostCdrIndicator: 0,
      nodeAddress: undefined,
      routingFilter: undefined,
      privateExtension: undefined,
    });
    expect(Buffer.from(h.nodeAddress).toString('hex')).toBe('ffffffff00000000000000000000ffffc000020a');
    expect(Buffer.from(h.routingFilter).toString()).toBe('PGW');
    expect(Buffer.from(h.privateExtension ?? []).toString('hex')).toBe('beef');
    expect(releaseNumber(h.highRelease)).toBe(15);
    expect(releaseNumber(h.lowRelease)).toBe(8);
    expect(cdrs.map((c) => c.header)).toEqual([
      BER_PS,
      {
        releaseIdentifier: 7,
        versionIdentifier: 2,
        releaseIdentifierExtension: 5,
        dataRecordFormat: 1,
        tsNumber: 7,
      },
    ]);
    expect(cdrs.map((c) => c.offset)).toEqual([58, 58 + 4 + 115]);
    expect(cdrs[0]?.bytes).toEqual(G_CDR);
    expect(cdrs[1]?.bytes).toEqual(SGW_CDR);
    expect(decodeCdr(cdrs[1]?.bytes ?? new Uint8Array()).recordType).toBe('sGWRecord');
  });

  it('ensures decode then encode gives the vector byte for byte', () => {
    const { header: h, cdrs } = decodeCdrFile(FILE);
    expect(encodeCdrFile(h, cdrs)).toEqual(FILE);
    const { fileLength: _f, headerLength: _h, numberOfCdrs: _n, ...rest } = h;
    expect(encodeCdrFile(rest, cdrs)).toEqual(FILE);
  });

  it('ensures CDR bytes are views of the input, not copies', () => {
    const { cdrs } = decodeCdrFile(FILE);
    expect(cdrs[0]?.bytes.buffer).toBe(FILE.buffer);
  });

  it('ensures iterateCdrFile yields the same CDRs one at a time and returns their count', () => {
    const it = iterateCdrFile(FILE);
    const first = it.next();
    expect(first.done).toBe(false);
    expect(first.value).toEqual(decodeCdrFile(FILE).cdrs[0]);
    expect(it.next().done).toBe(false);
    expect(it.next()).toEqual({ done: true, value: 2 });
  });

  it('ensures reading the CDRs through a window split at every offset finds the same CDRs', () => {
    const all = decodeCdrFile(FILE).cdrs.map((c) => [c.offset, c.header, c.bytes]);
    for (let size = 5; size <= FILE.length; size++) {
      const found: unknown[] = [];
      let at = 58;
      while (at < FILE.length) {
        const win = FILE.subarray(at, Math.min(at + size, FILE.length));
        let o = 0;
        for (
          let span = cdrSpan(win, o);
          span !== undefined && o + span <= win.length;
          span = cdrSpan(win, o)
        ) {
          const e = decodeCdrAt(win, o, at);
          found.push([at + o, e.header, e.bytes]);
          o += span;
        }
        if (o === 0) break; // the window is smaller than the CDR: a larger window is needed
        at += o;
      }
      if (size >= 4 + 183 + 1) expect(found, `window ${size}`).toEqual(all);
      else expect(found.length, `window ${size}`).toBeLessThan(2);
    }
  });
});

describe('TS 32.297 CDR file encoding', () => {
  it('ensures files with and without CDRs round-trip, with every optional field shape', () => {
    const cases: Array<[CdrFileHeaderInput, { header: CdrHeader; bytes: Uint8Array }[]]> = [
      [header(), []],
      [header({ privateExtension: null }), [{ header: BER_PS, bytes: G_CDR }]],
      [
        header({
          highRelease: { releaseIdentifier: 7, versionIdentifier: 31, releaseIdentifierExtension: 8 },
          lowRelease: { releaseIdentifier: 7, versionIdentifier: 0, releaseIdentifierExtension: 0 },
          privateExtension: null,
          routingFilter: hex('0102'),
          lastCdrAppendTime: { month: 1, day: 1, hour: 0, minute: 0, utcOffset: '-00:00' },
          lostCdrIndicator: 0x85,
          closureTriggerReason: 131,
        }),
        [
          { header: { ...BER_PS, releaseIdentifier: 7, releaseIdentifierExtension: 8 }, bytes: SGW_CDR },
          { header: { ...BER_PS, dataRecordFormat: 4, tsNumber: 31 }, bytes: new Uint8Array(0) },
        ],
      ],
    ];
    for (const [h, cdrs] of cases) {
      const bytes = encodeCdrFile(h, cdrs);
      const back = decodeCdrFile(bytes);
      expect(back.header).toMatchObject({ ...h, numberOfCdrs: cdrs.length, fileLength: bytes.length });
      expect(back.cdrs.map((c) => ({ header: c.header, bytes: c.bytes }))).toEqual(cdrs);
      expect(encodeCdrFile(back.header, back.cdrs)).toEqual(bytes);
    }
  });

  it('ensures a header without the private-extension length is read and written that way', () => {
    // Rel-18 writer style: both identifiers 7, the two extensions right after the routeing filter.
    const h = header({
      highRelease: { releaseIdentifier: 7, versionIdentifier: 2, releaseIdentifierExtension: 8 },
      lowRelease: { releaseIdentifier: 7, versionIdentifier: 2, releaseIdentifierExtension: 8 },
      privateExtension: null,
    });
    const bytes = encodeCdrFile(h, []);
    expect(bytes.length).toBe(52);
    expect(Buffer.from(bytes.subarray(48)).toString('hex')).toBe('00000808');
    expect(decodeCdrFileHeader(bytes).privateExtension).toBeNull();
  });

  it('ensures invalid header and CDR values are EncodeErrors naming the field', () => {
    const enc = (h: CdrFileHeaderInput, cdrs: { header: CdrHeader; bytes: Uint8Array }[] = []): string => {
      try {
        encodeCdrFile(h, cdrs);
      } catch (err) {
        if (err instanceof EncodeError) return `${err.code} ${String(err.context['field'] ?? '')}`;
        throw err;
      }
      return 'encoded';
    };
    expect(enc(header({ fileSequenceNumber: 2 ** 32 }))).toBe('invalid_value fileSequenceNumber');
    expect(enc(header({ highRelease: { releaseIdentifier: 7, versionIdentifier: 0 } }))).toBe(
      'invalid_value highRelease.releaseIdentifierExtension',
    );
    expect(
      enc(
        header({ lowRelease: { releaseIdentifier: 6, versionIdentifier: 0, releaseIdentifierExtension: 1 } }),
      ),
    ).toBe('invalid_value lowRelease.releaseIdentifierExtension');
    expect(enc(header({ lowRelease: { releaseIdentifier: 8, versionIdentifier: 0 } }))).toBe(
      'invalid_value lowRelease.releaseIdentifier',
    );
    expect(enc(header({ openingTime: { month: 13, day: 1, hour: 0, minute: 0, utcOffset: '+00:00' } }))).toBe(
      'invalid_value openingTime.month',
    );
    expect(enc(header({ openingTime: { month: 1, day: 1, hour: 0, minute: 0, utcOffset: '+1:00' } }))).toBe(
      'invalid_value openingTime.utcOffset',
    );
    expect(enc(header({ nodeAddress: new Uint8Array(16) }))).toBe('invalid_value nodeAddress');
    expect(enc(header({ routingFilter: new Uint8Array(0x10000) }))).toBe(
      'invalid_value routingFilter length',
    );
    expect(enc(header(), [{ header: { ...BER_PS, dataRecordFormat: 8 }, bytes: G_CDR }])).toBe(
      'invalid_value cdr header.dataRecordFormat',
    );
    expect(enc(header(), [{ header: BER_PS, bytes: new Uint8Array(0x10000) }])).toBe('cdr_too_long ');
  });
});

describe('TS 32.297 CDR file decode errors', () => {
  const two = encodeCdrFile(header(), [
    { header: BER_PS, bytes: G_CDR },
    { header: BER_PS, bytes: SGW_CDR },
  ]);
  const hl = decodeCdrFileHeader(two).headerLength;

  it('ensures each malformed file gets its own code and offset', () => {
    const cases: Array<[string, Uint8Array, string, number]> = [
      ['shorter than the fixed fields', two.subarray(0, 49), 'truncated_header', 0],
      ['file length disagrees with the bytes', two.subarray(0, two.length - 1), 'file_length_mismatch', 0],
      ['header length past the file', patched(two, 4, [0, 0, 0x7f, 0xff]), 'truncated_header', 4],
      [
        'header length cuts the routeing filter',
        patched(patched(two, 48, [0, 9]), 4, [0, 0, 0, 56]),
        'header_length_mismatch',
        50,
      ],
      [
        'header fields end before the header length',
        patched(two, 4, [0, 0, 0, hl + 1]),
        'header_length_mismatch',
        hl,
      ],
      ['month 0 with a time set', patched(two, 10, [0x00, 0x80, 0x00, 0x00]), 'bad_timestamp', 10],
      ['minute 60', patched(two, 14, [0x10, 0x83, 0xc0, 0x00]), 'bad_timestamp', 14],
      ['offset minutes 60', patched(two, 14, [0x10, 0x80, 0x00, 0x3c]), 'bad_timestamp', 14],
      ['header states 3 CDRs, file holds 2', patched(two, 18, [0, 0, 0, 3]), 'cdr_count_mismatch', 18],
      [
        'second CDR longer than what is left',
        patched(two, hl + 4 + G_CDR.length, [0xff, 0xff]),
        'truncated_cdr',
        hl + 4 + G_CDR.length,
      ],
    ];
    for (const [what, bytes, code, offset] of cases) {
      const err = errorOf(() => decodeCdrFile(bytes));
      expect([err?.protocol, err?.code, err?.offset], what).toEqual(['cdr-file', code, offset]);
    }
  });

  it('ensures a CDR header cut by the end of the file is truncated_cdr', () => {
    const cut = encodeCdrFile({ ...header(), fileLength: hl + 3 }, []);
    const withTail = new Uint8Array(hl + 3);
    withTail.set(cut.subarray(0, hl));
    withTail.set([0, 1, 0xa3], hl);
    expect(codeOf(() => decodeCdrFile(withTail))).toBe('truncated_cdr');
  });

  it('ensures the CDR limit is checked against the stated count before reading and against the CDRs found', () => {
    expect(codeOf(() => decodeCdrFile(two, { maxCdrs: 1 }))).toBe('too_many_cdrs');
    const understated = patched(two, 18, [0, 0, 0, 1]);
    const err = errorOf(() => decodeCdrFile(understated, { maxCdrs: 1 }));
    expect([err?.code, err?.offset]).toEqual(['too_many_cdrs', hl + 4 + G_CDR.length]);
    expect(decodeCdrFile(two, { maxCdrs: 2 }).cdrs).toHaveLength(2);
  });

  it('ensures decodeCdrFileHeader reads the header from the first part of a larger file', () => {
    expect(decodeCdrFileHeader(two.subarray(0, hl), two.length).numberOfCdrs).toBe(2);
    expect(codeOf(() => decodeCdrFileHeader(two.subarray(0, hl - 1), two.length))).toBe('truncated_header');
  });
});
