/**
 * TS 32.297 CDR files (§6.1): a file header (file-header.ts), then CDRs, each behind a CDR header:
 *
 *   octets  field
 *   0–1     CDR length: the octets of the CDR that follows the header (header excluded)
 *   2       release identifier (bits 8–6) / version identifier (bits 5–1)
 *   3       data record format (bits 8–6: 1 BER, 2 unaligned PER, 3 aligned PER, 4 XER) / TS number
 *           (bits 5–1: the TS defining the CDR, e.g. 7 = TS 32.251, PS domain)
 *   4       release identifier extension: only when the release identifier is 7
 *
 * Pure: `decodeCdrFile` checks the file length and number of CDRs the header states against the
 * bytes; `iterateCdrFile` yields CDRs one at a time (the count is checked once the last is read);
 * `decodeCdrAt`/`cdrSpan` read single CDRs out of a window of a file that is read piecewise.
 * CDR bytes are subarrays of the input, never copies.
 */
import { DecodeError, EncodeError } from '../errors.js';
import {
  checkInt,
  decodeCdrFileHeader,
  headerSize,
  invalid,
  RELEASE_ID_EXTENDED,
  releaseOctet,
  writeCdrFileHeader,
  type CdrFileHeader,
  type CdrFileHeaderInput,
  type ReleaseVersion,
} from './file-header.js';

export {
  decodeCdrFileHeader,
  FIXED_HEADER_BYTES,
  MAX_HEADER_BYTES,
  NODE_ADDRESS_BYTES,
  releaseNumber,
  RELEASE_ID_EXTENDED,
} from './file-header.js';
export type { CdrFileHeader, CdrFileHeaderInput, CdrFileTimestamp, ReleaseVersion } from './file-header.js';

export const DATA_RECORD_FORMAT = { ber: 1, unalignedPer: 2, alignedPer: 3, xer: 4 } as const;
/** TS number 7: TS 32.251 (PS domain). */
export const TS_NUMBER_PS_DOMAIN = 7;
export const MAX_CDR_BYTES = 0xffff;

export interface CdrHeader extends ReleaseVersion {
  /** 3 bits: 1 BER, 2 unaligned PER, 3 aligned PER, 4 XER. */
  readonly dataRecordFormat: number;
  /** 5 bits: which TS defines the CDR (7: TS 32.251). */
  readonly tsNumber: number;
}

export interface CdrFileEntry {
  readonly header: CdrHeader;
  /** The CDR (its length is the header's CDR length); a subarray of the input. */
  readonly bytes: Uint8Array;
  /** Where its CDR header starts (in the file, or in the window given to `decodeCdrAt`). */
  readonly offset: number;
}

export interface CdrFileLimits {
  /** Most CDRs a file may state or hold. */
  readonly maxCdrs: number;
}

export const DEFAULT_CDR_FILE_LIMITS: CdrFileLimits = { maxCdrs: 1_000_000 };

function fail(code: string, message: string, offset: number, context: Record<string, unknown> = {}): never {
  throw new DecodeError('cdr-file', code, message, offset, context);
}

/**
 * Octets the CDR at `offset` takes, header included, or undefined when `buf` ends before its
 * header does. Does not check that the CDR itself fits.
 */
export function cdrSpan(buf: Uint8Array, offset: number): number | undefined {
  if (offset + 4 > buf.length) return undefined;
  const extended = (buf[offset + 2] as number) >> 5 === RELEASE_ID_EXTENDED;
  if (extended && offset + 5 > buf.length) return undefined;
  return (extended ? 5 : 4) + (((buf[offset] as number) << 8) | (buf[offset + 1] as number));
}

/**
 * The CDR at `offset` of `buf` (`base`: the file offset of buf[0], for error offsets). A header or
 * CDR running past the end of `buf` is `truncated_cdr`.
 */
export function decodeCdrAt(buf: Uint8Array, offset: number, base = 0): CdrFileEntry {
  const span = cdrSpan(buf, offset);
  if (span === undefined) {
    fail('truncated_cdr', `a CDR header needs 4 or 5 octets, ${buf.length - offset} left`, base + offset, {
      left: buf.length - offset,
    });
  }
  if (offset + span > buf.length) {
    fail(
      'truncated_cdr',
      `CDR of ${span} octets (header included) runs past the end, ${buf.length - offset} left`,
      base + offset,
      {
        span,
        left: buf.length - offset,
      },
    );
  }
  const rv = buf[offset + 2] as number;
  const ft = buf[offset + 3] as number;
  const extended = rv >> 5 === RELEASE_ID_EXTENDED;
  const header: CdrHeader = {
    releaseIdentifier: rv >> 5,
    versionIdentifier: rv & 0x1f,
    ...(extended ? { releaseIdentifierExtension: buf[offset + 4] as number } : {}),
    dataRecordFormat: ft >> 5,
    tsNumber: ft & 0x1f,
  };
  return { header, bytes: buf.subarray(offset + (extended ? 5 : 4), offset + span), offset };
}

function resolveLimits(limits: Partial<CdrFileLimits> | undefined): CdrFileLimits {
  return limits === undefined ? DEFAULT_CDR_FILE_LIMITS : { ...DEFAULT_CDR_FILE_LIMITS, ...limits };
}

function checkStatedCount(header: CdrFileHeader, lim: CdrFileLimits): void {
  if (header.numberOfCdrs > lim.maxCdrs) {
    fail('too_many_cdrs', `the header states ${header.numberOfCdrs} CDRs, limit ${lim.maxCdrs}`, 18, {
      numberOfCdrs: header.numberOfCdrs,
      limit: lim.maxCdrs,
    });
  }
}

/**
 * The CDRs of a whole file, one at a time. Throws (after the last CDR) `cdr_count_mismatch` when the
 * header states another number of CDRs than the file holds.
 */
export function* iterateCdrFile(
  buf: Uint8Array,
  header: CdrFileHeader = decodeCdrFileHeader(buf),
  limits?: Partial<CdrFileLimits>,
): Generator<CdrFileEntry, number, undefined> {
  const lim = resolveLimits(limits);
  checkStatedCount(header, lim);
  let n = 0;
  for (let o = header.headerLength; o < buf.length;) {
    if (n === lim.maxCdrs) {
      fail('too_many_cdrs', `more than ${lim.maxCdrs} CDRs`, o, { limit: lim.maxCdrs });
    }
    const e = decodeCdrAt(buf, o);
    n++;
    yield e;
    o += (e.header.releaseIdentifierExtension === undefined ? 4 : 5) + e.bytes.length;
  }
  if (n !== header.numberOfCdrs) {
    fail('cdr_count_mismatch', `the header states ${header.numberOfCdrs} CDRs, the file holds ${n}`, 18, {
      numberOfCdrs: header.numberOfCdrs,
      found: n,
    });
  }
  return n;
}

export function decodeCdrFile(
  buf: Uint8Array,
  limits?: Partial<CdrFileLimits>,
): { header: CdrFileHeader; cdrs: CdrFileEntry[] } {
  const header = decodeCdrFileHeader(buf);
  return { header, cdrs: [...iterateCdrFile(buf, header, limits)] };
}

/** The CDR header octets of `h` for a CDR of `length` octets. */
export function encodeCdrHeader(h: CdrHeader, length: number): Uint8Array {
  if (length > MAX_CDR_BYTES) {
    throw new EncodeError(
      'cdr-file',
      'cdr_too_long',
      `a CDR has at most ${MAX_CDR_BYTES} octets, got ${length}`,
      {
        length,
      },
    );
  }
  const ext = h.releaseIdentifierExtension;
  const out = new Uint8Array(ext === undefined ? 4 : 5);
  out[0] = length >> 8;
  out[1] = length & 0xff;
  out[2] = releaseOctet(h, 'cdr header');
  out[3] =
    (checkInt(h.dataRecordFormat, 7, 'cdr header.dataRecordFormat') << 5) |
    checkInt(h.tsNumber, 31, 'cdr header.tsNumber');
  if (ext !== undefined) out[4] = ext;
  return out;
}

/**
 * A whole file. `fileLength`, `headerLength` and `numberOfCdrs` are computed unless given (given
 * values are written as they are, consistent or not).
 */
export function encodeCdrFile(
  header: CdrFileHeaderInput,
  cdrs: readonly { readonly header: CdrHeader; readonly bytes: Uint8Array }[],
): Uint8Array {
  const size = headerSize(header);
  const heads = cdrs.map((c) => encodeCdrHeader(c.header, c.bytes.length));
  let total = size;
  for (let i = 0; i < cdrs.length; i++)
    total += (heads[i] as Uint8Array).length + (cdrs[i] as { bytes: Uint8Array }).bytes.length;
  if (total > 0xffffffff) invalid('file', 'at most 4294967295 octets', total);
  const out = new Uint8Array(total);
  writeCdrFileHeader(
    out,
    header,
    header.fileLength ?? total,
    header.headerLength ?? size,
    header.numberOfCdrs ?? cdrs.length,
  );
  let o = size;
  for (let i = 0; i < cdrs.length; i++) {
    const head = heads[i] as Uint8Array;
    out.set(head, o);
    o += head.length;
    const bytes = (cdrs[i] as { bytes: Uint8Array }).bytes;
    out.set(bytes, o);
    o += bytes.length;
  }
  return out;
}
